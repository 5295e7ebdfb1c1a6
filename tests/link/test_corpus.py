"""Done-when on the example corpus, end to end: ingest (real extraction and analysis) and link.

These depend on what the analysis components find in examples/corpus; the link logic itself is tested against
hand-built inputs in test_reuse, test_stories and test_corroboration.
"""

from __future__ import annotations

import sqlite3

import pytest

from newstrace.store.sqlite import Store


@pytest.fixture(scope="module")
def db(corpus_db):
    store = Store(corpus_db, readonly=True)
    yield store.conn
    store.close()


def _aid(conn: sqlite3.Connection, needle: str) -> str:
    row = conn.execute("SELECT id FROM articles WHERE url LIKE ? OR uri LIKE ?", (f"%{needle}%", f"%{needle}%")).fetchone()
    assert row, needle
    return row[0]


def _stories_of(conn: sqlite3.Connection, article_id: str, text_like: str = "%") -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT DISTINCT s.* FROM stories s JOIN story_members m ON m.story_id=s.id JOIN events v"
        " ON v.article_id=m.article_id AND v.id=m.event_id WHERE m.article_id=? AND v.ev_text LIKE ?",
        (article_id, text_like)).fetchall()


def test_wire_copies_point_at_the_original(db):
    wire = _aid(db, "us-taliban-agree-prisoner-exchange-framework-doha")
    copies = [_aid(db, "ohio-engineer-held-by-taliban"), _aid(db, "08-cornichedaily"), _aid(db, "us-taliban-prisoner-swap-deal-qatar")]
    links = {(r[0], r[1]): r[2] for r in db.execute("SELECT copy_id, origin_id, kind FROM reuse_links")}
    for c in copies:
        assert links.get((c, wire)) == "syndicated", c
        assert (wire, c) not in links


def test_the_wire_story_counts_one_independent_outlet(db):
    wire = _aid(db, "us-taliban-agree-prisoner-exchange-framework-doha")
    copies = {_aid(db, "ohio-engineer-held-by-taliban"), _aid(db, "08-cornichedaily"),
              _aid(db, "us-taliban-prisoner-swap-deal-qatar")}
    stories = _stories_of(db, wire)
    assert stories
    for s in stories:
        reports = db.execute("SELECT * FROM story_reports WHERE story_id=?", (s["id"],)).fetchall()
        wire_group = next(r["outlet_group"] for r in reports if r["article_id"] == wire)
        for r in reports:
            if r["article_id"] in copies:
                # a republication is the wire's voice, not another outlet's
                assert r["copied_from"] is not None and r["outlet_group"] == wire_group
        assert sum(1 for r in reports if r["outlet_group"] == wire_group and r["copied_from"] is None) == 1
    headline = _stories_of(db, wire, "%agree prisoner exchange framework%")
    assert headline and all(s["independent_outlets"] == 1 and s["verdict"] == "single-source" for s in headline)


def test_the_visit_is_corroborated_by_three_independent_outlets(db):
    reports = [_aid(db, "pakistan-spy-chief-flies-to-kabul"), _aid(db, "dg-isi-holds-talks-in-kabul"),
               _aid(db, "pakistani-intelligence-chief-meets-taliban-leaders-kabul")]
    shared = set.intersection(*({s["id"] for s in _stories_of(db, a)} for a in reports))
    assert shared, "the three visit reports share no story"
    best = max((db.execute("SELECT * FROM stories WHERE id=?", (sid,)).fetchone() for sid in shared),
               key=lambda s: s["independent_outlets"])
    assert best["verdict"] == "corroborated" and best["independent_outlets"] >= 3


def test_the_opeds_exclusive_claim_is_single_source(db):
    oped = _aid(db, "07-frontiersentinel")
    claim = _stories_of(db, oped, "%secret meetings%Al Qaeda%")
    assert claim
    for s in claim:
        assert s["verdict"] == "single-source" and s["reports"] == 1


def test_the_opeds_pasted_passage_is_the_analysts_voice(db):
    oped, analysis = _aid(db, "07-frontiersentinel"), _aid(db, "why-pakistans-spy-chief-rushed-to-kabul")
    link = db.execute("SELECT kind FROM reuse_links WHERE copy_id=? AND origin_id=?", (oped, analysis)).fetchone()
    assert link and link[0] == "excerpt"
    voices = {r[0] for r in db.execute(
        "SELECT m.voice_id FROM story_members m JOIN events v ON v.article_id=m.article_id AND v.id=m.event_id"
        " WHERE m.article_id=? AND v.ev_text LIKE '%Tariq Mahmood Awan, the head of%'", (oped,))}
    assert voices == {analysis}


def _family(event_type: str) -> str:
    from newstrace.link.stories import load_config

    return load_config().family(event_type)


def test_the_denial_contests_the_shelling(db):
    report, denial = _aid(db, "09-hindukushledger"), _aid(db, "ispr-rejects-afghan-claims")
    stories = {s["id"]: s for s in _stories_of(db, report) if s["family"] == _family("ASSAULT")}
    shared = [s for sid, s in stories.items()
              if db.execute("SELECT 1 FROM story_reports WHERE story_id=? AND article_id=?", (sid, denial)).fetchone()]
    assert shared and all(s["verdict"] == "contested" for s in shared)
    stance = db.execute("SELECT stance FROM story_reports WHERE story_id=? AND article_id=?",
                        (shared[0]["id"], denial)).fetchone()[0]
    assert stance == "denies"


def test_distractors_join_no_story_of_the_others(db):
    for needle in ("geneva-rally-housing", "10-cornichedaily-doha-water-forum", "red-crescent-appeal-swat-floods"):
        aid = _aid(db, needle)
        for s in _stories_of(db, aid):
            assert s["reports"] == 1, (needle, s["id"])


def test_the_report_leads_with_the_claims_to_check(corpus_db):
    from typer.testing import CliRunner

    from newstrace.cli import app

    res = CliRunner().invoke(app, ["report", "--db", str(corpus_db)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert text.index("Claims to check") < text.index("Articles")
    first = text[text.index("Claims to check"):].splitlines()[1:4]
    # the op-ed's exclusive claim comes first, as the author's own, confirmed by nobody
    assert "single-source" in first[0] and "Al Qaeda" in " ".join(first) and "opinion piece" in " ".join(first)
