"""``newstrace watch``: follow feeds and sitemaps, fetch each new item once, and ingest it, hour after hour.

The state lives in the store (migration ``0004_watch.sql``): ``watch_sources`` holds each source's validators
(ETag, Last-Modified), schedule and health; ``watch_items`` holds every item URL ever listed. An item is written
as *pending* in the same transaction that records the poll which found it, and becomes *done* only after its
page is stored, so a watcher killed at any moment loses nothing on restart, and fetches nothing twice that it
had finished (a page stored just before a kill is recognised by its URL in the document ledger).

Politeness: per-host rate limit and concurrency cap (``HostLimiter``), robots.txt, conditional GET, Retry-After,
and exponential backoff for failing sources and items. Every event is logged as one JSON object per line.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from newstrace.collect.crawl import LISTING_ACCEPT, PAGE_ACCEPT, MAX_DEPTH, Crawler
from newstrace.collect.feeds import Item, Listing
from newstrace.collect.sources import SourceSpec
from newstrace.collect.web import Fetcher, Response, host_of, normalise_url, page_document
from newstrace.model import RawDocument
from newstrace.reasons import describe
from newstrace.settings import Settings, get_settings
from newstrace.store.sqlite import Store

log = logging.getLogger("newstrace.watch")

MAX_BACKOFF = 6 * 3600.0


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def event(name: str, **fields: Any) -> None:
    """One structured log line: ``{"ts", "event", ...fields}`` as JSON."""
    if log.isEnabledFor(logging.INFO):
        log.info(json.dumps({"ts": utcnow(), "event": name, **fields}, ensure_ascii=False, default=str))


# -- state in the store ------------------------------------------------------------------------------------------

class WatchState:
    """The watch tables of one store; used from the watcher's main thread only."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def sync(self, specs: Iterable[SourceSpec], now: float) -> None:
        """Make the table match the sources file: add new sources (due now), update intervals, retire the rest."""
        specs = list(specs)
        with self.store.transaction():
            self.conn.execute("UPDATE watch_sources SET active=0")
            for s in specs:
                self.conn.execute(
                    "INSERT INTO watch_sources(url, name, kind, interval_s, active, next_poll, added_at)"
                    " VALUES (?,?,?,?,1,?,?) ON CONFLICT(url) DO UPDATE SET name=excluded.name, kind=excluded.kind,"
                    " interval_s=excluded.interval_s, active=1",
                    (s.url, s.name, s.kind, s.interval, now, utcnow()))

    def due(self, now: float) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM watch_sources WHERE active=1 AND next_poll<=? ORDER BY next_poll", (now,)).fetchall()
        return [dict(r) for r in rows]

    def next_wake(self) -> float | None:
        """The earliest time a source or a pending item is due."""
        a = self.conn.execute("SELECT MIN(next_poll) FROM watch_sources WHERE active=1").fetchone()[0]
        b = self.conn.execute("SELECT MIN(next_try) FROM watch_items WHERE status='pending'").fetchone()[0]
        times = [t for t in (a, b) if t is not None]
        return min(times) if times else None

    def record_poll(self, src: dict[str, Any], result: PollResult, now: float) -> int:
        """Store one poll's outcome and its new items in one transaction; returns how many items were new."""
        new = 0
        with self.store.transaction():
            for item in result.items:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO watch_items(url, source, status, meta, first_seen) VALUES (?,?,?,?,?)",
                    (normalise_url(item.url), src["url"], "pending",
                     json.dumps({"fetch_url": item.url, **item.meta()}, ensure_ascii=False), utcnow()))
                new += cur.rowcount
            if result.error is None:
                failures = 0
                delay = src["interval_s"]
            else:
                failures = src["failures"] + 1
                # exponential backoff on a failing source, never sooner than the server asked
                delay = min(src["interval_s"] * 2 ** failures, max(MAX_BACKOFF, src["interval_s"]))
                delay = max(delay, result.retry_after or 0.0)
            keep_validators = result.error is not None or result.status == 304
            self.conn.execute(
                "UPDATE watch_sources SET last_poll=?, next_poll=?, last_status=?, last_error=?, failures=?,"
                " polls=polls+1, errors=errors+?, new_last=CASE WHEN ? THEN new_last ELSE ? END,"
                " new_total=new_total+?, etag=CASE WHEN ? THEN etag ELSE ? END,"
                " last_modified=CASE WHEN ? THEN last_modified ELSE ? END WHERE url=?",
                (utcnow(), now + delay, result.status, result.error, failures, 1 if result.error else 0,
                 result.error is not None, new, new, keep_validators, result.etag, keep_validators,
                 result.last_modified, src["url"]))
        return new

    def pending(self, now: float, limit: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM watch_items WHERE status='pending' AND next_try<=? ORDER BY next_try, first_seen LIMIT ?",
            (now, limit)).fetchall()
        return [dict(r) for r in rows]

    def count_pending(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM watch_items WHERE status='pending'").fetchone()[0]

    def stored_uri(self, uri: str) -> bool:
        """Whether the document ledger already holds this page (stored before a kill, not yet marked done)."""
        row = self.conn.execute("SELECT 1 FROM documents WHERE uri=? AND status IN ('ok','duplicate') LIMIT 1",
                                (uri,)).fetchone()
        return row is not None

    def retry_later(self, url: str, when: float, error: str) -> None:
        with self.store.transaction():
            self.conn.execute("UPDATE watch_items SET attempts=attempts+1, next_try=?, last_error=? WHERE url=?",
                              (when, error, url))

    def finish(self, outcomes: Iterable[tuple[str, str | None]]) -> None:
        """Mark items done (error None) or failed (with the reason) in one transaction."""
        with self.store.transaction():
            for url, error in outcomes:
                self.conn.execute(
                    "UPDATE watch_items SET status=?, last_error=?, attempts=attempts+1, done_at=? WHERE url=?",
                    ("failed" if error else "done", error, utcnow(), url))


def list_sources(store: Store) -> list[dict[str, Any]]:
    """Each followed source with its last poll, new items and failures (for ``newstrace sources``)."""
    try:
        rows = store.conn.execute(
            "SELECT s.url, s.name, s.kind, s.interval_s, s.active, s.last_poll, s.last_status, s.last_error,"
            " s.failures, s.polls, s.errors, s.new_last, s.new_total, s.next_poll,"
            " (SELECT COUNT(*) FROM watch_items i WHERE i.source=s.url AND i.status='pending') AS pending,"
            " (SELECT COUNT(*) FROM watch_items i WHERE i.source=s.url AND i.status='failed') AS failed_items"
            " FROM watch_sources s ORDER BY s.url").fetchall()
    except Exception:  # noqa: BLE001 - a read-only store from before migration 0004 has no watch tables
        return []
    out = []
    for r in rows:
        d = dict(r)
        d["next_poll"] = datetime.fromtimestamp(d["next_poll"], timezone.utc).replace(microsecond=0).isoformat() \
            if d["next_poll"] else None
        out.append(d)
    return out


# -- the work done in fetch threads --------------------------------------------------------------------------------

@dataclass
class PollResult:
    """What polling one source found."""

    items: list[Item] = field(default_factory=list)
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None


@dataclass
class ItemResult:
    url: str  # normalised item URL (the watch_items key)
    doc: RawDocument
    transient: bool = False
    retry_after: float | None = None


def _listing_items(crawler: Crawler, listing: Listing, depth: int = 0) -> tuple[list[Item], str | None]:
    """All items of a listing, following a sitemap index's children (each fetched in full)."""
    items = list(listing.items)
    for child in listing.children:
        if depth + 1 > MAX_DEPTH:
            return items, f"sitemap index nested deeper than {MAX_DEPTH} levels"
        resp = crawler.fetch(child, accept=LISTING_ACCEPT)
        sub = crawler.listing(resp)
        if resp.error or sub is None or sub.error:
            return items, f"child sitemap {child}: {resp.error or (sub.error if sub else 'not a sitemap')}"
        more, err = _listing_items(crawler, sub, depth + 1)
        items.extend(more)
        if err:
            return items, err
    return items, None


def poll(crawler: Crawler, src: dict[str, Any]) -> PollResult:
    """One conditional GET of a source and the items it lists now."""
    headers = {}
    if src.get("etag"):
        headers["If-None-Match"] = src["etag"]
    if src.get("last_modified"):
        headers["If-Modified-Since"] = src["last_modified"]
    resp: Response = crawler.fetch(src["url"], headers=headers, accept=LISTING_ACCEPT)
    if resp.not_modified:
        return PollResult(status=304)
    if resp.error:
        return PollResult(status=resp.status, error=resp.error, retry_after=resp.retry_after)
    listing = crawler.listing(resp)
    if listing is None:
        return PollResult(status=resp.status, error="not a feed or sitemap")
    if listing.error:
        return PollResult(status=resp.status, error=listing.error)
    items, err = _listing_items(crawler, listing)
    return PollResult(items=items, status=resp.status, etag=resp.headers.get("etag"),
                      last_modified=resp.headers.get("last-modified"), error=err)


def fetch_item(crawler: Crawler, row: dict[str, Any]) -> ItemResult:
    """Fetch one item's page; the listing's facts travel in the document's meta."""
    meta = json.loads(row["meta"] or "{}")
    url = meta.pop("fetch_url", row["url"])
    resp = crawler.fetch(url, accept=PAGE_ACCEPT)
    doc = page_document(resp, meta)
    return ItemResult(row["url"], doc, transient=resp.transient, retry_after=resp.retry_after)


# -- the loop ------------------------------------------------------------------------------------------------------

@dataclass
class WatchStats:
    polls: int = 0
    not_modified: int = 0
    poll_errors: int = 0
    new_items: int = 0
    fetched: int = 0
    stored: int = 0
    failed: int = 0
    retries: int = 0
    skipped: int = 0  # already in the store (a page stored just before an interruption)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


Sink = Callable[[list[RawDocument]], None]


class Watcher:
    """Polls the sources of a store on their schedules and ingests every new item, until stopped.

    ``workers`` fetch threads share one per-host limiter; the main thread alone writes to the store. With
    ``once=True`` each due source is polled once and the watcher returns when every item found is handled.
    """

    def __init__(self, store: Store, sources: Iterable[SourceSpec] | None = None, *, settings: Settings | None = None,
                 workers: int = 2, batch_size: int = 16, once: bool = False, fetcher: Fetcher | None = None,
                 sink: Sink | None = None, item_retry: float = 30.0, max_attempts: int = 4,
                 obey_robots: bool = True, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings or get_settings()
        self.store = store
        self.state = WatchState(store)
        self.workers = max(1, workers)
        self.batch_size = max(1, batch_size)
        self.once = once
        self.clock = clock
        self.item_retry = item_retry
        self.max_attempts = max(1, max_attempts)
        self._own_fetcher = fetcher is None
        self.fetcher = fetcher or Fetcher(self.settings)
        self.crawler = Crawler(self.fetcher, self.settings, obey_robots=obey_robots)
        self.sink = sink or self._ingest
        self.stats = WatchStats()
        self._stop = threading.Event()
        self._buffered: set[str] = set()  # items fetched, waiting in the buffer to be stored
        if sources is not None:
            self.state.sync(sources, self.clock())

    def stop(self) -> None:
        """Ask the loop to finish: fetches in flight complete, fetched pages are stored, then ``run`` returns."""
        self._stop.set()

    def _ingest(self, docs: list[RawDocument]) -> None:
        from newstrace.ingest import ingest

        result = ingest(docs, self.store, workers=1, batch_size=len(docs))
        self.stats.stored += result.stored

    def run(self, *, max_seconds: float | None = None) -> WatchStats:
        """Run until stopped (or, with ``once``, until caught up); returns what was done."""
        started = self.clock()
        inflight: dict[Future[Any], tuple[str, Any]] = {}
        polling: set[str] = set()
        fetching: dict[str, str] = {}  # item url -> host
        buffer: list[ItemResult] = []
        polled_once: set[str] = set()
        # with ``once``: the sources due at the start are polled once; sources not due (polled by an earlier run
        # that was interrupted) are not polled again, but the items they left pending are fetched
        once_targets = {s["url"] for s in self.state.due(started)} if self.once else set()
        event("watch_start", workers=self.workers, pending=self.state.count_pending())
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="newstrace-fetch")
        try:
            while True:
                now = self.clock()
                stopping = self._stop.is_set() or (max_seconds is not None and now - started > max_seconds)
                if not stopping:
                    for src in self.state.due(now):
                        if src["url"] in polling or (self.once and src["url"] in polled_once):
                            continue
                        polling.add(src["url"])
                        polled_once.add(src["url"])
                        inflight[pool.submit(poll, self.crawler, src)] = ("poll", src)
                    self._submit_items(pool, inflight, fetching, now)
                if not inflight:
                    if buffer:
                        self._flush(buffer)
                        continue
                    if stopping:
                        break
                    if self.once and not polling and once_targets <= polled_once and self.state.count_pending() == 0:
                        break
                wake = self.state.next_wake()
                timeout = 1.0 if wake is None else min(1.0, max(0.01, wake - self.clock()))
                if inflight:
                    done, _ = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED)
                else:
                    self._stop.wait(timeout)
                    done = set()
                for fut in done:
                    kind, payload = inflight.pop(fut)
                    if kind == "poll":
                        polling.discard(payload["url"])
                        self._polled(payload, fut)
                    else:
                        fetching.pop(payload["url"], None)
                        self._fetched(payload, fut, buffer)
                if len(buffer) >= self.batch_size or (buffer and not fetching):
                    self._flush(buffer)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if buffer:
                self._flush(buffer)
            if self._own_fetcher:
                self.fetcher.close()
            event("watch_stop", **self.stats.as_dict())
        return self.stats

    def _submit_items(self, pool: ThreadPoolExecutor, inflight: dict[Future[Any], tuple[str, Any]],
                      fetching: dict[str, str], now: float) -> None:
        """Hand pending items to the fetch threads, keeping each host within its concurrency cap."""
        # enough work queued that the fetch threads keep going while the main thread analyses a batch
        room = max(self.workers * 2, self.batch_size) - len(fetching)
        if room <= 0:
            return
        per_host: dict[str, int] = {}
        for host in fetching.values():
            per_host[host] = per_host.get(host, 0) + 1
        cap = self.crawler.limiter.concurrency * 4  # queued per host; the limiter itself enforces the real cap
        for row in self.state.pending(now, limit=max(room * 20, 200)):
            if room <= 0:
                break
            if row["url"] in fetching or row["url"] in self._buffered:
                continue
            meta = json.loads(row["meta"] or "{}")
            fetch_url = meta.get("fetch_url", row["url"])
            host = host_of(fetch_url)
            # a host over its cap, or closed by a Retry-After, waits; other hosts' items go first
            if per_host.get(host, 0) >= cap or self.crawler.limiter.wait_time(host) > 1.0:
                continue
            if self.state.stored_uri(fetch_url):
                self.state.finish([(row["url"], None)])
                self.stats.skipped += 1
                continue
            per_host[host] = per_host.get(host, 0) + 1
            fetching[row["url"]] = host
            inflight[pool.submit(fetch_item, self.crawler, row)] = ("item", row)
            room -= 1

    def _polled(self, src: dict[str, Any], fut: Future[Any]) -> None:
        try:
            result: PollResult = fut.result()
        except Exception as exc:  # noqa: BLE001 - a bug on one source must not stop the watcher
            log.exception("poll of %s crashed", src["url"])
            result = PollResult(error=f"poll error: {describe(exc)} while polling the source")
        new = self.state.record_poll(src, result, self.clock())
        self.stats.polls += 1
        self.stats.new_items += new
        if result.status == 304:
            self.stats.not_modified += 1
        if result.error:
            self.stats.poll_errors += 1
            event("poll_error", source=src["url"], status=result.status, error=result.error,
                  retry_after=result.retry_after, failures=src["failures"] + 1)
        else:
            event("poll", source=src["url"], status=result.status, listed=len(result.items), new=new)

    def _fetched(self, row: dict[str, Any], fut: Future[Any], buffer: list[ItemResult]) -> None:
        try:
            res: ItemResult = fut.result()
        except Exception as exc:  # noqa: BLE001
            log.exception("fetch of %s crashed", row["url"])
            res = ItemResult(row["url"], RawDocument(row["url"], b"", "html", None, {},
                                                     error=f"fetch error: {describe(exc)} while fetching"), True)
        self.stats.fetched += 1
        if res.doc.error and res.transient and row["attempts"] + 1 < self.max_attempts:
            delay = max(res.retry_after or 0.0, self.item_retry * 2 ** row["attempts"])
            self.state.retry_later(row["url"], self.clock() + delay, res.doc.error)
            self.stats.retries += 1
            event("item_retry", url=row["url"], error=res.doc.error, attempt=row["attempts"] + 1, delay=round(delay, 2))
            return
        buffer.append(res)
        self._buffered.add(res.url)

    def _flush(self, buffer: list[ItemResult]) -> None:
        """Store the fetched pages (failures included, with their reasons), then mark their items handled."""
        batch = list(buffer)
        buffer.clear()
        self.sink([r.doc for r in batch])
        self.state.finish((r.url, r.doc.error) for r in batch)
        self._buffered.difference_update(r.url for r in batch)
        failed = sum(1 for r in batch if r.doc.error)
        self.stats.failed += failed
        for r in batch:
            if r.doc.error:
                event("item_failed", url=r.url, error=r.doc.error)
        event("stored", items=len(batch), failed=failed, pending=self.state.count_pending())
