"""Table exports: one Parquet (pyarrow) or CSV file per table, for pandas, polars, DuckDB and spreadsheets.

Tables: ``articles``, ``entities``, ``mentions``, ``places``, ``events``, ``happenings``, ``quotes``, ``flags`` (from each
article's record), ``stories``, ``story_reports``, ``canonical_entities`` (the cross-article actors that
``entities.canonical`` points at) and ``reuse_links`` (from the link stage; empty files when the store was never
linked). Every table has a fixed schema (``TABLES``), so an empty export still has typed columns,
and rows are written in record batches of ``BATCH_ROWS`` as the store is read. Article-level tables join on
``article_id``; events carry their ``story_id`` and the story's ``verdict``.

In CSV, list columns are JSON arrays, booleans ``true``/``false`` and missing values empty cells.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newstrace.export import ExportStats
from newstrace.export.files import ensure_dir
from newstrace.export.select import Item, Selection

BATCH_ROWS = 2000

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
LS = pa.list_(pa.string())

TABLES: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("seq", I), ("id", S), ("url", S), ("outlet", S), ("title", S), ("byline", S), ("published", S),
        ("language", S), ("tags", LS), ("uri", S), ("fetched_at", S), ("body_start", I), ("chars", I),
        ("text", S), ("entities", I), ("places", I), ("events", I), ("quotes", I), ("flags", I),
        ("by_named", I), ("by_anonymous", I), ("by_outlet", I), ("by_author_only", I),
    ]),
    "entities": pa.schema([
        ("article_id", S), ("id", S), ("name", S), ("type", S), ("aliases", LS), ("country", S), ("sector", S),
        ("title", S), ("canonical", S), ("mentions", I),
    ]),
    "mentions": pa.schema([("article_id", S), ("entity_id", S), ("start", I), ("end", I), ("text", S)]),
    "places": pa.schema([
        ("article_id", S), ("id", S), ("name", S), ("country", S), ("admin1", S), ("lat", F), ("lon", F),
        ("geonameid", I), ("feature", S), ("mentions", I),
    ]),
    "events": pa.schema([
        ("article_id", S), ("id", S), ("type", S), ("mode", S), ("cameo", S), ("actor", S), ("actor_name", S),
        ("target", S), ("target_name", S), ("place", S), ("place_name", S), ("date", S), ("modality", S),
        ("evidence_start", I), ("evidence_end", I), ("evidence_text", S), ("source_kind", S), ("source_entity", S),
        ("source_text", S), ("source_cue", S), ("source_quote", S), ("flags", LS), ("trigger", S),
        ("story_id", S), ("verdict", S), ("independent_outlets", I),
    ]),
    # disasters, accidents, rate moves (newstrace.analyze.happenings): the columns of an event and a category
    "happenings": pa.schema([
        ("article_id", S), ("id", S), ("type", S), ("category", S), ("mode", S), ("actor", S), ("actor_name", S),
        ("place", S), ("place_name", S), ("date", S), ("modality", S),
        ("evidence_start", I), ("evidence_end", I), ("evidence_text", S), ("source_kind", S), ("source_entity", S),
        ("source_text", S), ("source_cue", S), ("source_quote", S), ("flags", LS), ("trigger", S),
        ("story_id", S), ("verdict", S), ("independent_outlets", I),
    ]),
    "quotes": pa.schema([
        ("article_id", S), ("id", S), ("speaker", S), ("speaker_text", S), ("cue", S), ("text", S), ("start", I),
        ("end", I), ("direct", B), ("kind", S), ("block", B),
    ]),
    "flags": pa.schema([("article_id", S), ("kind", S), ("start", I), ("end", I), ("text", S)]),
    "stories": pa.schema([
        ("id", S), ("type", S), ("family", S), ("actors", LS), ("place", S), ("country", S), ("first_seen", S),
        ("last_seen", S), ("first_date", S), ("last_date", S), ("headline", S), ("reports", I),
        ("independent_outlets", I), ("denying_outlets", I), ("verdict", S),
    ]),
    "story_reports": pa.schema([
        ("story_id", S), ("article_id", S), ("outlet", S), ("outlet_group", S), ("published", S),
        ("copied_from", S), ("stance", S), ("source_kinds", S),
    ]),
    "canonical_entities": pa.schema([
        ("id", S), ("name", S), ("type", S), ("country", S), ("sector", S), ("title", S), ("aliases", LS),
        ("articles", I), ("mentions", I),
    ]),
    "reuse_links": pa.schema([
        ("copy_id", S), ("origin_id", S), ("kind", S), ("containment_copy", F), ("containment_origin", F),
        ("shared_words", I), ("direction_by", S),
    ]),
}


# -- rows of each table ------------------------------------------------------------------------------------------
def article_rows(it: Item) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) pairs for one article: its own row and the rows of everything analysis found in it."""
    art, an = it.article, it.analysis
    aid = art.id
    src = an.sourcing or {}
    yield "articles", {
        "seq": it.seq, "id": aid, "url": art.url, "outlet": art.outlet, "title": art.title, "byline": art.byline,
        "published": art.published, "language": art.language, "tags": list(art.tags or []), "uri": art.uri,
        "fetched_at": art.fetched_at, "body_start": int(art.meta.get("body_start", 0) or 0), "chars": len(art.text),
        "text": art.text, "entities": len(an.entities), "places": len(an.places), "events": len(it.events),
        "quotes": len(an.quotes), "flags": len(an.flags), "by_named": src.get("by_named"),
        "by_anonymous": src.get("by_anonymous"), "by_outlet": src.get("by_outlet"),
        "by_author_only": src.get("by_author_only"),
    }
    names = {e.id: e.name for e in an.entities}
    for e in an.entities:
        yield "entities", {"article_id": aid, "id": e.id, "name": e.name, "type": e.type,
                           "aliases": list(e.aliases or []), "country": e.country, "sector": e.sector,
                           "title": e.title, "canonical": e.canonical, "mentions": len(e.mentions or [])}
        for start, end in e.mentions or []:
            yield "mentions", {"article_id": aid, "entity_id": e.id, "start": start, "end": end,
                               "text": art.text[start:end]}
    places = {p.id: p.name for p in an.places}
    for p in an.places:
        yield "places", {"article_id": aid, "id": p.id, "name": p.name, "country": p.country, "admin1": p.admin1,
                         "lat": p.lat, "lon": p.lon, "geonameid": p.geonameid, "feature": p.feature,
                         "mentions": len(p.mentions or [])}
    for table, evs in (("events", it.events), ("happenings", it.happenings)):
        for ev in evs:
            story = it.stories.get(ev.id)
            row = {
                "article_id": aid, "id": ev.id, "type": ev.type, "mode": ev.mode, "cameo": ev.cameo,
                "category": ev.category,
                "actor": ev.actor, "actor_name": names.get(ev.actor) or ev.actor_text, "target": ev.target,
                "target_name": names.get(ev.target) or ev.target_text, "place": ev.place,
                "place_name": places.get(ev.place), "date": ev.date, "modality": ev.modality,
                "evidence_start": ev.evidence.start, "evidence_end": ev.evidence.end,
                "evidence_text": ev.evidence.text, "source_kind": ev.source.kind, "source_entity": ev.source.entity,
                "source_text": ev.source.text, "source_cue": ev.source.cue, "source_quote": ev.source.quote,
                "flags": list(ev.flags or []), "trigger": ev.trigger, "story_id": story.story_id if story else None,
                "verdict": story.verdict if story else None,
                "independent_outlets": story.independent_outlets if story else None,
            }
            yield table, {k: row.get(k) for k in TABLES[table].names}
    for q in an.quotes:
        yield "quotes", {"article_id": aid, "id": q.id, "speaker": q.speaker, "speaker_text": q.speaker_text,
                         "cue": q.cue, "text": q.text, "start": q.start, "end": q.end, "direct": bool(q.direct),
                         "kind": q.kind, "block": bool(q.block)}
    for f in an.flags:
        yield "flags", {"article_id": aid, "kind": f.kind, "start": f.start, "end": f.end, "text": f.text}


def story_row(story: dict[str, Any]) -> dict[str, Any]:
    """The ``stories`` row of one stored story (actors as a list of names)."""
    row = {k: story.get(k) for k in TABLES["stories"].names}
    row["actors"] = [a.get("name") or a.get("key") for a in story.get("actors") or [] if isinstance(a, dict)]
    return row


def report_row(rep: dict[str, Any]) -> dict[str, Any]:
    row = {k: rep.get(k) for k in TABLES["story_reports"].names}
    row["source_kinds"] = json.dumps(rep.get("source_kinds") or {}, ensure_ascii=False)
    return row


# -- sinks ---------------------------------------------------------------------------------------------------------
class TableSink:
    """Buffers rows per table and flushes them in batches; subclasses say how a batch is written."""

    suffix = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.counts: dict[str, int] = {name: 0 for name in TABLES}
        for name in TABLES:
            self.open(name)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}{self.suffix}"

    def add(self, table: str, row: dict[str, Any]) -> None:
        buf = self.buffers[table]
        buf.append(row)
        self.counts[table] += 1
        if len(buf) >= BATCH_ROWS:
            self.flush(table)

    def flush(self, table: str) -> None:
        buf = self.buffers[table]
        if buf:
            self.write_batch(table, buf)
            self.buffers[table] = []

    def close(self) -> None:
        for name in TABLES:
            self.flush(name)
            self.close_table(name)

    def open(self, name: str) -> None:
        raise NotImplementedError

    def write_batch(self, name: str, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def close_table(self, name: str) -> None:
        raise NotImplementedError


class ParquetSink(TableSink):
    """One ``pq.ParquetWriter`` per table; each flushed buffer becomes one record batch (a row group)."""

    suffix = ".parquet"

    def open(self, name: str) -> None:
        if not hasattr(self, "writers"):
            self.writers: dict[str, pq.ParquetWriter] = {}
        self.writers[name] = pq.ParquetWriter(str(self.path(name)), TABLES[name], compression="zstd")

    def write_batch(self, name: str, rows: list[dict[str, Any]]) -> None:
        self.writers[name].write_batch(pa.RecordBatch.from_pylist(rows, schema=TABLES[name]))

    def close_table(self, name: str) -> None:
        self.writers[name].close()


def csv_cell(value: Any) -> Any:
    """A CSV cell: lists and dicts as JSON, booleans as true/false, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class CsvSink(TableSink):
    """One ``csv.writer`` per table with a header row; rows are written as they come."""

    suffix = ".csv"

    def open(self, name: str) -> None:
        if not hasattr(self, "files"):
            self.files: dict[str, Any] = {}
            self.writers: dict[str, Any] = {}
        fh = self.path(name).open("w", encoding="utf-8", newline="")
        self.files[name] = fh
        self.writers[name] = csv.writer(fh)
        self.writers[name].writerow(TABLES[name].names)

    def write_batch(self, name: str, rows: list[dict[str, Any]]) -> None:
        cols = TABLES[name].names
        self.writers[name].writerows([[csv_cell(r.get(c)) for c in cols] for r in rows])

    def close_table(self, name: str) -> None:
        self.files[name].close()


# -- the export ---------------------------------------------------------------------------------------------------
def write(selection: Selection, target: Any, *, fmt: str = "parquet", **_: Any) -> ExportStats:
    """Write every table of the selection into the directory ``target``; returns rows written per table."""
    folder = ensure_dir(target)
    sink: TableSink = ParquetSink(folder) if fmt == "parquet" else CsvSink(folder)
    stats = ExportStats(fmt)
    story_ids: set[str] = set()
    canonical_ids: set[str] = set()
    filtered = selection.flt.filters_events or bool(selection.flt.since)
    try:
        for batch in selection.batches():
            for it in batch:
                stats.articles += 1
                for table, row in article_rows(it):
                    sink.add(table, row)
                if filtered:
                    canonical_ids.update(e.canonical for e in it.analysis.entities if e.canonical)
                    kept = {ev.id for ev in it.events}
                    story_ids.update(s.story_id for ev_id, s in it.stories.items() if ev_id in kept)
            for link in selection.reuse_links([it.article.id for it in batch]):
                sink.add("reuse_links", {k: link.get(k) for k in TABLES["reuse_links"].names})
        for story in _stories(selection, story_ids if filtered else None):
            sink.add("stories", story_row(story))
            for rep in story["report_rows"]:
                sink.add("story_reports", report_row(rep))
        for canon in _canonicals(selection, canonical_ids if filtered else None):
            sink.add("canonical_entities", {k: canon.get(k) for k in TABLES["canonical_entities"].names})
    finally:
        sink.close()
    for name in TABLES:
        stats.add(name, sink.counts[name])
        stats.files.append(str(sink.path(name)))
    return stats


def _stories(selection: Selection, only: set[str] | None) -> Iterator[dict[str, Any]]:
    """The stories to export: all of them (keyset-paged) or only those the selected events belong to."""
    if not selection.linked:
        return
    if only is not None:
        for sid in sorted(only):
            story = selection.story(sid)
            if story is not None:
                yield story
        return
    last = ""
    while True:
        ids = [r[0] for r in selection.conn.execute("SELECT id FROM stories WHERE id > ? ORDER BY id LIMIT 500",
                                                    (last,))]
        if not ids:
            return
        for sid in ids:
            story = selection.story(sid)
            if story is not None:
                yield story
        last = ids[-1]


def _canonicals(selection: Selection, only: set[str] | None) -> Iterator[dict[str, Any]]:
    """The cross-article entities to export: all (keyset-paged) or those the exported entities point at."""
    if not selection.has_canonical:
        return
    if only is not None:
        for cid in sorted(only):
            canon = selection.canonical(cid)
            if canon is not None:
                yield canon
        return
    last = ""
    while True:
        rows = selection.conn.execute("SELECT * FROM canonical_entities WHERE id > ? ORDER BY id LIMIT 1000",
                                      (last,)).fetchall()
        if not rows:
            return
        for row in rows:
            out = dict(row)
            out["aliases"] = json.loads(out.get("aliases") or "[]")
            yield out
        last = rows[-1]["id"]
