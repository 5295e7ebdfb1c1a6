"""The pages over HTTP (no browser): every page type answers, hostile text arrives escaped."""

from __future__ import annotations

import re

import pytest

HTML = {"accept": "text/html"}
# what must never appear verbatim in a page built from the hostile fixture
ACTIVE = [re.compile(p, re.I) for p in (r"<script>window", r"<img[^>]*onerror", r"<svg[^>]*onload",
                                        r'href="javascript:', r"onmouseover='window", r"<b>bellwether")]


def _ids(client, url):
    return [a["id"] for a in client.get(f"{url}/api/articles").json()["items"]]


def test_every_page_type_renders_hostile_text_inertly(hostile_url, client):
    ids = _ids(client, hostile_url)
    ents = client.get(f"{hostile_url}/api/entities").json()["items"]
    from urllib.parse import quote

    paths = ["/", "/articles", "/entities", "/stories", "/search?q=saltmere", "/search?q=script",
             *[f"/articles/{i}" for i in ids], *[f"/entities/{quote(e['key'], safe='')}" for e in ents[:5]]]
    for path in paths:
        resp = client.get(hostile_url + path, headers=HTML)
        assert resp.status_code == 200, (path, resp.status_code)
        assert resp.headers["content-type"].startswith("text/html")
        body = resp.text
        for pat in ACTIVE:
            assert not pat.search(body), (path, pat.pattern)
        # the only script the page loads is our own static file
        assert re.findall(r"<script(?![^>]*application/json)[^>]*>", body) == [
            '<script src="/static/newstrace.js" defer>'], path


def test_article_page_shows_title_escaped_and_url_unlinked(hostile_url, client):
    aid = next(a["id"] for a in client.get(f"{hostile_url}/api/articles").json()["items"]
               if a["url"] and a["url"].startswith("javascript:"))
    body = client.get(f"{hostile_url}/articles/{aid}", headers=HTML).text
    assert "Minister &lt;script&gt;window.__xss_title=1&lt;/script&gt;" in body
    assert '<span class="source-url">javascript:window.__xss_url=1</span>' in body
    assert 'id="who-says-what"' in body and 'id="removed"' in body


def test_html_errors_for_people_json_for_programs(hostile_url, client):
    page = client.get(f"{hostile_url}/articles/ffffffffffffffff", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = client.get(f"{hostile_url}/articles/ffffffffffffffff")
    assert api.status_code == 404 and api.json()["error"]["status"] == 404
    bad = client.get(f"{hostile_url}/search", params={"q": '"open', "syntax": "fts5"}, headers=HTML)
    assert bad.status_code == 400 and 'id="search-error"' in bad.text
    plain = client.get(f"{hostile_url}/search", params={"q": "Al-Naimi"}, headers=HTML)
    assert plain.status_code == 200 and 'id="search-error"' not in plain.text


@pytest.mark.parametrize("path", ["/articles?limit=100000", "/entities?limit=100000", "/stories?limit=100000"])
def test_page_lists_are_capped(hostile_url, client, path):
    assert client.get(hostile_url + path, headers=HTML).status_code == 200
