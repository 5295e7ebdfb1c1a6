"""JSONL export: one DESIGN.md record per article, read back with json and the model's from_dict."""

from __future__ import annotations

import io
import json

import pytest

from newstrace.export import ExportFilter, export
from newstrace.model import Analysis, Article, from_dict, record


def test_corpus_round_trip(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    out = tmp_path / "corpus.jsonl"
    stats = export(store, "jsonl", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert stats.articles == len(lines) == store.counts()["articles"]
    for line in lines:
        rec = json.loads(line)
        art = from_dict(Article, rec["article"])
        stored_art, stored_an = store.article(art.id)
        # the exported record is exactly the record the model gives for the stored article
        assert rec == record(stored_art, stored_an)
        assert from_dict(Analysis, rec) == stored_an


def test_unicode_names_survive(gen_db, open_store):
    buf = io.StringIO()
    export(open_store(gen_db), "jsonl", buf)
    names = {e["name"] for line in buf.getvalue().splitlines() for e in json.loads(line)["entities"]}
    assert {"Ødegård Lindqvist", "Ахмед Бекмуратов", "Nguyễn Thị Hằng"} <= names


def test_filters_choose_articles(corpus_db, open_store):
    store = open_store(corpus_db)

    def ids(**kw):
        buf = io.StringIO()
        export(store, "jsonl", buf, ExportFilter.make(**kw))
        return [json.loads(x) for x in buf.getvalue().splitlines()]

    everything = ids()
    since = ids(since="2026-09-06")
    assert 0 < len(since) < len(everything)
    assert all(r["article"]["published"][:10] >= "2026-09-06" for r in since)
    consult = ids(type="consult")
    assert consult and all(any(e["type"] == "CONSULT" for e in r["events"]) for r in consult)
    taliban = ids(entity="taliban")
    assert taliban and all(any(e["name"].casefold() == "taliban" or "taliban" in [a.casefold() for a in e["aliases"]]
                               for e in r["entities"]) for r in taliban)
    assert ids(entity="Nobody Of That Name") == []


def test_verdict_filter_follows_the_stories(gen_db, open_store):
    store = open_store(gen_db)
    buf = io.StringIO()
    export(store, "jsonl", buf, ExportFilter.make(verdict="single-source"))
    assert len(buf.getvalue().splitlines()) == 30
    buf = io.StringIO()
    export(store, "jsonl", buf, ExportFilter.make(verdict="corroborated"))
    assert buf.getvalue() == ""


def test_empty_store(empty_db, open_store):
    buf = io.StringIO()
    stats = export(open_store(empty_db), "jsonl", buf)
    assert buf.getvalue() == "" and stats.articles == 0


def test_entity_filter_follows_canonical_entities(corpus_db, open_store):
    store = open_store(corpus_db)
    row = store.conn.execute("SELECT c.id, c.name, count(DISTINCT e.article_id) AS n FROM canonical_entities c"
                             " JOIN entities e ON e.canonical = c.id GROUP BY c.id ORDER BY n DESC LIMIT 1").fetchone()
    if row is None:
        pytest.skip("the store has no cross-article entities")
    buf = io.StringIO()
    export(store, "jsonl", buf, ExportFilter.make(entity=row["name"]))
    got = {json.loads(x)["article"]["id"] for x in buf.getvalue().splitlines()}
    linked = {r[0] for r in store.conn.execute("SELECT DISTINCT article_id FROM entities WHERE canonical=?", (row["id"],))}
    assert linked <= got and len(got) >= row["n"]
