"""Happenings through ingest and link on a real store: one quake told by two outlets in their own words is one
corroborated claim, a wire copy adds nothing, a rewrite counts with its origin, a fire elsewhere the same week and a
quake in another country stay their own stories, and the PLOVER listings never show a happening (texts written for
this test; invented outlets, real countries as the setting)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

from .link_builders import linked_readonly


def _page(outlet: str, domain: str, slug: str, day: str, title: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | {outlet}</title>"
            f"<link rel=\"canonical\" href=\"https://www.{domain}/world/{slug}\">"
            f"<meta property=\"og:site_name\" content=\"{outlet}\">"
            f"<meta property=\"article:published_time\" content=\"{day}T08:00:00+00:00\"></head><body>"
            f"<nav>World | Business | Sport</nav><article><h1>{title}</h1>{paras}</article>"
            f"<footer>Copyright {outlet}</footer></body></html>")


QUAKE_WIRE = _page(
    "Meridian Wire", "meridianwire.net", "peru-quake-arequipa", "2031-11-02", "Quake kills two in southern Peru",
    "LIMA — A magnitude 6.2 earthquake struck southern Peru late on Sunday, damaging adobe houses and killing two "
    "people in the Arequipa region, the country's geophysical institute said.\n\n"
    "Civil defence officials said a woman and her son were killed when the wall of their house collapsed in the "
    "district of Yanque. At least 23 people were injured.")
QUAKE_COPY = _page(
    "Harbour Times", "harbourtimes.com", "quake-southern-peru", "2031-11-02", "Quake kills two in southern Peru",
    "LIMA — A magnitude 6.2 earthquake struck southern Peru late on Sunday, damaging adobe houses and killing two "
    "people in the Arequipa region, the country's geophysical institute said.\n\n"
    "Civil defence officials said a woman and her son were killed when the wall of their house collapsed in the "
    "district of Yanque. At least 23 people were injured.\n\n"
    "Reporting by Meridian Wire; additional reporting by Harbour Times staff.")
QUAKE_OWN = _page(
    "Andean Post", "andeanpost.com", "colca-valley-earthquake-churches", "2031-11-02",
    "Colca Valley residents sleep outdoors after quake",
    "CHIVAY, Peru — Residents of the Colca Valley spent a cold night outdoors after a strong earthquake struck "
    "southern Peru late on Sunday, killing two people in the village of Yanque.\n\n"
    "In Coporaque, the bell tower of the old church split down the middle, and parts of its facade fell into the "
    "square, our reporter saw.")
FIRE_ELSEWHERE = _page(
    "Andean Post", "andeanpost.com", "cusco-market-fire", "2031-11-03", "Fire guts market in Cusco",
    "CUSCO, Peru — A fire broke out in the San Pedro market in Cusco on Monday night, destroying dozens of stalls. "
    "Nobody was hurt, firefighters said.")
QUAKE_CHILE = _page(
    "Meridian Wire", "meridianwire.net", "chile-quake-antofagasta", "2031-11-03", "Earthquake shakes northern Chile",
    "SANTIAGO — A magnitude 5.9 earthquake shook northern Chile on Monday, cutting power to parts of Antofagasta, "
    "the national emergency office said. No deaths were reported.")


@pytest.fixture(scope="module")
def conn(tmp_path_factory, nlp):
    with linked_readonly(tmp_path_factory.mktemp("happenings"),
                         {"wire.html": QUAKE_WIRE, "copy.html": QUAKE_COPY, "own.html": QUAKE_OWN,
                          "fire.html": FIRE_ELSEWHERE, "chile.html": QUAKE_CHILE}) as (store, db):
        yield store.conn, db


def _id(conn, name: str) -> str:
    return conn.execute("SELECT id FROM articles WHERE uri LIKE ?", (f"%/{name}",)).fetchone()[0]


def _claims(conn, aid: str, kind: str) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT DISTINCT k.* FROM claims k JOIN claim_reports c ON c.claim_id=k.id JOIN happenings h"
        " ON h.article_id=c.article_id AND h.id=c.event_id WHERE c.article_id=? AND h.type=?", (aid, kind))]


def test_the_quake_is_corroborated_by_two_outlets_not_three(conn):
    c, _db = conn
    wire, own, copy = _id(c, "wire.html"), _id(c, "own.html"), _id(c, "copy.html")
    claims = _claims(c, own, "EARTHQUAKE")
    assert claims, "the Andean Post's quake report states no claim"
    toll = [k for k in claims if "toll:2" in (k["qualifiers"] or "")]
    assert toll and toll[0]["verdict"] == "corroborated" and toll[0]["independent_outlets"] == 2, toll
    # the copy is one voice with its origin, so the quake rests on two outlets, not three
    assert c.execute("SELECT 1 FROM reuse_links WHERE copy_id=? AND origin_id=?", (copy, wire)).fetchone()
    stories = {r[0] for r in c.execute("SELECT story_id FROM story_members WHERE article_id IN (?, ?)"
                                       " AND event_id LIKE 'h%'", (wire, own))}
    assert len({s for s in stories}) >= 1
    label = c.execute("SELECT label FROM claims WHERE id=?", (toll[0]["id"],)).fetchone()[0]
    assert label.startswith("Earthquake") and "2 dead" in label, label


def test_no_attack_is_invented(conn):
    c, _db = conn
    for aid in (_id(c, "wire.html"), _id(c, "own.html")):
        rows = c.execute("SELECT type, actor_text, trigger FROM events WHERE article_id=? AND type='ASSAULT'",
                         (aid,)).fetchall()
        assert not rows, [tuple(r) for r in rows]


def test_other_happenings_stay_apart(conn):
    c, _db = conn
    quake_stories = {r[0] for r in c.execute(
        "SELECT m.story_id FROM story_members m JOIN happenings h ON h.article_id=m.article_id AND h.id=m.event_id"
        " WHERE m.article_id=? AND h.type='EARTHQUAKE'", (_id(c, "own.html"),))}
    for other in ("fire.html", "chile.html"):
        theirs = {r[0] for r in c.execute("SELECT story_id FROM story_members WHERE article_id=?", (_id(c, other),))}
        assert theirs and not (theirs & quake_stories), other
    chile = _claims(c, _id(c, "chile.html"), "EARTHQUAKE")
    assert chile and all(k["verdict"] != "corroborated" for k in chile)


def test_listings_keep_events_plover_and_show_happenings(conn):
    _c, db = conn
    runner = CliRunner()
    events = runner.invoke(app, ["events", "--db", str(db), "--format", "json", "--limit", "500"])
    assert events.exit_code == 0, events.output
    assert all(e["type"] not in ("EARTHQUAKE", "FIRE", "COLLAPSE") for e in json.loads(events.output))
    claims = runner.invoke(app, ["claims", "--db", str(db), "--format", "json", "--limit", "500"])
    assert claims.exit_code == 0, claims.output
    assert {"EARTHQUAKE", "FIRE"} <= {r["type"] for r in json.loads(claims.output)}
    show = runner.invoke(app, ["show", _c.execute("SELECT id FROM articles WHERE uri LIKE '%/own.html'").fetchone()[0],
                               "--db", str(db), "--json"])
    assert show.exit_code == 0, show.output
    record = json.loads(show.output)
    assert record["happenings"] and record["happenings"][0]["type"] == "EARTHQUAKE"
    assert all(e["type"] != "EARTHQUAKE" for e in record["events"])
