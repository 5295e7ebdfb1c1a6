"""Cross-article entities: the example corpus, incremental runs, determinism and the entities commands."""

from __future__ import annotations

import json
from collections import Counter

from typer.testing import CliRunner

from newstrace.analyze.names import name_key
from newstrace.analyze.pipeline import analyze_article
from newstrace.cli import app
from newstrace.link.resolve import resolve_entities
from newstrace.model import Article, article_id
from newstrace.store.sqlite import Store

runner = CliRunner()


def _canonical(path) -> list[dict]:
    with Store(path, readonly=True) as store:
        return [dict(r) for r in store.conn.execute("SELECT * FROM canonical_entities")]


def test_corpus_people_are_one_canonical_entity_each(corpus_db):
    rows = _canonical(corpus_db)
    people = [r for r in rows if r["type"] == "PERSON"]
    # the same person never stands twice under one name
    dup = [k for k, n in Counter(name_key(r["name"]) for r in people).items() if n > 1]
    assert not dup, dup
    by_name = {r["name"]: r for r in people}
    awan = by_name["Tariq Mahmood Awan"]
    assert awan["country"] == "PAK" and awan["articles"] >= 5
    assert "Awan" in json.loads(awan["aliases"])
    assert by_name["Nazar Mohammad Akhtari"]["articles"] >= 7
    assert by_name["Qari Nasrullah Hamdard"]["articles"] >= 4
    assert by_name["Hamad Saeed Al-Naimi"]["articles"] >= 4
    assert "Al-Naimi" not in by_name  # the surname alone joined the full name
    assert by_name["Laura Kealy"]["id"] != by_name["Thomas Kealy"]["id"]
    isi = [r for r in rows if r["name"] == "Inter-Services Intelligence"]
    assert len(isi) == 1 and isi[0]["country"] == "PAK" and isi[0]["sector"] == "SPY"
    with Store(corpus_db, readonly=True) as store:
        # every per-article entity of a resolved article carries its canonical id, in the table and the JSON
        missing = store.conn.execute("SELECT count(*) FROM entities WHERE canonical IS NULL AND name GLOB '*[A-Z]*'")
        assert missing.fetchone()[0] == 0
        _, art, an = next(store.iter_articles())
        assert all(e.canonical for e in an.entities if any(c.isupper() for c in e.name))


def _add(store: Store, nlp, text: str, published: str = "2026-04-02") -> None:
    art = Article(id=article_id(text), url=None, outlet=None, title=None, byline=None, published=published,
                  tags=[], language="en", text=text)
    with store.transaction():
        store.add_article(art, analyze_article(art, nlp))


STORY_A = ("Brig Gen Sefa Okorave, the head of the Lowland Rangers, inspected the dam at Kariba on Friday. "
           "Okorave said repairs would take a month.")
STORY_B = ("On Monday, Sefa Okorave said the Lowland Rangers would stay in Harare. Okorave told reporters that the "
           "work was done.")
STORY_C = "A different officer, Tendai Okorave, spoke in Bulawayo on Sunday. Tendai Okorave said he is a pilot."


def test_incremental_and_deterministic(tmp_path, nlp):
    path = tmp_path / "r.db"
    with Store(path) as store:
        _add(store, nlp, STORY_A)
        first = resolve_entities(store, 0)
        assert first["articles"] == 1
        last = store.conn.execute("SELECT max(seq) FROM articles").fetchone()[0]
        _add(store, nlp, STORY_B)
        _add(store, nlp, STORY_C)
        second = resolve_entities(store, last)
        assert second["articles"] == 2  # only the new articles
        assert resolve_entities(store, last)["articles"] == 0  # nothing left to do
        rows = {r["name"]: dict(r) for r in store.conn.execute("SELECT * FROM canonical_entities")}
        sefa = rows["Sefa Okorave"]
        assert sefa["articles"] == 2 and sefa["id"] != rows["Tendai Okorave"]["id"]
        why = store.conn.execute("SELECT rule FROM canonical_members WHERE canonical=? ORDER BY article_seq",
                                 (sefa["id"],)).fetchall()
        assert [r[0] for r in why][0] == "new" and "same-name" in {r[0] for r in why}
        snapshot = sorted((r["id"], r["name"], r["articles"]) for r in rows.values())
        # a rebuild from scratch gives the same canonical entities with the same ids
        resolve_entities(store, 0)
        again = sorted((r["id"], r["name"], r["articles"]) for r in store.conn.execute("SELECT * FROM canonical_entities"))
        assert again == snapshot


def test_entities_commands(corpus_db):
    res = runner.invoke(app, ["entities", "--db", str(corpus_db), "--type", "PERSON", "-f", "json", "-n", "5"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 5 and all(r["type"] == "PERSON" for r in rows)
    assert rows[0]["articles"] >= rows[-1]["articles"]
    res = runner.invoke(app, ["entities", "--db", str(corpus_db), "--country", "pak", "-f", "csv"])
    assert res.exit_code == 0 and "Inter-Services Intelligence" in res.stdout
    res = runner.invoke(app, ["entities", "--db", str(corpus_db), "--why", "Tariq Mahmood Awan", "-f", "json"])
    assert res.exit_code == 0, res.output
    members = json.loads(res.stdout)
    assert members[0]["rule"] == "new" and len(members) >= 5
    assert all(m["rule"] and m["matched"] for m in members)
    res = runner.invoke(app, ["entity", "Awan", "--db", str(corpus_db), "-f", "json"])
    assert res.exit_code == 0, res.output
    (shown,) = json.loads(res.stdout)
    assert shown["name"] == "Tariq Mahmood Awan" and len(shown["articles_list"]) >= 5
    res = runner.invoke(app, ["entity", "Nobody Atall", "--db", str(corpus_db)])
    assert res.exit_code == 1
    res = runner.invoke(app, ["entities", "--db", str(corpus_db) + ".missing"])
    assert res.exit_code == 2
