"""Parquet and CSV exports: one file per table, read back with pyarrow and the csv module."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newstrace.export import ExportFilter, export
from newstrace.export.tables import TABLES


def _csv_rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_parquet_round_trip_matches_store(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    stats = export(store, "parquet", tmp_path / "pq")
    counts = store.counts()
    tables = {name: pq.read_table(tmp_path / "pq" / f"{name}.parquet") for name in TABLES}
    for name, schema in TABLES.items():
        assert tables[name].schema.equals(schema, check_metadata=False), name
        assert tables[name].num_rows == stats.counts[name]
    for name in ("articles", "entities", "places", "events", "quotes", "flags"):
        assert tables[name].num_rows == counts[name], name
    n_mentions = store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert tables["mentions"].num_rows == n_mentions
    # the link stage's tables come along: every story, every reuse link
    assert tables["stories"].num_rows == store.conn.execute("SELECT count(*) FROM stories").fetchone()[0] > 0
    assert tables["reuse_links"].num_rows == store.conn.execute("SELECT count(*) FROM reuse_links").fetchone()[0] > 0
    n_canon = store.conn.execute("SELECT count(*) FROM canonical_entities").fetchone()[0]
    assert tables["canonical_entities"].num_rows == n_canon
    ids = set(tables["canonical_entities"].column("id").to_pylist())
    assert {c for c in tables["entities"].column("canonical").to_pylist() if c} <= ids
    # mentions carry the text they point at; events carry their story's verdict
    m = tables["mentions"].to_pylist()[0]
    text = store.article(m["article_id"])[0].text
    assert text[m["start"]:m["end"]] == m["text"]
    events = tables["events"].to_pylist()
    assert any(e["verdict"] in ("corroborated", "single-source", "contested") for e in events)
    assert all(e["evidence_text"] for e in events)


def test_csv_matches_parquet(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    export(store, "parquet", tmp_path / "pq")
    export(store, "csv", tmp_path / "csv")
    for name in TABLES:
        rows = _csv_rows(tmp_path / "csv" / f"{name}.csv")
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        assert len(rows) == table.num_rows, name
        if rows:
            assert list(rows[0]) == TABLES[name].names
    ents = _csv_rows(tmp_path / "csv" / "entities.csv")
    assert all(isinstance(json.loads(r["aliases"]), list) for r in ents)
    quotes = _csv_rows(tmp_path / "csv" / "quotes.csv")
    assert {r["direct"] for r in quotes} <= {"true", "false"}


def test_unicode_and_stories_of_generated_store(gen_db, open_store, tmp_path):
    export(open_store(gen_db), "parquet", tmp_path)
    names = set(pq.read_table(tmp_path / "entities.parquet").column("name").to_pylist())
    assert "Zoë Ångström-Müller" in names and "Żaneta Kowalczyk" in names
    stories = pq.read_table(tmp_path / "stories.parquet")
    assert stories.num_rows == 10
    reports = pq.read_table(tmp_path / "story_reports.parquet").to_pylist()
    assert len(reports) == 30 and sum(r["copied_from"] is None for r in reports) == 10


def test_filters_cut_events_and_stories(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    export(store, "parquet", tmp_path, ExportFilter.make(type="CONSULT", verdict="corroborated"))
    events = pq.read_table(tmp_path / "events.parquet").to_pylist()
    assert events and {e["type"] for e in events} == {"CONSULT"} and {e["verdict"] for e in events} == {"corroborated"}
    stories = pq.read_table(tmp_path / "stories.parquet").to_pylist()
    assert {s["id"] for s in stories} == {e["story_id"] for e in events}
    arts = pq.read_table(tmp_path / "articles.parquet").column("id").to_pylist()
    assert {e["article_id"] for e in events} == set(arts)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_empty_store_gives_typed_empty_tables(empty_db, open_store, tmp_path, fmt):
    stats = export(open_store(empty_db), fmt, tmp_path)
    assert stats.articles == 0
    for name in TABLES:
        if fmt == "parquet":
            t = pq.read_table(tmp_path / f"{name}.parquet")
            assert t.num_rows == 0 and t.schema.equals(TABLES[name], check_metadata=False)
        else:
            with (tmp_path / f"{name}.csv").open(encoding="utf-8") as fh:
                assert next(csv.reader(fh)) == TABLES[name].names


def test_parquet_types(gen_db, open_store, tmp_path):
    export(open_store(gen_db), "parquet", tmp_path)
    schema = pq.read_schema(tmp_path / "events.parquet")
    assert schema.field("evidence_start").type == pa.int64()
    assert schema.field("flags").type == pa.list_(pa.string())
    assert pq.read_schema(tmp_path / "places.parquet").field("lat").type == pa.float64()
