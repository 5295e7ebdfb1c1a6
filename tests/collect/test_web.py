"""Fetching over real HTTP servers on 127.0.0.1: limits, redirects, SSRF refusals, robots, feeds and sitemaps."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator

import pytest

from newstrace.collect import collect
from newstrace.collect.crawl import Crawler
from newstrace.collect.politeness import HostLimiter
from newstrace.collect.safety import HostPolicy, address_class, resolve_checked, UnsafeAddress
from newstrace.collect.web import Fetcher, page_document, parse_retry_after
from newstrace.settings import Settings

from .httpserver import LocalSite, article, rss, start


@pytest.fixture
def site() -> Iterator[LocalSite]:
    s = start()
    yield s
    s.close()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("NEWSTRACE_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSTRACE_HOST_RATE", "200")
    monkeypatch.setenv("NEWSTRACE_FETCH_TIMEOUT", "2")
    return Settings()


@pytest.fixture
def fetcher(settings: Settings) -> Iterator[Fetcher]:
    f = Fetcher(settings, max_bytes=1024 * 1024)
    yield f
    f.close()


# -- pages -----------------------------------------------------------------------------------------------------

def test_page_with_declared_charset_redirect_and_status(site: LocalSite, fetcher: Fetcher) -> None:
    body = article("Caf\xe9 strike in Velmora", "Owners closed early.").encode("cp1252")
    site.page("/news/cafe", body, ctype="text/html; charset=windows-1252")
    site.routes["/old"] = lambda h: (301, {"Location": "/news/cafe"}, b"")
    doc = page_document(fetcher.get(site.url("/old")))
    assert doc.error is None and doc.content == body and doc.content_type == "html"
    assert doc.uri == site.url("/news/cafe")
    assert doc.meta["url"] == site.url("/news/cafe") and doc.meta["requested_url"] == site.url("/old")
    assert doc.meta["http_status"] == 200 and doc.meta["charset"] == "windows-1252"
    assert doc.meta["redirects"] == [site.url("/news/cafe")]
    assert doc.fetched_at and doc.fetched_at == doc.meta["fetched_at"]
    assert site.hits[-1].headers["user-agent"].startswith("newstrace/")


def test_collect_takes_urls(site: LocalSite, settings: Settings) -> None:
    site.page("/a", article("Ferry fares rise", "The port authority raised fares."))
    (doc,) = collect([site.url("/a")])
    assert doc.error is None and b"Ferry fares rise" in doc.content


def test_http_errors_and_non_html_are_recorded(site: LocalSite, fetcher: Fetcher) -> None:
    site.page("/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ctype="image/png")
    site.page("/report.pdf", b"%PDF-1.4 ...", ctype="application/pdf")
    assert page_document(fetcher.get(site.url("/logo.png"))).error == "skipped: content type image/png is not HTML"
    assert page_document(fetcher.get(site.url("/report.pdf"))).error == "skipped: content type application/pdf is not HTML"
    missing = page_document(fetcher.get(site.url("/nothing")))
    assert missing.error == "HTTP 404" and missing.meta["http_status"] == 404


def test_redirect_loop_and_too_many_redirects(site: LocalSite, fetcher: Fetcher) -> None:
    site.routes["/loop-a"] = lambda h: (302, {"Location": "/loop-b"}, b"")
    site.routes["/loop-b"] = lambda h: (302, {"Location": "/loop-a"}, b"")
    resp = fetcher.get(site.url("/loop-a"))
    assert resp.error and resp.error.startswith("redirect loop")
    for i in range(10):
        site.routes[f"/hop{i}"] = (lambda n: (lambda h: (302, {"Location": f"/hop{n + 1}"}, b"")))(i)
    resp = fetcher.get(site.url("/hop0"))
    assert resp.error == f"too many redirects: more than {fetcher.max_redirects}"
    assert site.count("/hop6") == 0


def test_slow_server_times_out(site: LocalSite, settings: Settings) -> None:
    def slow(h):  # type: ignore[no-untyped-def]
        time.sleep(3)
        return 200, {"Content-Type": "text/html"}, b"<html>late</html>"

    def drip(h):  # type: ignore[no-untyped-def]
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"<p>a</p>")
            h.wfile.flush()
            time.sleep(0.1)

    site.routes["/slow"] = slow
    site.routes["/drip"] = drip
    with Fetcher(settings, timeout=1.0) as f:
        t0 = time.monotonic()
        resp = f.get(site.url("/slow"))
        assert resp.error and resp.error.startswith("timeout") and resp.transient
        resp = f.get(site.url("/drip"))
        assert resp.error == "timeout: body not complete after 1s" and resp.transient
        assert time.monotonic() - t0 < 5


def test_endless_body_stops_at_the_limit(site: LocalSite, settings: Settings) -> None:
    def endless(h):  # type: ignore[no-untyped-def]
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        chunk = b"<p>" + b"more " * 2000 + b"</p>"
        while True:
            h.wfile.write(chunk)

    site.routes["/endless"] = endless
    with Fetcher(settings, max_bytes=256 * 1024) as f:
        resp = f.get(site.url("/endless"))
    assert resp.error == f"too large: response body > {256 * 1024} bytes" and resp.content == b""


def test_declared_length_over_the_limit_is_not_read(site: LocalSite, settings: Settings) -> None:
    site.page("/big", b"<html>" + b"x" * 300_000 + b"</html>")
    with Fetcher(settings, max_bytes=100_000) as f:
        resp = f.get(site.url("/big"))
    assert resp.error == "too large: Content-Length 300013 > 100000 bytes"


def test_gzip_bomb_is_not_inflated(site: LocalSite, settings: Settings) -> None:
    bomb = gzip.compress(b"<html>" + b"\x20" * (64 * 1024 * 1024), compresslevel=6)
    assert len(bomb) < 200_000
    site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    site.page("/fine", gzip.compress(article("Tide tables", "High water at noon.").encode()),
              headers={"Content-Encoding": "gzip"})
    with Fetcher(settings, max_bytes=1024 * 1024) as f:
        resp = f.get(site.url("/bomb"))
        assert resp.error == f"too large: decompressed body > {1024 * 1024} bytes"
        ok = f.get(site.url("/fine"))
    assert ok.error is None and b"High water at noon." in ok.content


def test_retry_after(site: LocalSite, fetcher: Fetcher) -> None:
    site.page("/busy", "slow down", ctype="text/plain", status=429, headers={"Retry-After": "7"})
    site.page("/down", "maintenance", ctype="text/plain", status=503,
              headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
    busy = fetcher.get(site.url("/busy"))
    assert busy.error == "HTTP 429" and busy.transient and busy.retry_after == 7
    down = fetcher.get(site.url("/down"))
    assert down.error == "HTTP 503" and down.retry_after and down.retry_after > 3600
    assert parse_retry_after("soon") is None


def test_crawler_closes_host_after_retry_after(site: LocalSite, settings: Settings) -> None:
    site.page("/busy", "slow down", ctype="text/plain", status=429, headers={"Retry-After": "2"})
    with Fetcher(settings) as f:
        crawler = Crawler(f, settings, obey_robots=False)
        crawler.fetch(site.url("/busy"))
        assert crawler.limiter.wait_time(site.host) > 1.5


# -- SSRF --------------------------------------------------------------------------------------------------------

def test_loopback_refused_without_the_allow_list(site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSTRACE_ALLOW_HOSTS", raising=False)
    site.page("/a", article("x", "y"))
    with Fetcher(Settings()) as f:
        resp = f.get(site.url("/a"))
        assert resp.error == "refused: 127.0.0.1 resolves to a loopback address (127.0.0.1)"
        resp = f.get(f"http://localhost:{site.server.server_address[1]}/a")
        assert resp.error and resp.error.startswith("refused: localhost resolves to a loopback address")
    assert site.count("/a") == 0


def test_redirect_to_private_addresses_refused(site: LocalSite, fetcher: Fetcher) -> None:
    site.routes["/meta"] = lambda h: (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    site.routes["/inside"] = lambda h: (302, {"Location": "http://10.1.2.3/admin"}, b"")
    site.routes["/other-loopback"] = lambda h: (
        307, {"Location": f"http://127.0.0.2:{site.server.server_address[1]}/a"}, b"")
    site.routes["/v6"] = lambda h: (302, {"Location": "http://[::ffff:127.0.0.1]/"}, b"")
    site.routes["/file"] = lambda h: (302, {"Location": "file:///etc/passwd"}, b"")
    assert fetcher.get(site.url("/meta")).error == "refused: 169.254.169.254 resolves to a link-local address (169.254.169.254)"
    assert fetcher.get(site.url("/inside")).error == "refused: 10.1.2.3 resolves to a private address (10.1.2.3)"
    assert fetcher.get(site.url("/other-loopback")).error.startswith("refused: 127.0.0.2 resolves to a loopback")
    assert "loopback" in fetcher.get(site.url("/v6")).error
    assert fetcher.get(site.url("/file")).error == "refused: not an http(s) URL: file:///etc/passwd"


def test_public_name_resolving_inside_is_refused(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    real = socket.getaddrinfo

    def fake_dns(host, port, *a, **k):  # type: ignore[no-untyped-def]
        if host == "news.velmora.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        if host == "mixed.velmora.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.1", port))]
        return real(host, port, *a, **k)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    with Fetcher(settings) as f:
        assert f.get("http://news.velmora.test/").error == "refused: news.velmora.test resolves to a private address (10.0.0.7)"
        assert "private address (192.168.1.1)" in f.get("https://mixed.velmora.test/").error
    policy = HostPolicy.from_list(["news.velmora.test"])
    assert resolve_checked("news.velmora.test", 80, policy) == [(socket.AF_INET, "10.0.0.7")]
    with pytest.raises(UnsafeAddress):
        resolve_checked("mixed.velmora.test", 80, HostPolicy.from_list(["10.0.0.0/8"]))


@pytest.mark.parametrize("addr,kind", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.0.1", "private"),
    ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "reserved"), ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("::ffff:10.0.0.1", "private"), ("93.184.216.34", None), ("2606:4700::1111", None),
])
def test_address_classes(addr: str, kind: str | None) -> None:
    import ipaddress

    assert address_class(ipaddress.ip_address(addr)) == kind


# -- politeness ----------------------------------------------------------------------------------------------------

def test_robots_disallow(site: LocalSite, settings: Settings) -> None:
    site.page("/robots.txt", "User-agent: newstrace\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
              ctype="text/plain")
    site.page("/private/memo", article("Memo", "Internal."))
    site.page("/public/story", article("Story", "Open."))
    docs = list(collect([site.url("/private/memo"), site.url("/public/story")]))
    assert docs[0].error == "disallowed by robots.txt" and docs[1].error is None
    assert site.count("/private/memo") == 0 and site.count("/robots.txt") == 1


def test_robots_unreachable_disallows(site: LocalSite, settings: Settings) -> None:
    site.page("/robots.txt", "oops", ctype="text/plain", status=500)
    site.page("/story", article("Story", "Open."))
    (doc,) = collect([site.url("/story")])
    assert doc.error == "disallowed by robots.txt" and site.count("/story") == 0


def test_host_rate_limit_spaces_requests(site: LocalSite, settings: Settings) -> None:
    import threading

    site.page("/p", article("P", "Q"))
    limiter = HostLimiter(rate=10, concurrency=2)
    starts: list[float] = []
    lock = threading.Lock()
    with Fetcher(settings) as f:
        def one() -> None:
            with limiter.slot(site.host):
                with lock:
                    starts.append(time.monotonic())
                f.get(site.url("/p"))

        threads = [threading.Thread(target=one) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # request starts 1/rate apart, whatever the thread count: the limiter's slots are 0.1 s apart, and the time a
    # thread takes to note its start after entering its slot (scheduler jitter on a loaded machine) may shorten
    # one measured gap and lengthen the next, never the span of all eight
    assert starts[-1] - starts[0] >= 0.69, gaps
    assert min(gaps) >= 0.08, gaps
    assert site.count("/p") == 8
    # a Retry-After closes the host: the next start waits for it
    limiter.block(site.host, 0.5)
    t0 = time.monotonic()
    with limiter.slot(site.host):
        assert time.monotonic() - t0 >= 0.45


# -- feeds and sitemaps --------------------------------------------------------------------------------------------

def test_feed_items_fill_in_page_facts(site: LocalSite, settings: Settings) -> None:
    site.page("/rss.xml", rss("Velmora Gazette", [
        (site.url("/a"), "Dock strike ends", "Mon, 02 Mar 2026 09:30:00 GMT"),
        (site.url("/b"), "Ferry fares rise", "Tue, 03 Mar 2026 10:00:00 +0100"),
    ]), ctype="application/rss+xml")
    site.page("/a", article("Dock strike ends", "Workers returned."))
    site.page("/b", article("Ferry fares rise", "Fares rose."))
    docs = list(collect([site.url("/rss.xml")]))
    assert [d.uri for d in docs] == [site.url("/a"), site.url("/b")]
    a = docs[0].meta
    assert a["title"] == "Dock strike ends" and a["published"] == "2026-03-02T09:30:00+00:00"
    assert a["outlet"] == "Velmora Gazette" and "Ana Ruiz" in a["author"]
    assert a["listed_in"] == site.url("/rss.xml")
    assert docs[1].meta["published"] == "2026-03-03T09:00:00+00:00"


def test_atom_feed(site: LocalSite, settings: Settings) -> None:
    site.page("/atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Ledger</title><id>urn:x</id><updated>2026-03-01T00:00:00Z</updated>
<entry><title>Pier reopens</title><link href="/pier"/><id>urn:1</id><updated>2026-03-01T08:00:00Z</updated>
<author><name>Lio Brandt</name></author></entry></feed>""", ctype="application/atom+xml")
    site.page("/pier", article("Pier reopens", "Repairs done."))
    (doc,) = collect([site.url("/atom")])
    assert doc.uri == site.url("/pier") and doc.meta["author"] == "Lio Brandt"
    assert doc.meta["outlet"] == "Harbour Ledger" and doc.meta["published"] == "2026-03-01T08:00:00+00:00"


def test_sitemap_index_and_news_sitemap(site: LocalSite, settings: Settings) -> None:
    site.page("/sitemap.xml", f"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.url('/news-sitemap.xml')}</loc></sitemap>
<sitemap><loc>{site.url('/pages.xml.gz')}</loc></sitemap></sitemapindex>""", ctype="application/xml")
    site.page("/news-sitemap.xml", f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{site.url('/n1')}</loc><news:news><news:publication><news:name>Velmora Gazette</news:name>
<news:language>en</news:language></news:publication><news:publication_date>2026-03-04T06:00:00Z</news:publication_date>
<news:title>Council approves budget</news:title><news:keywords>budget, council</news:keywords></news:news></url></urlset>""",
              ctype="text/xml")
    site.page("/pages.xml.gz", gzip.compress(f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.url('/p1')}</loc>
<lastmod>2026-02-01</lastmod></url><url><loc>{site.url('/n1')}</loc></url></urlset>""".encode()),
              ctype="application/x-gzip")
    site.page("/n1", article("Council approves budget", "The vote was 7 to 2."))
    site.page("/p1", article("About us", "We report."))
    docs = list(collect([site.url("/sitemap.xml")]))
    assert [d.uri for d in docs] == [site.url("/n1"), site.url("/p1")]
    n1 = docs[0].meta
    assert n1["title"] == "Council approves budget" and n1["outlet"] == "Velmora Gazette"
    assert n1["published"] == "2026-03-04T06:00:00+00:00" and n1["tags"] == ["budget", "council"]
    assert docs[1].meta["published"] == "2026-02-01"


def test_malformed_feed_and_entity_bomb(site: LocalSite, settings: Settings) -> None:
    site.page("/broken.rss", "<rss><channel><title>x</title><item><link>", ctype="application/rss+xml")
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            "<rss><channel><title>&lol2;</title></channel></rss>")
    site.page("/bomb.rss", bomb, ctype="application/rss+xml")
    broken, bombed = collect([site.url("/broken.rss"), site.url("/bomb.rss")])
    assert broken.error and broken.error.startswith("malformed feed")
    assert bombed.error == "refused: feed declares XML entities"


def test_duplicate_items_across_feeds_fetched_once(site: LocalSite, settings: Settings) -> None:
    shared = (site.url("/shared"), "Wire: storm warning", "Mon, 02 Mar 2026 09:30:00 GMT")
    site.page("/one.rss", rss("One", [shared, (site.url("/only1"), "Only one", "Mon, 02 Mar 2026 10:00:00 GMT")]),
              ctype="application/rss+xml")
    site.page("/two.rss", rss("Two", [(site.url("/shared#top"), "Wire: storm warning", "Mon, 02 Mar 2026 09:31:00 GMT")]),
              ctype="application/rss+xml")
    for p in ("/shared", "/only1"):
        site.page(p, article(p, "Body."))
    docs = list(collect([site.url("/one.rss"), site.url("/two.rss")]))
    assert [d.uri for d in docs] == [site.url("/shared"), site.url("/only1")]
    assert site.count("/shared") == 1


def test_host_concurrency_cap(site: LocalSite, settings: Settings) -> None:
    import threading

    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(h):  # type: ignore[no-untyped-def]
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        return 200, {"Content-Type": "text/html"}, b"<html><p>ok</p></html>"

    site.routes["/slow"] = slow
    with Fetcher(settings) as f:
        crawler = Crawler(f, settings, limiter=HostLimiter(rate=1000, concurrency=2), obey_robots=False)
        threads = [threading.Thread(target=crawler.fetch, args=(site.url("/slow"),)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert site.count("/slow") == 6 and state["max"] == 2
