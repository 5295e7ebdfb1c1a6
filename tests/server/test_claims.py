"""``GET /api/claims`` and the ``/claims`` page over the linked example corpus, against the CLI's listing."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
HTML = {"accept": "text/html"}


def claims(client, base: str, **params) -> list[dict]:
    resp = client.get(f"{base}/api/claims", params={"limit": 200, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def key(row: dict) -> tuple[str, str]:
    return row["article"], row["event"]


def test_rows_are_coded_events_with_their_claim_and_verdict(corpus_url, corpus_db, client):
    rows = claims(client, corpus_url)
    assert len(rows) >= 20
    assert {"article", "outlet", "published", "type", "modality", "source_kind", "source_text", "flags", "text",
            "story", "claim", "claim_label", "verdict", "independent_outlets", "role"} <= set(rows[0])
    with sqlite3.connect(corpus_db) as conn:
        # a claim row is a coded event or a happening (a fire, a flood: claims too, never PLOVER events)
        events = conn.execute("SELECT count(*) FROM occurrences").fetchone()[0]
        verdicts = dict(conn.execute("SELECT id, verdict FROM claims"))
        outlets = dict(conn.execute("SELECT id, independent_outlets FROM claims"))
    assert len({key(r) for r in rows}) == len(rows) == min(events, 200)  # one row per coded event or happening
    linked = [r for r in rows if r["claim"]]
    assert linked, "the linked corpus has no claims"
    for r in linked:  # the verdict is the claim's own
        assert r["verdict"] == verdicts[r["claim"]] and r["independent_outlets"] == outlets[r["claim"]]


def test_single_source_is_what_no_independent_outlet_confirms(corpus_url, client):
    rows = claims(client, corpus_url, single_source="true")
    assert rows and {r["verdict"] for r in rows} <= {"single-source", "unverified"}
    assert {r["verdict"] for r in rows} == {"single-source", "unverified"}  # the corpus has both
    unverified = claims(client, corpus_url, verdict="unverified")
    assert unverified and {key(r) for r in unverified} <= {key(r) for r in rows}
    both = client.get(f"{corpus_url}/api/claims", params={"single_source": "true", "verdict": "corroborated"})
    assert both.status_code == 422 and "single-source" in both.json()["error"]["message"]


def test_every_flag_the_listing_shows_is_a_filter(corpus_url, client):
    rows = claims(client, corpus_url)
    shown = {f for r in rows for f in r["flags"]}
    assert {"headline", "nominal"} & shown, shown
    for flag in sorted(shown | {f.split(":")[0] for f in shown} | {"anonymous", "exclusive", "hedge"}):
        got = claims(client, corpus_url, flag=flag)
        for r in got:
            assert flag in r["flags"] or any(f.startswith(flag + ":") for f in r["flags"]) \
                or (flag == "anonymous" and r["source_kind"] == "anonymous"), (flag, r)
        if flag in shown:
            assert got, flag
    bad = client.get(f"{corpus_url}/api/claims", params={"flag": "dubious"})
    assert bad.status_code == 422 and "flag: must be one of" in bad.json()["error"]["message"]
    assert "headline" in bad.json()["error"]["message"]


def test_source_outlet_entity_and_verdict_filters(corpus_url, client):
    rows = claims(client, corpus_url)
    anon = claims(client, corpus_url, source_kind="anonymous")
    assert anon and {r["source_kind"] for r in anon} == {"anonymous"}
    outlet = rows[0]["outlet"]
    mine = claims(client, corpus_url, outlet=outlet.upper())
    assert mine and {r["outlet"] for r in mine} == {outlet}
    actor = next(r for r in rows if r["actor"])
    named = claims(client, corpus_url, entity=actor["actor"])
    assert key(actor) in {key(r) for r in named}
    for verdict in ("corroborated", "contested"):
        got = claims(client, corpus_url, verdict=verdict)
        assert got and {r["verdict"] for r in got} == {verdict}
    story = next(r["story"] for r in rows if r["story"])
    assert {r["story"] for r in claims(client, corpus_url, story=story)} == {story}
    for param, value in (("verdict", "maybe"), ("source_kind", "rumour")):
        bad = client.get(f"{corpus_url}/api/claims", params={param: value})
        assert bad.status_code == 422 and param in bad.json()["error"]["message"]


def test_paging_chains_and_is_bounded(corpus_url, client):
    first = client.get(f"{corpus_url}/api/claims", params={"limit": 3}).json()
    second = client.get(f"{corpus_url}/api/claims", params={"limit": 3, "offset": first["next_offset"]}).json()
    assert first["next_offset"] == 3 and len(first["items"]) == len(second["items"]) == 3
    assert not {key(r) for r in first["items"]} & {key(r) for r in second["items"]}
    for params in ({"offset": 10**23}, {"offset": -1}, {"limit": 0}, {"limit": "all"}):
        resp = client.get(f"{corpus_url}/api/claims", params=params)
        assert resp.status_code == 422, (params, resp.text)
        assert resp.json()["error"]["message"].startswith("bad request")


def test_the_cli_lists_the_same_rows(corpus_url, corpus_db, client):
    from newstrace.cli import app

    runner = CliRunner()
    for cli_args, params in (([], {}), (["--single-source"], {"single_source": "true"}),
                             (["--flag", "headline"], {"flag": "headline"}),
                             (["--source", "anonymous"], {"source_kind": "anonymous"})):
        res = runner.invoke(app, ["claims", "--db", str(corpus_db), "-f", "json", "-n", "40", *cli_args])
        assert res.exit_code == 0, res.output
        api = claims(client, corpus_url, limit=40, **params)
        assert [key(r) for r in json.loads(res.stdout)] == [key(r) for r in api], cli_args
    page = runner.invoke(app, ["claims", "--db", str(corpus_db), "-f", "json", "-n", "3", "--offset", "3"])
    assert [key(r) for r in json.loads(page.stdout)] == [key(r) for r in claims(client, corpus_url, limit=3,
                                                                                  offset=3)]


def test_claims_page_is_linked_and_filters(corpus_url, client):
    start = client.get(f"{corpus_url}/", headers=HTML).text
    assert 'href="/claims"' in start
    page = client.get(f"{corpus_url}/claims", params={"single_source": "true", "outlet": "frontiersentinel.net"},
                      headers=HTML)
    assert page.status_code == 200 and 'id="claims"' in page.text
    assert 'data-verdict="corroborated"' not in page.text
    bad = client.get(f"{corpus_url}/claims", params={"flag": "<b>dubious</b>"}, headers=HTML)
    assert bad.status_code == 422 and 'id="claims-error"' in bad.text and "<b>" not in bad.text
    story = next(r["story"] for r in claims(client, corpus_url) if r["story"])
    one = client.get(f"{corpus_url}/claims", params={"story": story}, headers=HTML).text
    assert f'<input type="hidden" name="story" value="{story}">' in one  # the form keeps the story filter
    assert f'href="/stories/{story}"' in one
    over = client.get(f"{corpus_url}/claims", params={"offset": 10**23}, headers=HTML)
    assert over.status_code == 422 and over.headers["content-type"].startswith("text/html")
