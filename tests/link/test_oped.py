"""The motivating op-ed next to an independent report of the same visit (written for this test; fictional outlet).

Ingesting both (real collection, extraction and analysis) and linking must put the two visit reports in one story
and leave the op-ed's exclusive claim of a meeting with Al Qaeda in a story of its own, single-source.
"""

from __future__ import annotations

import pytest

from newstrace.ingest import ingest
from newstrace.link import link_store
from newstrace.store.sqlite import Store

REPORT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Pakistan's spy chief lands in Kabul as Taliban delay their cabinet | The Ravelin Times</title>
<link rel="canonical" href="https://www.ravelintimes.com/asia/pakistan-spy-chief-lands-in-kabul">
<meta property="og:site_name" content="The Ravelin Times">
<meta name="author" content="Odile Brenner">
</head><body>
<nav>World | Asia | Opinion | Subscribe</nav>
<article>
<h1>Pakistan's spy chief lands in Kabul as Taliban delay their cabinet</h1>
<p>Lt Gen Faiz Hameed, the head of Pakistan's Inter-Services Intelligence, arrived in Kabul on Saturday and met
senior Taliban leaders, two officials told The Ravelin Times.</p>
<p>The visit came as the Taliban put off the announcement of their new government for a second time. A Taliban
spokesman said the talks with the Pakistani delegation covered border trade and the movement of goods through the
Torkham crossing.</p>
<p>Officials in Islamabad described the trip as a routine consultation between neighbours and said the delegation
would return within days.</p>
</article>
<footer>Copyright The Ravelin Times</footer>
</body></html>
"""


@pytest.fixture(scope="module")
def linked(tmp_path_factory, oped_path, nlp):
    folder = tmp_path_factory.mktemp("oped")
    report = folder / "ravelin-report.html"
    report.write_text(REPORT, encoding="utf-8")
    db = folder / "oped.db"
    with Store(db) as store:
        stats = ingest([str(report), str(oped_path)], store)
        assert stats.stored == 2, stats
        link_store(store, 0)
    store = Store(db, readonly=True)
    yield store.conn
    store.close()


def _article(conn, like: str) -> str:
    return conn.execute("SELECT id FROM articles WHERE uri LIKE ?", (f"%{like}%",)).fetchone()[0]


def _story_ids(conn, article_id: str, text_like: str) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT m.story_id FROM story_members m JOIN events v ON v.article_id=m.article_id AND v.id=m.event_id"
        " WHERE m.article_id=? AND v.ev_text LIKE ?", (article_id, text_like))}


def test_the_two_visit_reports_share_a_story_and_the_oped_confirms_nothing(linked):
    report, oped = _article(linked, "ravelin-report"), _article(linked, "isi-oped-scrape")
    shared = _story_ids(linked, report, "%Kabul%") & _story_ids(linked, oped, "%Kabul%")
    assert shared, "the op-ed's trip to Kabul and the report of the visit are not linked"
    for sid in shared:
        # one news report (on two unnamed officials) and an opinion piece: the author's voice confirms nothing
        verdict, outlets = linked.execute("SELECT verdict, independent_outlets FROM stories WHERE id=?",
                                          (sid,)).fetchone()
        assert verdict in ("single-source", "unverified") and outlets == 1
        roles = {r[0] for r in linked.execute(
            "SELECT role FROM claim_reports c JOIN claims k ON k.id=c.claim_id WHERE k.story_id=? AND c.article_id=?",
            (sid, oped))}
        assert roles and roles <= {"opinion", "copy", "denies"}


def test_the_al_qaeda_meeting_stays_single_source(linked):
    oped, report = _article(linked, "isi-oped-scrape"), _article(linked, "ravelin-report")
    # the body's claim (the headline names the Taliban and Al Qaeda together, and its Taliban half is the visit)
    claim = _story_ids(linked, oped, "%has exposed secret meeting%Al Qaeda%")
    assert claim
    for sid in claim:
        row = linked.execute("SELECT verdict, reports FROM stories WHERE id=?", (sid,)).fetchone()
        assert row[0] == "single-source"
        assert not linked.execute("SELECT 1 FROM story_reports WHERE story_id=? AND article_id=?",
                                  (sid, report)).fetchone()


@pytest.fixture(scope="module")
def with_corpus(tmp_path_factory, oped_path, nlp):
    """The shared op-ed ingested with the Ravelin report and the whole example corpus (which holds a scrape of the
    same op-ed from another site and four independent reports of the visit)."""
    from pathlib import Path

    folder = tmp_path_factory.mktemp("oped-corpus")
    report = folder / "ravelin-report.html"
    report.write_text(REPORT, encoding="utf-8")
    corpus = Path(__file__).resolve().parents[2] / "examples" / "corpus"
    db = folder / "all.db"
    with Store(db) as store:
        ingest([str(corpus), str(report), str(oped_path)], store)
        link_store(store, 0)
    store = Store(db, readonly=True)
    yield store.conn
    store.close()


def test_whatever_else_is_ingested_the_secret_meeting_rests_on_the_author_alone(with_corpus):
    conn = with_corpus
    secret = conn.execute("SELECT * FROM claims WHERE qualifiers LIKE '%secret%' AND label LIKE '%Qaeda%'").fetchall()
    assert secret, "no claim of secret talks with Al Qaeda"
    for claim in secret:
        assert claim["verdict"] == "single-source" and claim["independent_outlets"] == 0
        story = conn.execute("SELECT verdict FROM stories WHERE id=?", (claim["story_id"],)).fetchone()
        assert story["verdict"] != "corroborated"
        roles = {r[0] for r in conn.execute("SELECT role FROM claim_reports WHERE claim_id=?", (claim["id"],))}
        assert "asserts" not in roles
    # neither op-ed (the shared scrape or the corpus's copy of it) is ever an asserting voice
    opeds = [r[0] for r in conn.execute("SELECT id FROM articles WHERE uri LIKE '%oped-scrape%'")]
    assert len(opeds) >= 2
    marks = ",".join("?" * len(opeds))
    asserting = conn.execute(f"SELECT count(*) FROM claim_reports WHERE article_id IN ({marks}) AND role='asserts'",
                             opeds).fetchone()[0]
    assert asserting == 0


def test_the_visit_is_one_story_with_a_neutral_headline(with_corpus):
    conn = with_corpus
    row = conn.execute("SELECT * FROM stories WHERE headline LIKE '%Kabul%' ORDER BY independent_outlets DESC"
                       " LIMIT 1").fetchone()
    assert row and row["verdict"] == "corroborated" and row["independent_outlets"] >= 4
    # named by its claim, not by a report's sentence: no loaded word of the op-ed's headline
    assert not any(w in row["headline"].casefold() for w in ("secret", "cover", "qaeda", "rushed"))
