"""The story page and API explain each claim: its verdict, why, who asserts it, who only relays or copies it, and
why its reports are one claim (the real server over the linked example corpus)."""

from __future__ import annotations

import re
import sqlite3


def _oped_story(corpus_db) -> tuple[str, str]:
    """The story holding the op-ed's exclusive claim of secret meetings, and the op-ed's article id."""
    conn = sqlite3.connect(corpus_db)
    try:
        oped = conn.execute("SELECT id FROM articles WHERE uri LIKE '%07-frontiersentinel%'").fetchone()[0]
        sid = conn.execute(
            "SELECT k.story_id FROM claims k JOIN claim_reports c ON c.claim_id=k.id JOIN events v"
            " ON v.article_id=c.article_id AND v.id=c.event_id WHERE c.article_id=? AND v.ev_text LIKE"
            " '%secret meetings%Al Qaeda%'", (oped,)).fetchone()[0]
    finally:
        conn.close()
    return sid, oped


def test_the_story_api_lists_claims_with_roles(corpus_url, corpus_db, client):
    sid, oped = _oped_story(corpus_db)
    story = client.get(f"{corpus_url}/api/stories/{sid}").json()
    claims = story["claims"]
    assert claims and sum(c["central"] for c in claims) == 1
    secret = next(c for c in claims if "secret" in c["qualifiers"])
    assert secret["verdict"] == "single-source" and secret["independent_outlets"] == 0
    assert {r["role"] for r in secret["reports"] if r["article"] == oped} == {"opinion"}
    assert "secret" in secret["same_claim_because"] and secret["why"]
    assert story["events"], "the coded events stay in the story record"


def test_the_story_page_shows_each_claim_and_who_stands_behind_it(corpus_url, corpus_db, client):
    sid, _ = _oped_story(corpus_db)
    page = client.get(f"{corpus_url}/stories/{sid}").text
    section = page[page.index('id="claims"'):]
    assert "single-source" in section and "opinion piece" in section and "One claim:" in section
    assert re.search(r"why: stated only in an opinion piece", section)
