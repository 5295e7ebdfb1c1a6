"""The watcher against real local feeds and a real store: new items once, conditional GET, backoff, restarts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newstrace.collect.sources import SourceSpec, SourcesError, load_sources, parse_sources
from newstrace.settings import Settings
from newstrace.store.sqlite import Store
from newstrace.watch import Watcher, list_sources

from .httpserver import LocalSite, article, rss, start

DATE = "Mon, 02 Mar 2026 09:30:00 GMT"
BODIES = [
    "The harbour council of Velmora voted on Tuesday to extend the night ferry service until the end of the year.",
    "Dock workers in Port Ansel ended a four-day strike after the operator agreed to a new shift schedule.",
    "The Velmora weather office warned fishing crews of a storm expected to reach the coast by Friday evening.",
    "Farmers near Lake Orrin said a late frost had damaged about a third of the cherry harvest this spring.",
    "The regional court in Ansel postponed a ruling on the bridge tolls until the auditors file their report.",
]


@pytest.fixture
def site() -> Iterator[LocalSite]:
    s = start()
    yield s
    s.close()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("NEWSTRACE_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSTRACE_HOST_RATE", "100")
    monkeypatch.setenv("NEWSTRACE_FETCH_TIMEOUT", "3")
    return Settings()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "watch.db")
    yield s
    s.close()


def publish(site: LocalSite, feed: str, slugs: list[int], title: str = "Velmora Gazette") -> None:
    site.page(feed, rss(title, [(site.url(f"/story/{i}"), f"Story {i}", DATE) for i in slugs]),
              ctype="application/rss+xml")
    for i in slugs:
        site.page(f"/story/{i}", article(f"Story {i}", BODIES[i % len(BODIES)] + f" Report number {i}."))


def stored_urls(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT url FROM articles ORDER BY url")]


def test_feed_growing_between_runs_is_fetched_once(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    publish(site, "/rss.xml", [0, 1])
    spec = SourceSpec(url=site.url("/rss.xml"), name="Gazette", interval=60)
    stats = Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    assert stats.new_items == 2 and stats.stored == 2
    assert stored_urls(store) == [site.url("/story/0"), site.url("/story/1")]
    row = store.conn.execute("SELECT meta, title, published FROM articles WHERE url=?", (site.url("/story/0"),)).fetchone()
    assert json.loads(row["meta"]).get("listed_in", site.url("/rss.xml")) == site.url("/rss.xml")

    publish(site, "/rss.xml", [0, 1, 2])
    # a restart: a new watcher over the same store; the source is due again
    store.conn.execute("UPDATE watch_sources SET next_poll=0")
    stats = Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    assert stats.new_items == 1 and stats.fetched == 1
    assert site.count("/story/0") == 1 and site.count("/story/2") == 1
    assert len(stored_urls(store)) == 3
    (src,) = list_sources(store)
    assert src["new_total"] == 3 and src["new_last"] == 1 and src["polls"] == 2 and src["last_status"] == 200


def test_items_added_while_running_are_picked_up(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    publish(site, "/live.xml", [0])
    watcher = Watcher(store, [SourceSpec(url=site.url("/live.xml"), interval=0.2)], settings=settings)
    thread = threading.Thread(target=watcher.run, kwargs={"max_seconds": 30})
    thread.start()
    try:
        deadline = time.time() + 20
        while len(stored_urls(store)) < 1 and time.time() < deadline:
            time.sleep(0.1)
        publish(site, "/live.xml", [0, 3, 4])
        while len(stored_urls(store)) < 3 and time.time() < deadline:
            time.sleep(0.1)
    finally:
        watcher.stop()
        thread.join(30)
    assert not thread.is_alive()
    assert len(stored_urls(store)) == 3
    assert all(site.count(f"/story/{i}") == 1 for i in (0, 3, 4))
    assert watcher.stats.polls >= 2


def test_conditional_get_etag_and_last_modified(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    publish(site, "/etag.xml", [1])
    body = rss("Ledger", [(site.url("/story/1"), "Story 1", DATE)]).encode()

    def feed(h):  # type: ignore[no-untyped-def]
        if h.headers.get("If-None-Match") == '"v1"' and h.headers.get("If-Modified-Since") == DATE:
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": DATE}, body

    site.routes["/etag.xml"] = feed
    spec = SourceSpec(url=site.url("/etag.xml"), interval=60)
    Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    store.conn.execute("UPDATE watch_sources SET next_poll=0")
    stats = Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    assert stats.not_modified == 1 and stats.fetched == 0
    (src,) = list_sources(store)
    assert src["last_status"] == 304 and src["failures"] == 0
    etag = store.conn.execute("SELECT etag, last_modified FROM watch_sources").fetchone()
    assert tuple(etag) == ('"v1"', DATE)  # a 304 keeps the validators


def test_retry_after_on_items_and_backoff_on_sources(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    publish(site, "/rss.xml", [2])
    calls = {"n": 0}
    page = article("Story 2", BODIES[2]).encode()

    def busy_then_ok(h):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            return 429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html"}, page

    site.routes["/story/2"] = busy_then_ok
    other = start()  # another host: its Retry-After closes that host only
    other.page("/down.xml", "maintenance", ctype="text/plain", status=503, headers={"Retry-After": "120"})
    specs = [SourceSpec(url=site.url("/rss.xml"), interval=60), SourceSpec(url=other.url("/down.xml"), interval=10)]
    t0 = time.time()
    try:
        stats = Watcher(store, specs, settings=settings, once=True, item_retry=0.2).run(max_seconds=60)
    finally:
        other.close()
    assert stats.retries == 1 and stats.stored == 1 and calls["n"] == 2
    hits = [h.at for h in site.hits if h.path == "/story/2"]
    assert hits[1] - hits[0] >= 0.95  # waited as Retry-After asked
    down = store.conn.execute("SELECT * FROM watch_sources WHERE url=?", (other.url("/down.xml"),)).fetchone()
    assert down["failures"] == 1 and down["last_status"] == 503 and down["last_error"] == "HTTP 503"
    assert down["next_poll"] >= t0 + 120  # not polled again before the server's Retry-After


def test_duplicates_across_feeds_robots_and_failures(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    site.page("/a.xml", rss("A", [(site.url("/story/0"), "Shared", DATE), (site.url("/private/x"), "Hidden", DATE),
                                  (site.url("/img.png"), "Picture", DATE)]), ctype="application/rss+xml")
    site.page("/b.xml", rss("B", [(site.url("/story/0"), "Shared", DATE), (site.url("/story/1"), "Only B", DATE)]),
              ctype="application/rss+xml")
    site.page("/broken.xml", "<rss><channel><item><link>", ctype="application/rss+xml")
    site.page("/img.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, ctype="image/png")
    for i in (0, 1):
        site.page(f"/story/{i}", article(f"Story {i}", BODIES[i]))
    specs = [SourceSpec(url=site.url(p), interval=60) for p in ("/a.xml", "/b.xml", "/broken.xml")]
    stats = Watcher(store, specs, settings=settings, once=True).run(max_seconds=60)
    assert site.count("/story/0") == 1 and site.count("/private/x") == 0
    assert stats.new_items == 4 and stats.stored == 2 and stats.failed == 2
    items = dict(store.conn.execute("SELECT url, status FROM watch_items").fetchall())
    assert items[site.url("/private/x")] == "failed" and items[site.url("/story/0")] == "done"
    reasons = {r["uri"]: r["reason"] for r in store.failures()}
    assert reasons[site.url("/private/x")] == "disallowed by robots.txt"
    assert reasons[site.url("/img.png")] == "skipped: content type image/png is not HTML"
    broken = [s for s in list_sources(store) if s["url"].endswith("/broken.xml")][0]
    assert broken["last_error"].startswith("malformed feed") and broken["failures"] == 1


def test_page_stored_before_a_kill_is_not_fetched_again(site: LocalSite, settings: Settings, store: Store, nlp) -> None:
    publish(site, "/rss.xml", [0])
    spec = SourceSpec(url=site.url("/rss.xml"), interval=60)
    Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    # the state a kill between "page stored" and "item done" leaves behind
    store.conn.execute("UPDATE watch_items SET status='pending'")
    store.conn.execute("UPDATE watch_sources SET next_poll=0")
    stats = Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    assert stats.skipped == 1 and stats.fetched == 0 and site.count("/story/0") == 1
    assert store.conn.execute("SELECT status FROM watch_items").fetchone()[0] == "done"


def test_sources_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("interval: 15m\nsources:\n  - url: https://gazette.velmora.test/rss.xml\n    name: Gazette\n"
                    "    interval: 30s\n  - https://ledger.velmora.test/sitemap.xml\n", encoding="utf-8")
    a, b = load_sources(path)
    assert (a.name, a.interval, b.interval, b.kind) == ("Gazette", 30.0, 900.0, "auto")
    for bad in ({"sources": [{"url": "ftp://x"}]}, {"sources": "x"}, {"sources": [{"url": "http://x", "interval": "soon"}]},
                {"sources": [{"url": "http://x", "kind": "podcast"}]}):
        with pytest.raises(SourcesError):
            parse_sources(bad)
    (tmp_path / "bad.yaml").write_text("sources: [unclosed", encoding="utf-8")
    with pytest.raises(SourcesError, match="not valid YAML"):
        load_sources(tmp_path / "bad.yaml")


@pytest.mark.slow
def test_cli_watch_once_and_sources(site: LocalSite, tmp_path: Path) -> None:
    publish(site, "/rss.xml", [0, 1])
    src = tmp_path / "sources.yaml"
    src.write_text(f"sources:\n  - url: {site.url('/rss.xml')}\n    name: Gazette\n    interval: 1h\n", encoding="utf-8")
    db = tmp_path / "cli.db"
    env = {**os.environ, "NEWSTRACE_ALLOW_HOSTS": "127.0.0.1", "NEWSTRACE_HOST_RATE": "50"}
    exe = [sys.executable, "-c", "from newstrace.cli import main; main()"]
    proc = subprocess.run(exe + ["watch", str(src), "--db", str(db), "--once", "--user-agent", "velmora-test-bot/1.0"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events][0] == "watch_start" and events[-1]["event"] == "watch_stop"
    assert any(e["event"] == "poll" and e["new"] == 2 for e in events)
    assert site.hits[0].headers["user-agent"] == "velmora-test-bot/1.0"
    proc = subprocess.run(exe + ["sources", "--db", str(db), "--format", "json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["url"] == site.url("/rss.xml") and row["new_total"] == 2 and row["pending"] == 0
    proc = subprocess.run(exe + ["watch", str(tmp_path / "missing.yaml"), "--db", str(db)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_once_after_an_interrupted_run_fetches_what_was_left(site: LocalSite, settings: Settings, store: Store,
                                                             nlp) -> None:
    publish(site, "/rss.xml", [0, 1, 2])
    spec = SourceSpec(url=site.url("/rss.xml"), interval=3600)
    # the first run is cut short after one page: its poll found three items, two are left pending
    Watcher(store, [spec], settings=settings, once=True, batch_size=1,
            sink=lambda docs: None).run(max_seconds=60)
    store.conn.execute("UPDATE watch_items SET status='pending' WHERE url != ?", (site.url("/story/0"),))
    stats = Watcher(store, [spec], settings=settings, once=True).run(max_seconds=60)
    assert stats.polls == 0 and stats.fetched == 2  # the source is not due; its pending items are fetched
    assert site.count("/rss.xml") == 1 and site.count("/story/1") == 2
    assert store.conn.execute("SELECT COUNT(*) FROM watch_items WHERE status='pending'").fetchone()[0] == 0


KILLABLE = r'''
import sys, time, hashlib
from newstrace.collect.sources import load_sources
from newstrace.store.sqlite import Store
from newstrace.watch import Watcher

db, sources, log = sys.argv[1:4]
store = Store(db)

def record(docs):
    # stands in for ingest: the page lands in the document ledger, then in a log of deliveries
    with store.transaction():
        for d in docs:
            store.add_document(d.uri, hashlib.sha256(d.content).hexdigest(), "ok")
    with open(log, "a") as fh:
        fh.writelines(d.uri + "\n" for d in docs)
        fh.flush()
    time.sleep(0.05)

Watcher(store, load_sources(sources), once=True, batch_size=4, sink=record).run()
'''


@pytest.mark.slow
def test_sigkill_and_restart_lose_and_duplicate_nothing(site: LocalSite, tmp_path: Path) -> None:
    publish(site, "/rss.xml", list(range(60)))
    publish(site, "/more.xml", list(range(40, 90)))  # 10 items shared with the first feed
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {site.url('/rss.xml')}\n  - {site.url('/more.xml')}\n", encoding="utf-8")
    db, log = tmp_path / "kill.db", tmp_path / "delivered.log"
    env = {**os.environ, "NEWSTRACE_ALLOW_HOSTS": "127.0.0.1", "NEWSTRACE_HOST_RATE": "100"}
    cmd = [sys.executable, "-c", KILLABLE, str(db), str(sources), str(log)]
    first = subprocess.Popen(cmd, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 30):
        time.sleep(0.02)
    first.kill()
    first.wait()
    killed_after = len(log.read_text().splitlines())
    assert 30 <= killed_after < 90
    subprocess.run(cmd, env=env, check=True, timeout=120)
    delivered = log.read_text().splitlines()
    with Store(db) as store:
        ledger = [r[0] for r in store.conn.execute("SELECT uri FROM documents")]
        pending = store.conn.execute("SELECT COUNT(*) FROM watch_items WHERE status != 'done'").fetchone()[0]
    assert sorted(ledger) == sorted(site.url(f"/story/{i}") for i in range(90)) and pending == 0  # nothing lost
    assert len(delivered) == len(set(delivered))  # nothing delivered twice
    assert site.count("/rss.xml") == 1 and site.count("/more.xml") == 1  # polled once, not again on restart


def test_failing_source_backs_off(site: LocalSite, settings: Settings, store: Store) -> None:
    site.page("/flaky.xml", "oops", ctype="text/plain", status=500)
    watcher = Watcher(store, [SourceSpec(url=site.url("/flaky.xml"), interval=0.1)], settings=settings)
    watcher.run(max_seconds=2.0)
    polls = site.count("/flaky.xml")
    # 0.1 s apart without backoff would be ~20 polls; doubling waits (0.2, 0.4, 0.8, 1.6 s) allow about 4
    assert 2 <= polls <= 6, polls
    (src,) = list_sources(store)
    assert src["failures"] == polls and src["last_error"] == "HTTP 500" and src["errors"] == polls
