"""What an export reads: the stored articles that pass the filters, streamed in batches, with their story links.

Every exporter reads through ``Selection.batches()``: it pages through ``articles`` by ``seq`` (keyset paging, so
memory stays flat however large the store is), rebuilds each ``Article``/``Analysis`` and looks up, for the whole
batch at once, which story each event belongs to and that story's verdict. The link tables (``stories``,
``story_members``, ``reuse_links``) exist only after the link stage; when they are missing the lookups return
nothing and story-dependent fields stay empty.

Filters (``ExportFilter``) mean the same in every format:

- ``since``: articles published on or after this date (ISO prefix comparison; undated articles are left out);
- ``entity``: articles that name an actor whose name, alias, canonical id or canonical name matches
  (case-insensitive); events
  are kept when that actor is their actor or target;
- ``type``: events of these PLOVER types (comma-separated); articles with at least one such event;
- ``verdict``: events whose story has this verdict; articles with at least one such event.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from newstrace.model import VERDICTS, Analysis, Article, Entity, Event, from_dict, normalise_text
from newstrace.store.sqlite import Store, article_from_row


class FilterError(ValueError):
    """A filter value that cannot mean anything (an unknown verdict, a malformed date)."""


@dataclass(frozen=True)
class ExportFilter:
    """Which articles and events an export keeps; all fields optional, combined with AND."""

    since: str | None = None
    entity: str | None = None
    type: tuple[str, ...] = ()
    verdict: str | None = None

    @classmethod
    def make(cls, *, since: str | None = None, entity: str | None = None, type: str | Sequence[str] | None = None,
             verdict: str | None = None) -> ExportFilter:
        """A checked filter: types upper-cased and split on commas, the verdict one of ``VERDICTS``."""
        if isinstance(type, str):
            types = tuple(t.strip().upper() for t in type.split(",") if t.strip())
        else:
            types = tuple(t.strip().upper() for t in (type or ()) if t.strip())
        if verdict is not None and verdict not in VERDICTS:
            raise FilterError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
        if since is not None and not _looks_like_date(since):
            raise FilterError(f"--since wants a date like 2026-09-05, not {since!r}")
        return cls(since=since or None, entity=(entity or "").strip() or None, type=types, verdict=verdict)

    @property
    def filters_events(self) -> bool:
        return bool(self.entity or self.type or self.verdict)


def _looks_like_date(value: str) -> bool:
    head = value[:10]
    parts = head.split("-")
    return bool(parts) and all(p.isdigit() for p in parts) and len(parts[0]) == 4


@dataclass
class StoryLink:
    """The story an event mention belongs to, as the link stage stored it."""

    story_id: str
    verdict: str | None
    independent_outlets: int
    reports: int
    mentions: int
    score: float | None = None
    voice_id: str | None = None
    copied_from: str | None = None  # the article whose words this report repeats (None: an independent report)
    stance: str | None = None  # asserts | denies


class Item:
    """One selected article: its ingest order, the records, and the story of each kept event (by event id).

    The ``Analysis`` is rebuilt from the stored JSON on first use only (``raw_analysis`` is that JSON), so an
    export that needs no records (JSONL) does not pay for them. ``events`` are the events the filters kept.
    """

    def __init__(self, seq: int, article: Article, raw_analysis: dict[str, Any] | None,
                 ingested_at: str | None = None) -> None:
        self.seq = seq
        self.article = article
        self.raw_analysis = raw_analysis
        self.ingested_at = ingested_at
        self.stories: dict[str, StoryLink] = {}
        self._analysis: Analysis | None = None
        self._events: list[Event] | None = None
        self._happenings: list[Event] | None = None

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = from_dict(Analysis, self.raw_analysis) if self.raw_analysis else Analysis()
        return self._analysis

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = list(self.analysis.events)
        return self._events

    @events.setter
    def events(self, value: list[Event]) -> None:
        self._events = value

    @property
    def happenings(self) -> list[Event]:
        """The happenings (disasters, accidents, rate moves) the filters kept."""
        if self._happenings is None:
            self._happenings = list(self.analysis.happenings)
        return self._happenings

    @happenings.setter
    def happenings(self, value: list[Event]) -> None:
        self._happenings = value

    def entity(self, entity_id: str | None) -> Entity | None:
        """The entity with this id in the article, or None."""
        if entity_id is None:
            return None
        for ent in self.analysis.entities:
            if ent.id == entity_id:
                return ent
        return None


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the store has this table (link tables exist only once their migration ran)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def actor_key(ent: Entity) -> str:
    """The key that makes one actor across articles: its canonical id when linked, else type + normalised name."""
    return ent.canonical or f"{ent.type}:{normalise_text(ent.name)}"


def entity_matches(ent: Entity, needle: str) -> bool:
    """Whether an actor is the one the user named: its name, an alias or its canonical id, ignoring case."""
    n = needle.casefold()
    if ent.name and ent.name.casefold() == n:
        return True
    if ent.canonical and ent.canonical.casefold() == n:
        return True
    return any(a.casefold() == n for a in ent.aliases or [])


class Selection:
    """The articles and events of a store that pass a filter, streamed in batches of ``batch`` articles."""

    def __init__(self, store: Store, flt: ExportFilter | None = None, *, batch: int = 200) -> None:
        self.store = store
        self.conn = store.conn
        self.flt = flt or ExportFilter()
        self.batch = batch
        self.linked = has_table(self.conn, "stories") and has_table(self.conn, "story_members")
        self.has_reuse = has_table(self.conn, "reuse_links")
        self.has_canonical = has_table(self.conn, "canonical_entities")
        # the cross-article entities the --entity filter names, so "Gen Awan" in one article counts for the
        # canonical "Tariq Mahmood Awan"
        self.entity_canonicals: set[str] = set()
        if self.flt.entity and self.has_canonical:
            like = f"%{json.dumps(self.flt.entity, ensure_ascii=False)[1:-1]}%"
            self.entity_canonicals = {r[0] for r in self.conn.execute(
                "SELECT id FROM canonical_entities WHERE id = ? OR name = ? COLLATE NOCASE OR aliases LIKE ?",
                (self.flt.entity, self.flt.entity, like))}

    # -- articles ------------------------------------------------------------------------------------------------
    def batches(self) -> Iterator[list[Item]]:
        """Lists of selected articles in ingest order; each list is one page of the store."""
        last = 0
        where, args = ["seq > ?"], []
        if self.flt.since:
            where.append("published IS NOT NULL AND substr(published, 1, ?) >= ?")
            args += [len(self.flt.since), self.flt.since]
        if self.flt.entity:
            # a cheap pre-filter in SQL; the exact alias/canonical test runs on the rebuilt records
            canon = sorted(self.entity_canonicals | {self.flt.entity})
            where.append("id IN (SELECT article_id FROM entities WHERE name = ? COLLATE NOCASE OR aliases LIKE ?"
                         f" OR canonical IN ({','.join('?' * len(canon))}))")
            args += [self.flt.entity, f"%{json.dumps(self.flt.entity, ensure_ascii=False)[1:-1]}%", *canon]
        sql = f"SELECT * FROM articles WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?"
        while True:
            rows = self.conn.execute(sql, [last, *args, self.batch]).fetchall()
            if not rows:
                return
            last = rows[-1]["seq"]
            items = [self._item(r) for r in rows]
            self._attach_stories(items)
            kept = [it for it in items if self._keep(it)]
            if kept:
                yield kept

    def items(self) -> Iterator[Item]:
        """The selected articles one by one."""
        for batch in self.batches():
            yield from batch

    def _item(self, row: sqlite3.Row) -> Item:
        return Item(row["seq"], article_from_row(row), _loads(row["analysis"], None), row["ingested_at"])

    def _keep(self, it: Item) -> bool:
        flt = self.flt
        if flt.entity:
            ids = {e.id for e in it.analysis.entities
                   if entity_matches(e, flt.entity) or (e.canonical and e.canonical in self.entity_canonicals)}
            if not ids:
                return False
            it.events = [ev for ev in it.events if ev.actor in ids or ev.target in ids]
            it.happenings = [ev for ev in it.happenings if ev.actor in ids]
        if flt.type:
            it.events = [ev for ev in it.events if (ev.type or "").upper() in flt.type]
            it.happenings = [ev for ev in it.happenings if (ev.type or "").upper() in flt.type]
        if flt.verdict:
            it.events = [ev for ev in it.events
                         if (s := it.stories.get(ev.id)) is not None and s.verdict == flt.verdict]
            it.happenings = [ev for ev in it.happenings
                             if (s := it.stories.get(ev.id)) is not None and s.verdict == flt.verdict]
        return bool(it.events or it.happenings) if (flt.type or flt.verdict) else True

    # -- link lookups ----------------------------------------------------------------------------------------------
    def _attach_stories(self, items: list[Item]) -> None:
        if not self.linked or not items:
            return
        by_id = {it.article.id: it for it in items}
        marks = ",".join("?" * len(by_id))
        reports = has_table(self.conn, "story_reports")
        sql = (
            "SELECT m.article_id, m.event_id, m.score, m.voice_id, s.id AS story_id, s.verdict,"
            " s.independent_outlets, s.reports,"
            " (SELECT count(*) FROM story_members m2 WHERE m2.story_id = s.id) AS mentions, "
            + ("r.copied_from, r.stance" if reports else "NULL AS copied_from, NULL AS stance") +
            " FROM story_members m JOIN stories s ON s.id = m.story_id"
            + (" LEFT JOIN story_reports r ON r.story_id = m.story_id AND r.article_id = m.article_id"
               if reports else "") +
            f" WHERE m.article_id IN ({marks})"
        )
        for r in self.conn.execute(sql, list(by_id)):
            it = by_id.get(r["article_id"])
            if it is not None:
                it.stories[r["event_id"]] = StoryLink(
                    story_id=r["story_id"], verdict=r["verdict"], independent_outlets=r["independent_outlets"] or 0,
                    reports=r["reports"] or 0, mentions=r["mentions"] or 0, score=r["score"], voice_id=r["voice_id"],
                    copied_from=r["copied_from"], stance=r["stance"])

    def canonical(self, canonical_id: str | None) -> dict[str, Any] | None:
        """The cross-article entity (``canonical_entities`` row, aliases as a list) of this id, or None."""
        if not canonical_id or not self.has_canonical:
            return None
        row = self.conn.execute("SELECT * FROM canonical_entities WHERE id=?", (canonical_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["aliases"] = _loads(out.get("aliases"), [])
        return out

    def reuse_links(self, article_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The reuse links whose copy is one of these articles (empty before the link stage has run)."""
        if not self.has_reuse or not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        rows = self.conn.execute(f"SELECT * FROM reuse_links WHERE copy_id IN ({marks}) ORDER BY copy_id, origin_id",
                                 list(article_ids)).fetchall()
        return [dict(r) for r in rows]

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story row with its reports (time order), or None."""
        if not self.linked:
            return None
        row = self.conn.execute("SELECT * FROM stories WHERE id=?", (story_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["actors"] = _loads(out.get("actors"), [])
        out["report_rows"] = self.story_reports(story_id)
        return out

    def story_reports(self, story_id: str) -> list[dict[str, Any]]:
        if not has_table(self.conn, "story_reports"):
            return []
        rows = self.conn.execute(
            "SELECT r.*, a.url FROM story_reports r LEFT JOIN articles a ON a.id = r.article_id"
            " WHERE r.story_id=? ORDER BY r.published IS NULL, r.published, r.seq", (story_id,)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["source_kinds"] = _loads(d.get("source_kinds"), {})
            out.append(d)
        return out


def _loads(raw: Any, default: Any) -> Any:
    if raw is None or raw == "":
        return default
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return default
