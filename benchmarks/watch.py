"""Benchmark of ``newstrace watch``: a local news site of many feeds, followed to a caught-up store.

What it measures, in one run:
- the time from the first start of ``newstrace watch --once --workers W`` to a caught-up store, with the watcher
  killed (SIGKILL) half-way and restarted;
- beside it, two floors computed in the same run: the politeness floor (items / (hosts x rate), the least time
  the rate limit allows) and bare spaCy (``nlp.pipe`` of the same texts with the same model, no newstrace);
- requests per host per second, from the server's own log: the most request starts in any 1-second window and
  the smallest gap between two starts, against the configured limit;
- items missed (listed but not stored) and duplicated (stored twice, or fetched again although already stored).

The site is fictional and generated here: H hosts on 127.0.0.x (each its own politeness unit), F feeds of N/F
items in all. Usage::

    .venv/bin/python benchmarks/watch.py --feeds 50 --items 5000 --hosts 5 --rate 20 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOWNS = ["Velmora", "Port Ansel", "Orrin", "Kestrel Bay", "Tamsin", "Brandholm", "Lissow", "Caradoc"]
BODIES_ = ["harbour council", "ferry operator", "port authority", "fishing cooperative", "weather office",
           "regional court", "water board", "teachers' union", "rail company", "hospital trust"]
VERBS = ["approved", "rejected", "postponed", "announced", "criticised", "welcomed", "suspended", "extended"]
OBJECTS = ["the night ferry service", "a new toll on the bridge", "the budget for road repairs",
           "a plan to dredge the channel", "the closure of the old pier", "higher fees for moorings",
           "a review of the storm defences", "the sale of the grain warehouse"]
PEOPLE = ["Ana Ruiz", "Lio Brandt", "Mara Teodor", "Jonas Weller", "Ilse Marren", "Tomas Quill", "Petra Okafor"]


def story(rng: random.Random, k: int) -> tuple[str, str]:
    """A short fictional report, unique by its number and its random parts."""
    town, body, verb, obj, who = (rng.choice(TOWNS), rng.choice(BODIES_), rng.choice(VERBS), rng.choice(OBJECTS),
                                  rng.choice(PEOPLE))
    title = f"{town} {body} {verb} {obj} ({k})"
    text = (f"The {body} of {town} {verb} {obj} on {rng.choice(['Monday', 'Tuesday', 'Thursday'])}, "
            f"according to minutes published after the meeting. \"We listened to everyone,\" said {who}, who chairs "
            f"the committee. Report {k} notes that {rng.randint(3, 90)} residents attended and that a final vote is "
            f"expected within {rng.randint(2, 9)} weeks.")
    return title, text


class Site:
    """H servers on 127.0.0.1..H, serving feeds, pages and robots.txt, logging every request start."""

    def __init__(self, hosts: int, feeds: int, items: int, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.page_hits: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.servers = [ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), self._handler()) for h in range(hosts)]
        for s in self.servers:
            s.daemon_threads = True
            s.handle_error = lambda *a: None  # a connection cut by the killed watcher is expected here
        self.feeds: dict[str, list[tuple[str, str, str]]] = {}
        self.pages: dict[str, bytes] = {}
        self.texts: list[str] = []
        per_feed = [items // feeds + (1 if f < items % feeds else 0) for f in range(feeds)]
        k = 0
        for f in range(feeds):
            base = self.base(f % hosts)
            entries = []
            for _ in range(per_feed[f]):
                title, text = story(rng, k)
                url = f"{base}/news/{f}/{k}.html"
                self.pages[url] = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                                   f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>").encode()
                self.texts.append(title + "\n\n" + text)
                entries.append((url, title, f"Mon, 02 Mar 2026 {k % 24:02d}:{k % 60:02d}:00 GMT"))
                k += 1
            self.feeds[f"{base}/feed/{f}.xml"] = entries

    def base(self, h: int) -> str:
        host, port = self.servers[h].server_address[:2]
        return f"http://{host}:{port}"

    def _handler(self):  # noqa: ANN202
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:  # noqa: ANN002
                pass

            def do_GET(self) -> None:  # noqa: N802
                host = "%s:%s" % self.server.server_address[:2]
                url = f"http://{host}{self.path}"
                with site.lock:
                    site.hits[host].append(time.monotonic())
                    site.page_hits[url] += 1
                if self.path == "/robots.txt":
                    body, ctype = b"User-agent: *\nDisallow: /private/\n", "text/plain"
                elif url in site.feeds:
                    items = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate></item>"
                                    for u, t, d in site.feeds[url])
                    body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title>{items}"
                            "</channel></rss>").encode()
                    ctype = "application/rss+xml"
                elif url in site.pages:
                    body, ctype = site.pages[url], "text/html; charset=utf-8"
                else:
                    body, ctype = b"missing", "text/plain"
                    self.send_response(404)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> None:
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def close(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


def rate_report(hits: dict[str, list[float]]) -> tuple[int, float]:
    """The most request starts to one host within any 1-second window, and the smallest gap between two starts."""
    worst, gap = 0, float("inf")
    for times in hits.values():
        times = sorted(times)
        j = 0
        for i, t in enumerate(times):
            while times[j] <= t - 1.0:
                j += 1
            worst = max(worst, i - j + 1)
            if i:
                gap = min(gap, t - times[i - 1])
    return worst, gap


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    c = sqlite3.connect(db, timeout=5)
    try:
        return c.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        c.close()


def collect_only(args: argparse.Namespace) -> None:
    """The watcher alone: same site, a sink that records each delivered page, a stop half-way and a restart."""
    from newstrace.collect.sources import SourceSpec
    from newstrace.settings import Settings
    from newstrace.store.sqlite import Store
    from newstrace.watch import Watcher

    os.environ.update({"NEWSTRACE_ALLOW_HOSTS": "127.0.0.0/8", "NEWSTRACE_HOST_RATE": str(args.rate),
                       "NEWSTRACE_HOST_CONCURRENCY": "2"})
    site = Site(args.hosts, args.feeds, args.items)
    site.start()
    work = Path(tempfile.mkdtemp(prefix="nt-watch-bench-"))
    specs = [SourceSpec(url=u, interval=3600) for u in site.feeds]
    delivered: list[str] = []
    target = int(args.items * args.kill_at)
    t0 = time.perf_counter()
    with Store(work / "watch.db") as store:
        first = Watcher(store, specs, settings=Settings(), workers=args.workers, once=True, batch_size=32,
                        sink=lambda docs: delivered.extend(d.uri for d in docs if not d.error))

        def stop_half_way() -> None:
            while len(delivered) < target and not first._stop.is_set():  # noqa: SLF001
                time.sleep(0.05)
            first.stop()

        threading.Thread(target=stop_half_way, daemon=True).start()
        first.run()
        stopped_at = len(delivered)
        second = Watcher(store, specs, settings=Settings(), workers=args.workers, once=True, batch_size=32,
                         sink=lambda docs: delivered.extend(d.uri for d in docs if not d.error))
        second.run()
    elapsed = time.perf_counter() - t0
    site.close()
    worst, gap = rate_report(site.hits)
    print(json.dumps({
        "mode": "collect-only (no analysis)", "feeds": args.feeds, "items": args.items, "hosts": args.hosts,
        "rate_limit_per_host": args.rate, "workers": args.workers, "stopped_after": stopped_at,
        "time_to_caught_up_s": round(elapsed, 1), "politeness_floor_s": round(args.items / (args.hosts * args.rate), 1),
        "max_requests_in_any_1s_per_host": worst, "min_gap_between_requests_s": round(gap, 4),
        "delivered": len(delivered), "missed": len(set(site.pages) - set(delivered)),
        "duplicated": len(delivered) - len(set(delivered)),
    }, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--hosts", type=int, default=5)
    ap.add_argument("--rate", type=float, default=20.0, help="requests per second per host")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kill-at", type=float, default=0.5, help="kill the watcher when this share of items is stored")
    ap.add_argument("--no-baseline", action="store_true", help="skip the bare spaCy floor")
    ap.add_argument("--collect-only", action="store_true",
                    help="run the watcher in this process with no analysis (the pages are counted, not ingested), "
                         "stopped half-way and restarted: the collection path alone at full scale")
    args = ap.parse_args()
    if args.collect_only:
        collect_only(args)
        return

    site = Site(args.hosts, args.feeds, args.items)
    site.start()
    work = Path(tempfile.mkdtemp(prefix="nt-watch-bench-"))
    db = work / "watch.db"
    (work / "sources.yaml").write_text(
        "sources:\n" + "".join(f"  - url: {u}\n    interval: 1h\n" for u in site.feeds), encoding="utf-8")
    env = {**os.environ, "NEWSTRACE_ALLOW_HOSTS": "127.0.0.0/8", "NEWSTRACE_HOST_RATE": str(args.rate),
           "NEWSTRACE_HOST_CONCURRENCY": "2"}
    cmd = [sys.executable, "-c", "from newstrace.cli import main; main()", "watch", str(work / "sources.yaml"),
           "--db", str(db), "--once", "--workers", str(args.workers), "--batch-size", "32", "-q"]

    t0 = time.perf_counter()
    first = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    target = int(args.items * args.kill_at)
    killed_at = None
    while first.poll() is None:
        n = stored(db)
        if n >= target:
            first.send_signal(signal.SIGKILL)
            first.wait()
            killed_at = n
            break
        time.sleep(0.2)
    second = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if second.returncode not in (0, 1):
        print(second.stderr[-2000:], file=sys.stderr)

    with sqlite3.connect(db) as c:
        articles = c.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        urls = c.execute("SELECT COUNT(DISTINCT url) FROM articles").fetchone()[0]
        status = dict(c.execute("SELECT status, COUNT(*) FROM watch_items GROUP BY status").fetchall())
        failed_docs = c.execute("SELECT COUNT(*) FROM documents WHERE status='failed'").fetchone()[0]
    listed = set(site.pages)
    missed = args.items - urls
    refetched = sum(1 for u in listed if site.page_hits.get(u, 0) > 1)
    worst, gap = rate_report(site.hits)
    floor = args.items / (args.hosts * args.rate)

    baseline = None
    if not args.no_baseline:
        import spacy

        from newstrace.analyze.pipeline import DEFAULT_MODELS

        nlp = None
        for name in DEFAULT_MODELS:
            try:
                nlp = spacy.load(name)
                break
            except OSError:
                continue
        b0 = time.perf_counter()
        for _ in nlp.pipe(site.texts, batch_size=64):
            pass
        baseline = time.perf_counter() - b0
    site.close()

    result = {
        "feeds": args.feeds, "items": args.items, "hosts": args.hosts, "rate_limit_per_host": args.rate,
        "workers": args.workers, "killed_after_stored": killed_at,
        "time_to_caught_up_s": round(elapsed, 1),
        "politeness_floor_s": round(floor, 1),
        "bare_spacy_same_texts_s": round(baseline, 1) if baseline is not None else None,
        "max_requests_in_any_1s_per_host": worst, "min_gap_between_requests_s": round(gap, 4),
        "articles": articles, "distinct_urls": urls, "missed": missed, "duplicated": articles - urls,
        "pages_fetched_twice": refetched, "items_by_status": status, "failed_documents": failed_docs,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
