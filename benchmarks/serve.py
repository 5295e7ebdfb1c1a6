"""Serve benchmark: requests/s and p50/p99 latency of the article, story and search endpoints of
``newstrace serve`` over a store of >= 10k articles, idle and while an ingest writes into the same database.

    .venv/bin/python benchmarks/serve.py /work/shared/data/corpora/voa/voa_stories.jsonl [--articles 10000]

The store is generated quickly, not analysed: each article's text recombines the sentences of a few VOA stories
(a fixed random seed), its analysis is simple (capitalised name runs as entities, the first sentence as one event,
quoted passages as quotes), and stories of five reports each, with copy links, are written straight into the link
tables. The server runs as ``newstrace serve`` in its own process; the load comes from threads in this one.

The baselines, computed in the same run: the same query answered in-process by ``server.queries.Reader`` (no
HTTP, no JSON), and the "http floor" (``/healthz``, a constant answer through the same HTTP stack); between them
they say what the database costs and what serving adds. The writer phase adds articles
in transactions of 50 from another process while readers run: every request must still answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.model import (Analysis, Article, Entity, Event, Evidence, Quote, Source,  # noqa: E402
                             article_id)
from newstrace.store.sqlite import Store  # noqa: E402

SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3}\b")
QUOTE = re.compile(r"[\"“]([^\"”]{20,400})[\"”]")
STOP_NAMES = {"The", "A", "An", "In", "On", "It", "He", "She", "They", "But", "And", "This", "That", "We", "I"}
OUTLETS = [f"outlet{i:02d}.example" for i in range(40)]


def load_voa(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def simple_analysis(text: str) -> Analysis:
    """Entities from capitalised runs, one event from the first sentence, quotes from quotation marks."""
    ents: dict[str, Entity] = {}
    for m in NAME.finditer(text):
        if m.group() in STOP_NAMES:
            continue
        e = ents.get(m.group())
        if e is None:
            if len(ents) >= 40:
                continue
            e = ents[m.group()] = Entity(f"e{len(ents) + 1}", m.group(), "PERSON" if " " in m.group() else "ORG")
        e.mentions.append([m.start(), m.end()])
    first = SENT.split(text, 1)[0]
    actors = list(ents.values())
    events = [Event("v1", "CONSULT", None, None, actors[0].id if actors else None,
                    actors[1].id if len(actors) > 1 else None, None, None, "asserted",
                    Evidence(0, len(first), first), Source("author"))]
    quotes = [Quote(f"q{i + 1}", None, None, "said", m.group(1), m.start(), m.end(), True)
              for i, m in enumerate(QUOTE.finditer(text)) if i < 20]
    return Analysis(entities=actors, events=events, quotes=quotes)


def build_store(db: Path, voa: list[dict[str, Any]], n: int, seed: int = 7) -> dict[str, Any]:
    """Write ``n`` recombined articles with simple analyses, and stories over them when link tables exist."""
    rng = random.Random(seed)
    sentences = [SENT.split(s["text"]) for s in voa]
    t0 = time.perf_counter()
    ids: list[str] = []
    with Store(db) as store:
        for start in range(0, n, 500):
            with store.transaction():
                for i in range(start, min(n, start + 500)):
                    base = i % len(voa)
                    parts = sentences[base][: rng.randint(4, 12)]
                    for other in rng.sample(range(len(voa)), 2):
                        parts += rng.sample(sentences[other], min(3, len(sentences[other])))
                    title = f"{voa[base]['title']} ({i})"
                    body = "\n\n".join(" ".join(parts[j:j + 3]) for j in range(0, len(parts), 3))
                    text = f"{title}\n\n{body}"
                    aid = article_id(text)
                    day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
                    art = Article(aid, f"https://{OUTLETS[i % 40]}/{i}", OUTLETS[i % 40], title, voa[base].get("author"),
                                  day, [], "en", text, meta={"body_start": len(title) + 2})
                    if store.add_article(art, simple_analysis(text)):
                        ids.append(aid)
        stories = 0
        if "stories" in {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}:
            with store.transaction():
                for k in range(0, len(ids) - 5, 5):
                    sid = f"bench{k // 5:05d}"
                    group = ids[k:k + 5]
                    store.conn.execute(
                        "INSERT OR REPLACE INTO stories(id, type, family, actors, place, first_seen, last_seen, headline,"
                        " reports, independent_outlets, verdict) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (sid, "CONSULT", "consult", json.dumps([{"key": "name:Bench", "name": "Bench"}]), None,
                         "2025-01-01", "2025-01-05", f"benchmark story {k // 5}", 5, 3, "corroborated"))
                    for j, aid in enumerate(group):
                        copied = group[0] if j >= 3 else None
                        store.conn.execute(
                            "INSERT OR REPLACE INTO story_reports(story_id, article_id, seq, outlet, published,"
                            " copied_from, stance) VALUES (?,?,?,?,?,?,?)",
                            (sid, aid, k + j, OUTLETS[(k + j) % 40], f"2025-01-0{j + 1}", copied, "asserts"))
                        store.conn.execute(
                            "INSERT OR REPLACE INTO story_members(story_id, article_id, event_id, modality)"
                            " VALUES (?,?,?,?)", (sid, aid, "v1", "asserted"))
                        if copied:
                            store.conn.execute(
                                "INSERT OR REPLACE INTO reuse_links(copy_id, origin_id, kind, containment_copy,"
                                " containment_origin, shared_words, direction_by) VALUES (?,?,?,?,?,?,?)",
                                (aid, copied, "syndicated", 0.9, 0.9, 300, "published"))
                    stories += 1
    return {"articles": len(ids), "stories": stories, "seconds": round(time.perf_counter() - t0, 1), "ids": ids}


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def load(base: str, paths: list[str], seconds: float, threads: int) -> dict[str, Any]:
    """Hit ``paths`` (round-robin per thread) for ``seconds`` from ``threads`` threads; latencies in ms."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        mine, errs = [], []
        with httpx.Client(base_url=base, timeout=30) as c:
            i = offset
            while time.perf_counter() < stop:
                path = paths[i % len(paths)]
                i += threads
                t = time.perf_counter()
                try:
                    r = c.get(path)
                    ok = r.status_code == 200
                    if not ok:
                        errs.append(f"{r.status_code} {path}")
                except httpx.HTTPError as exc:
                    errs.append(f"{type(exc).__name__} {path}")
                mine.append((time.perf_counter() - t) * 1000)
        with lock:
            lat.extend(mine)
            errors.extend(errs)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    return {"requests": len(lat), "rps": round(len(lat) / wall, 1), "p50_ms": round(percentile(lat, 0.5), 2),
            "p99_ms": round(percentile(lat, 0.99), 2), "errors": len(errors), "error_samples": errors[:5]}


def baseline(db: Path, kind: str, items: list[str], n: int = 300) -> dict[str, Any]:
    """The same lookups in-process through ``Reader`` (no HTTP): per-call latency in ms."""
    from newstrace.server.queries import Reader

    r = Reader(db)
    lat = []
    for i in range(n):
        x = items[i % len(items)]
        t = time.perf_counter()
        if kind == "article":
            r.article(x)
            r.stories(limit=200, offset=0, article=x)
            r.reuse_of(x)
        elif kind == "story":
            r.story(x)
        else:
            r.search(x, limit=50, offset=0)
        lat.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(percentile(lat, 0.5), 2), "p99_ms": round(percentile(lat, 0.99), 2),
            "per_s_one_thread": round(1000 / statistics.mean(lat), 1)}


def writer(db: str, seconds: float) -> None:
    """Add articles in transactions of 50 until ``seconds`` pass (run in a separate process)."""
    from newstrace.model import Analysis as _A

    n = 0
    stop = time.perf_counter() + seconds
    with Store(db) as store:
        while time.perf_counter() < stop:
            with store.transaction():
                for _ in range(50):
                    text = f"Writer article {n} at {time.time()}: the port authority met the ferry union again."
                    store.add_article(Article(article_id(text), None, "writer.example", f"Writer {n}", None,
                                              "2025-06-01", [], "en", text), _A())
                    n += 1
            time.sleep(0.01)
    print(n)


def start_server(db: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("newstrace")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("voa", type=Path, help="voa_stories.jsonl")
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=8.0, help="load time per endpoint and phase")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--db", type=Path, default=None, help="store to build (default: a temporary file)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--json", type=Path, default=None, help="write the results here too")
    ap.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.writer:
        writer(str(args.db), args.seconds)
        return
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "serve-bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    voa = load_voa(args.voa)
    built = build_store(db, voa, args.articles)
    ids = built.pop("ids")
    print(f"store: {built['articles']} articles, {built['stories']} stories in {built['seconds']}s -> {db}",
          file=sys.stderr)
    rng = random.Random(11)
    art_ids = rng.sample(ids, min(500, len(ids)))
    story_ids = [f"bench{k:05d}" for k in rng.sample(range(built["stories"]), min(300, built["stories"]))] \
        if built["stories"] else []
    words = sorted({w.lower() for s in voa[:40] for w in re.findall(r"\b[A-Za-z]{6,}\b", s["title"])})
    queries = [w if i % 3 else f'"{w}" OR {words[(i * 7) % len(words)]}' for i, w in enumerate(words)]
    endpoints = {
        # the floor: the same HTTP stack answering a constant, no database
        "http floor": ["/healthz"],
        "article": [f"/api/articles/{a}" for a in art_ids],
        "article page": [f"/articles/{a}" for a in art_ids],
        "story": [f"/api/stories/{s}" for s in story_ids],
        "story page": [f"/stories/{s}" for s in story_ids],
        "search": [f"/api/search?q={httpx.QueryParams({'q': q})['q']}" for q in queries],
    }
    base_items = {"article": art_ids, "story": story_ids, "search": queries}
    results: dict[str, Any] = {"store": built, "threads": args.threads, "seconds": args.seconds, "endpoints": {}}
    proc = start_server(db, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for name, paths in endpoints.items():
            if not paths:
                continue
            row: dict[str, Any] = {"idle": load(base, paths, args.seconds, args.threads)}
            w = subprocess.Popen([sys.executable, __file__, str(args.voa), "--writer", "--db", str(db),
                                  "--seconds", str(args.seconds)], stdout=subprocess.PIPE, text=True)
            row["during_ingest"] = load(base, paths, args.seconds, args.threads)
            out, _ = w.communicate(timeout=args.seconds + 60)
            row["during_ingest"]["articles_written"] = int(out.strip() or 0)
            kind = name.split()[0]
            if " " not in name:
                row["baseline_in_process"] = baseline(db, kind, base_items[kind])
                row["http_over_baseline_p50"] = round(row["idle"]["p50_ms"] / max(row["baseline_in_process"]["p50_ms"], 1e-3), 1)
            results["endpoints"][name] = row
            print(f"{name:13s} idle {row['idle']['rps']:7.1f} req/s p50 {row['idle']['p50_ms']:7.2f} ms "
                  f"p99 {row['idle']['p99_ms']:7.2f} ms | during ingest {row['during_ingest']['rps']:7.1f} req/s "
                  f"p50 {row['during_ingest']['p50_ms']:7.2f} p99 {row['during_ingest']['p99_ms']:7.2f} ms, "
                  f"{row['during_ingest']['articles_written']} written | errors "
                  f"{row['idle']['errors'] + row['during_ingest']['errors']}"
                  + (f" | in-process p50 {row['baseline_in_process']['p50_ms']} ms" if "baseline_in_process" in row
                     else ""), file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    errors = sum(r[p]["errors"] for r in results["endpoints"].values() for p in ("idle", "during_ingest"))
    results["errors"] = errors
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    tmp.cleanup()
    if errors:
        raise SystemExit(f"{errors} requests failed")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
