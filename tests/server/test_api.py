"""The JSON API over HTTP against a real uvicorn server and real SQLite stores."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import httpx
import pytest


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def error_of(resp: httpx.Response) -> dict:
    body = resp.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == resp.status_code
    assert body["error"]["message"]
    return body["error"]


def test_status_and_article_listing(hostile_url, client):
    st = client.get(f"{hostile_url}/api/status").json()
    assert st["counts"]["articles"] == 2
    page = client.get(f"{hostile_url}/api/articles").json()
    assert set(page) >= {"items", "limit", "offset", "next_offset"}
    assert len(page["items"]) == 2 and page["next_offset"] is None
    first = page["items"][0]
    assert {"id", "title", "outlet", "published", "events", "quotes"} <= set(first)


def test_pagination_is_capped_and_pages_chain(hostile_url, client):
    page = client.get(f"{hostile_url}/api/articles", params={"limit": 10**9}).json()
    assert page["limit"] == 200
    one = client.get(f"{hostile_url}/api/articles", params={"limit": 1}).json()
    assert len(one["items"]) == 1 and one["next_offset"] == 1
    two = client.get(f"{hostile_url}/api/articles", params={"limit": 1, "offset": 1}).json()
    assert two["items"][0]["id"] != one["items"][0]["id"]
    bad = client.get(f"{hostile_url}/api/articles", params={"limit": -5})
    assert bad.status_code == 422 and "limit" in error_of(bad)["message"]
    bad = client.get(f"{hostile_url}/api/articles", params={"offset": "many"})
    assert bad.status_code == 422 and "offset" in error_of(bad)["message"]


def test_article_record_has_the_contract_fields(hostile_url, client):
    aid = client.get(f"{hostile_url}/api/articles").json()["items"][0]["id"]
    rec = client.get(f"{hostile_url}/api/articles/{aid}").json()
    assert {"article", "entities", "places", "events", "quotes", "flags", "sourcing", "stories", "reuse"} <= set(rec)
    assert rec["article"]["id"] == aid
    # a unique prefix resolves like the CLI's `show`
    assert client.get(f"{hostile_url}/api/articles/{aid[:10]}").json()["article"]["id"] == aid


@pytest.mark.parametrize("path", ["/api/articles/0000000000000000", "/api/stories/no-such-story",
                                  "/api/entities/name:Nobody%20Here", "/api/entities/Q999999"])
def test_unknown_ids_are_404_json(hostile_url, client, path):
    resp = client.get(hostile_url + path)
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/json")
    error_of(resp)


@pytest.mark.parametrize("q", ['"unterminated', "AND", "title:(", "NEAR(", "*", "Al-Naimi"])
def test_malformed_raw_search_is_400(hostile_url, client, q):
    resp = client.get(f"{hostile_url}/api/search", params={"q": q, "syntax": "fts5"})
    assert resp.status_code == 400, resp.text
    assert "query" in error_of(resp)["message"]


@pytest.mark.parametrize("q", ['"unterminated', "AND", "title:(", "NEAR(", "*", "Pakistan's", "Al-Naimi", "U.S.",
                               "' OR 1=1 --", "a:b", "-x", "\x00"])
@pytest.mark.parametrize("path", ["/api/search", "/api/articles"])
def test_search_text_is_words_and_never_fails(hostile_url, client, q, path):
    resp = client.get(hostile_url + path, params={"q": q})
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()["items"], list)


def test_search_finds_words_and_marks_hits(hostile_url, client):
    res = client.get(f"{hostile_url}/api/search", params={"q": "saltmere board"}).json()
    assert len(res["items"]) >= 1
    assert "[" in res["items"][0]["snippet"]
    raw = client.get(f"{hostile_url}/api/search", params={"q": "saltmere AND board", "syntax": "fts5"}).json()
    assert [i["id"] for i in raw["items"]] == [i["id"] for i in res["items"]]
    assert client.get(f"{hostile_url}/api/search", params={"q": "zzzyxnotaword"}).json()["items"] == []
    assert client.get(f"{hostile_url}/api/search").status_code == 422  # q is required


def test_entities_events_quotes_lists(hostile_url, client):
    ents = client.get(f"{hostile_url}/api/entities", params={"limit": 500}).json()
    assert ents["limit"] == 200
    assert ents["items"], "the analysis found no entities in the hostile fixture"
    key = ents["items"][0]["key"]
    ent = client.get(f"{hostile_url}/api/entities/{quote(key, safe='')}")
    assert ent.status_code == 200, ent.text
    assert {"name", "aliases", "attributes", "articles", "events", "network"} <= set(ent.json())
    for path in ("/api/events", "/api/quotes", "/api/stories"):
        page = client.get(hostile_url + path).json()
        assert isinstance(page["items"], list)


def test_security_headers_on_every_response(hostile_url, client):
    for path in ("/", "/api/status", "/api/articles/nope", "/static/newstrace.css"):
        resp = client.get(hostile_url + path)
        csp = resp.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert resp.headers["x-content-type-options"] == "nosniff"


def test_openapi_schema_documents_the_api(hostile_url, client):
    schema = client.get(f"{hostile_url}/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{ref}", "/api/search", "/api/entities", "/api/events",
                 "/api/quotes", "/api/stories", "/api/stories/{story_id}", "/articles"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/articles"]
    docs = client.get(f"{hostile_url}/docs", headers={"accept": "text/html"})
    assert docs.status_code == 200 and "GET /api/stories/{story_id}" in docs.text and "POST /articles" in docs.text


def test_post_needs_a_write_token(hostile_db, client, serve, tokens):
    WRITE_TOKEN, READ_TOKEN = tokens["write"], tokens["read"]
    doc = {"title": "Ferry strike ends", "text": "The ferry union in Saltmere ended its strike on Friday."}
    with serve(hostile_db, [WRITE_TOKEN, f"{READ_TOKEN}"]) as url:
        no = client.post(f"{url}/articles", json=doc)
        assert no.status_code == 401 and error_of(no)
        wrong = client.post(f"{url}/articles", json=doc, headers={"Authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 401
    from newstrace.server.auth import make_token

    with serve(hostile_db, [make_token(READ_TOKEN, "read")]) as url:
        ro = client.post(f"{url}/articles", json=doc, headers={"Authorization": f"Bearer {READ_TOKEN}"})
        assert ro.status_code == 403 and "write" in error_of(ro)["message"]
    with serve(hostile_db) as url:
        none = client.post(f"{url}/articles", json=doc)
        assert none.status_code == 403


def test_post_ingests_through_the_pipeline(tmp_path, client, nlp, serve, tokens):
    WRITE_TOKEN = tokens["write"]
    db = tmp_path / "post.db"
    doc = {"url": "https://tidewater-post.example/2026/04/01/bridge", "title": "Bridge reopens in Karsholm",
           "outlet": "tidewater-post.example", "published": "2026-04-01",
           "text": "The Karsholm bridge reopened on Tuesday after repairs, Mayor Ilse Brandt said.\n\n"
                   "\"Traffic will flow again,\" Brandt told reporters."}
    with serve(db, [WRITE_TOKEN]) as url:
        auth = {"Authorization": f"Bearer {WRITE_TOKEN}"}
        made = client.post(f"{url}/articles", json=doc, headers=auth)
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["status"] == "stored", body
        rec = client.get(f"{url}/api/articles/{body['id']}").json()
        assert rec["article"]["title"] == "Bridge reopens in Karsholm"
        assert rec["entities"], "the posted article was stored without analysis"
        again = client.post(f"{url}/articles", json=doc, headers={"X-Newstrace-Token": WRITE_TOKEN})
        assert again.status_code == 201 and again.json()["status"] == "known"
        empty = client.post(f"{url}/articles", json={"title": "nothing", "text": "   "}, headers=auth)
        assert empty.status_code == 400 and error_of(empty)
        notjson = client.post(f"{url}/articles", content=b"\xff\xfe not json", headers=auth | {"content-type": "application/json"})
        assert notjson.status_code == 400
        assert client.get(f"{url}/api/status").json()["counts"]["articles"] == 1


def test_reads_keep_working_during_an_ingest(tmp_path, client, serve):
    """Readers on the server's read-only connections see consistent pages while another process-like writer
    commits batches into the same WAL database."""
    from newstrace.model import Analysis, Article, article_id
    from newstrace.store.sqlite import Store

    db = tmp_path / "busy.db"
    Store(db).close()
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        with Store(db) as store:
            n = 0
            while not stop.is_set() and n < 2000:
                with store.transaction():
                    for _ in range(20):
                        text = f"Harbour report number {n}: the Saltmere ferry ran {n % 7} extra crossings."
                        store.add_article(Article(article_id(text), None, "tidewater-post.example",
                                                  f"Report {n}", None, "2026-04-02", [], "en", text),
                                          Analysis())
                        n += 1
                written[0] = n

    errors: list[str] = []
    with serve(db) as url:
        t = threading.Thread(target=writer)
        t.start()
        seen = 0
        deadline = time.monotonic() + 20
        while t.is_alive() and time.monotonic() < deadline:
            for path in ("/api/articles?limit=20", "/api/search?q=saltmere", "/api/status", "/"):
                r = client.get(url + path)
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code} {r.text[:200]}")
            seen = max(seen, client.get(f"{url}/api/status").json()["counts"]["articles"])
        stop.set()
        t.join()
        final = client.get(f"{url}/api/status").json()["counts"]["articles"]
    assert not errors, errors[:5]
    assert final == written[0] > 0
    assert 0 < seen <= final


def test_documents_over_the_size_limit_are_413(tmp_path, client, serve, tokens):
    WRITE_TOKEN = tokens["write"]
    db = tmp_path / "big.db"
    auth = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    with serve(db, [WRITE_TOKEN], max_bytes=1000) as url:
        resp = client.post(f"{url}/articles", json={"text": "word " * 2000}, headers=auth)
        assert resp.status_code == 413
        assert "limit" in error_of(resp)["message"]
        # a body far beyond the limit is refused before it is read
        resp = client.post(f"{url}/articles", content=b"x" * 200_000, headers=auth | {"content-type": "application/json"})
        assert resp.status_code == 413
        assert client.get(f"{url}/api/status").json()["counts"]["articles"] == 0


def test_a_damaged_record_still_answers(tmp_path, client, serve):
    """An article whose stored analysis cannot be read is shown without it; the lists around it still work."""
    from newstrace.model import Analysis, Article, article_id
    from newstrace.store.sqlite import Store

    db = tmp_path / "damaged.db"
    text = "Dock workers in Saltmere voted to end their strike on Sunday."
    with Store(db) as store:
        with store.transaction():
            store.add_article(Article(article_id(text), None, "tidewater-post.example", "Strike ends", None,
                                      "2026-04-05", [], "en", text), Analysis())
            store.conn.execute("UPDATE articles SET analysis = ? WHERE id = ?",
                               ('{"events": [{"id": "v1"}], "entities": "not a list"}', article_id(text)))
    with serve(db) as url:
        rec = client.get(f"{url}/api/articles/{article_id(text)}")
        assert rec.status_code == 200 and rec.json()["events"] == []
        page = client.get(f"{url}/articles/{article_id(text)}", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Dock workers" in page.text
        assert client.get(f"{url}/api/articles").json()["items"][0]["title"] == "Strike ends"


def test_articles_are_listed_in_the_clis_order(corpus_url, corpus_db, client):
    import json

    from typer.testing import CliRunner

    from newstrace.cli import app

    res = CliRunner().invoke(app, ["articles", "--db", str(corpus_db), "-f", "json", "-n", "200"])
    assert res.exit_code == 0, res.output
    api = client.get(f"{corpus_url}/api/articles", params={"limit": 200}).json()["items"]
    assert [a["id"] for a in api] == [a["id"] for a in json.loads(res.stdout)]


def test_search_keeps_the_listings_filters(corpus_url, client):
    every = client.get(f"{corpus_url}/api/articles", params={"q": "Taliban", "limit": 200}).json()["items"]
    outlets = {a["outlet"] for a in every}
    assert len(outlets) >= 2
    outlet = sorted(outlets)[0]
    one = client.get(f"{corpus_url}/api/articles", params={"q": "Taliban", "outlet": outlet}).json()["items"]
    assert one and {a["outlet"] for a in one} == {outlet}
    day = sorted(a["published"][:10] for a in every if a["published"])[-1]
    late = client.get(f"{corpus_url}/api/search", params={"q": "Taliban", "since": day}).json()["items"]
    assert late and all(a["published"][:10] >= day for a in late) and len(late) < len(every)
    bad = client.get(f"{corpus_url}/api/search", params={"q": "Taliban", "since": "last week"})
    assert bad.status_code == 422 and "since" in error_of(bad)["message"]


def test_happenings_in_the_record_and_on_the_page(tmp_path, client, nlp, serve, tokens):
    """A posted quake report: the API record lists the quake under happenings (never events) and the article page
    shows it in its own section, with its sentence."""
    WRITE_TOKEN = tokens["write"]
    doc = {"url": "https://tidewater-post.example/2026/05/02/quake", "title": "Quake shakes Karsholm valley",
           "outlet": "tidewater-post.example", "published": "2026-05-02",
           "text": "A magnitude 5.8 earthquake struck the Karsholm valley early on Saturday, killing three people, "
                   "the civil defence office said.\n\nRescuers searched collapsed houses in two villages."}
    with serve(tmp_path / "quake.db", [WRITE_TOKEN]) as url:
        made = client.post(f"{url}/articles", json=doc, headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
        assert made.status_code == 201, made.text
        aid = made.json()["id"]
        rec = client.get(f"{url}/api/articles/{aid}").json()
        assert [h["type"] for h in rec["happenings"]][:1] == ["EARTHQUAKE"], rec["happenings"]
        assert rec["happenings"][0]["category"] == "disaster"
        assert all(e["type"] != "EARTHQUAKE" and e["type"] != "ASSAULT" for e in rec["events"]), rec["events"]
        page = client.get(f"{url}/articles/{aid}", headers={"accept": "text/html"})
        assert page.status_code == 200 and 'id="happenings"' in page.text and "EARTHQUAKE" in page.text
