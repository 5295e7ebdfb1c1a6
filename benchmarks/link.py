"""Link at scale: time and peak memory of a full link and of an incremental link, and recall of planted copies.

    .venv/bin/python benchmarks/link.py /work/shared/data/corpora/voa/voa_stories.jsonl [--sizes 10000,30000,100000]

Builds synthetic corpora from a JSONL of real articles (field ``text``): each background article is a sequence of
sentences, each spliced from three to five runs of 3-8 words of different real sentences, so background articles
share only short phrases, never passages (a corpus of 89 articles recombined into 100,000 would otherwise share
whole sentences everywhere). Among them it plants copies of known origin:

* ``duplicate``: an article republished by its own outlet with a correction line appended,
* ``syndicated``: an article republished by another outlet with a new first line and a few words changed,
* ``excerpt``: three consecutive sentences of an article pasted into another outlet's background article.

Articles are stored with empty analyses (the benchmark measures linking, not spaCy), unless ``--events``: then each
background article opens with a sentence reporting one of ``size / 8`` synthetic happenings (an actor meets or
attacks a target in a place on a day; invented names), with the matching entities, place and event in its analysis,
so that stories, rewrites and claim-level corroboration run over about eight reports per happening. For each size it runs a full
link in a fresh process (time, peak RSS) and, on the largest, adds 1,000 new articles (with planted copies of old
ones) and runs an incremental link. Recall is the share of planted (copy, origin) pairs found with that direction.

Baselines in the same run: a whole-document MinHash-LSH (datasketch ``MinHashLSH``, 128 permutations, threshold
0.5, word 3-shingles, in memory) over the same articles, which is the usual near-duplicate detector; and the
spaCy tokenizer alone (``nlp.make_doc``) over the same texts, the floor of any spaCy-based pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SENT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“])")
EPOCH = date(2030, 1, 1)


def sentences(path: Path) -> list[list[str]]:
    """The sentences (as word lists) of every article's text in the JSONL file."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                text = json.loads(line).get("text") or ""
            except json.JSONDecodeError:
                continue
            out.extend(s.split() for s in SENT.split(text) if len(s.split()) >= 8)
    return out


class Synth:
    """Synthetic articles from spliced real sentences, and the planted copies among them."""

    def __init__(self, pool: list[list[str]], seed: int) -> None:
        self.pool = pool
        self.rng = random.Random(seed)
        self.outlets = [f"outlet{i:03d}.com" for i in range(300)]

    def sentence(self) -> str:
        """A sentence of three to five runs of 3-8 words, each from another real sentence."""
        words: list[str] = []
        for _ in range(self.rng.randint(3, 5)):
            src = self.rng.choice(self.pool)
            n = self.rng.randint(3, 8)
            i = self.rng.randint(0, max(0, len(src) - n))
            words += src[i : i + n]
        return " ".join(words)

    def paragraphs(self) -> list[str]:
        return [" ".join(self.sentence() for _ in range(self.rng.randint(2, 4))) for _ in range(self.rng.randint(4, 7))]

    def name(self, words: int) -> str:
        """An invented name of letters only (so wordfreq knows none of its words)."""
        syl = ["var", "kes", "lin", "dor", "mab", "tul", "ren", "osk", "bel", "zan", "mir", "tor", "quel", "sav",
               "pra", "gut", "hil", "nek", "bro", "das", "fen", "jor", "lum", "vic", "wex", "yat", "zor", "cal"]
        # four syllables of 28: 600,000 words, so two happenings rarely share a name word by chance
        return " ".join("".join(self.rng.choice(syl) for _ in range(4)).capitalize() for _ in range(words))

    def happenings(self, n: int) -> None:
        """``n`` happenings: (PLOVER type, verb, actor, target, place, day)."""
        self.events = [(t, v, self.name(2), self.name(1) + " Council", self.name(1), self.rng.randint(0, 300))
                       for t, v in (self.rng.choice([("CONSULT", "met"), ("ASSAULT", "attacked")]) for _ in range(n))]

    def background(self, n: int, day: int) -> dict:
        doc = {"text": "\n\n".join(self.paragraphs()) + f"\n\n(ref {n})", "outlet": self.rng.choice(self.outlets),
               "day": day}
        if getattr(self, "events", None):
            h = self.rng.choice(self.events)
            doc["text"] = f"{h[2]} {h[1]} the {h[3]} in {h[4]} on Monday, officials said.\n\n" + doc["text"]
            doc["day"], doc["event"] = h[5] + self.rng.randint(0, 1), h
        return doc

    def plant(self, origin: dict, kind: str, n: int) -> dict:
        """A copy of ``origin`` of the given kind, published a day later."""
        paras = origin["text"].split("\n\n")
        if kind == "duplicate":
            text = origin["text"] + f"\n\nCorrection {n}: an earlier version of this article misstated a date."
            outlet = origin["outlet"]
        elif kind == "syndicated":
            words = origin["text"].split(" ")
            for _ in range(3):
                k = self.rng.randrange(len(words))
                words[k] = words[k].upper()
            text = f"Republished {n} with permission.\n\n" + " ".join(words)
            outlet = self.rng.choice([o for o in self.outlets if o != origin["outlet"]])
        else:
            body = [p for p in paras if len(p.split()) >= 45] or paras
            passage = self.rng.choice(body)
            host = self.paragraphs()
            host.insert(len(host) // 2, passage)
            text = "\n\n".join(host) + f"\n\n(ref x{n})"
            outlet = self.rng.choice([o for o in self.outlets if o != origin["outlet"]])
        return {"text": text, "outlet": outlet, "day": origin["day"] + 1, "event": origin.get("event")}


def build(db: Path, synth: Synth, n: int, plant_rate: float, start: int = 0) -> list[tuple[int, int, str]]:
    """Store ``n`` articles (background plus planted copies); returns the planted (copy_seq, origin_seq, kind)."""
    from newstrace.model import Analysis, Article, article_id
    from newstrace.store.sqlite import Store

    kinds = ("duplicate", "syndicated", "excerpt")
    planted: list[tuple[int, int, str]] = []
    with Store(db) as store:
        existing = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        docs: list[dict] = []
        for i in range(n):
            if (docs or existing) and synth.rng.random() < plant_rate:
                if existing and (not docs or synth.rng.random() < 0.5):
                    origin_seq = synth.rng.randint(1, existing)
                    row = store.conn.execute("SELECT text, url, published FROM articles WHERE seq=?",
                                             (origin_seq,)).fetchone()
                    origin = {"text": row[0], "outlet": row[1].split("/")[2].removeprefix("www."),
                              "day": (date.fromisoformat(row[2]) - EPOCH).days}
                else:
                    k = synth.rng.randrange(len(docs))
                    origin, origin_seq = docs[k], existing + k + 1
                kind = kinds[len(planted) % 3]
                doc = synth.plant(origin, kind, start + i)
                planted.append((existing + len(docs) + 1, origin_seq, kind))
            else:
                doc = synth.background(start + i, day=synth.rng.randint(0, 300))
            docs.append(doc)
        with store.transaction():
            for k, d in enumerate(docs):
                published = (EPOCH + timedelta(days=d["day"])).isoformat()
                art = Article(id=article_id(d["text"]), url=f"https://www.{d['outlet']}/a/{start + k}", outlet=None,
                              title=None, byline=None, published=published, tags=[], language="en", text=d["text"])
                assert store.add_article(art, analysis_of(d)), "synthetic texts are unique"
    return planted


def analysis_of(doc: dict):  # noqa: ANN201 - Analysis
    """The analysis of a synthetic article: empty, or its happening's entities, place and event."""
    import zlib

    from newstrace.model import Analysis, Entity, Event, Evidence, Place, Source

    h = doc.get("event")
    if not h or not doc["text"].startswith(h[2]):
        return Analysis()
    etype, verb, actor, target, place, _ = h
    text = doc["text"]
    end = text.index(".") + 1
    ents = [Entity(id="e1", name=actor, type="PERSON", mentions=[[0, len(actor)]]),
            Entity(id="e2", name=target, type="ORG", mentions=[[text.index(target), text.index(target) + len(target)]])]
    places = [Place(id="p1", name=place, country="VLR", geonameid=zlib.crc32(place.encode()) % 10_000_000)]
    ev = Event(id="v1", type=etype, mode=None, cameo=None, actor="e1", target="e2", place="p1", date=None,
               modality="asserted", evidence=Evidence(0, end, text[:end]), source=Source(kind="anonymous"),
               actor_text=actor, target_text=target)
    return Analysis(entities=ents, places=places, events=[ev])


def run_link(db: Path, since: int) -> dict:
    """Link in a fresh process; returns its summary, seconds and peak RSS (MiB)."""
    code = ("import json,resource,sys,time\n"
            "from newstrace.store.sqlite import Store\nfrom newstrace.link import link_store\n"
            "t=time.perf_counter()\ns=Store(sys.argv[1])\nsm=link_store(s, int(sys.argv[2]))\ns.close()\n"
            "print(json.dumps({'summary': sm, 'seconds': time.perf_counter()-t,"
            " 'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024}))")
    res = subprocess.run([sys.executable, "-c", code, str(db), str(since)], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def recall(db: Path, planted: list[tuple[int, int, str]], every: list[tuple[int, int, str]] | None = None) -> dict:
    """Share of planted (copy, origin) pairs found in this direction, per kind, and how often the kind matched.

    ``unplanted_links`` counts links that are no planted pair (of ``every`` run so far): false links, or a copy
    linked to another copy of its origin (both are true reuse; the latter is expected).
    """
    import sqlite3

    conn = sqlite3.connect(db)
    ids = dict(conn.execute("SELECT seq, id FROM articles"))
    found = {(c, o): k for c, o, k in conn.execute("SELECT copy_id, origin_id, kind FROM reuse_links")}
    planted_pairs = {(ids[c], ids[o]) for c, o, _ in (every or planted)}
    copies = {a for pair in planted_pairs for a in pair}
    out: dict = {"links": len(found), "unplanted_links": sum(1 for p in found if p not in planted_pairs),
                 # links between two articles that are in no planted pair: false links
                 "background_links": sum(1 for c, o in found if c not in copies and o not in copies)}
    for kind in ("duplicate", "syndicated", "excerpt", "all"):
        rows = [(c, o, k) for c, o, k in planted if kind in ("all", k)]
        hit = [found.get((ids[c], ids[o])) for c, o, _ in rows]
        out[kind] = {"planted": len(rows), "recall": round(sum(h is not None for h in hit) / max(len(rows), 1), 4),
                     "kind_ok": round(sum(h == k for h, (_, _, k) in zip(hit, rows)) / max(len(rows), 1), 4)}
    conn.close()
    return out


def baseline_lsh(db: Path, planted: list[tuple[int, int, str]]) -> dict:
    """Whole-document MinHash-LSH (datasketch, in memory): time, peak RSS growth and recall of the planted pairs."""
    import sqlite3

    from datasketch import MinHash, MinHashLSH

    conn = sqlite3.connect(db)
    t = time.perf_counter()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    pairs: set[tuple[int, int]] = set()
    for seq, text in conn.execute("SELECT seq, text FROM articles ORDER BY seq"):
        words = text.casefold().split()
        sh = {" ".join(words[i : i + 3]).encode() for i in range(max(len(words) - 2, 1))}
        m = MinHash(num_perm=128)
        m.update_batch(sh)
        for other in lsh.query(m):
            pairs.add((min(seq, other), max(seq, other)))
        lsh.insert(seq, m)
    secs = time.perf_counter() - t
    conn.close()
    rows = {k: [(c, o) for c, o, kk in planted if k in ("all", kk)] for k in ("duplicate", "syndicated", "excerpt", "all")}
    return {"seconds": round(secs, 1), "peak_growth_mib": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024, 1),
            **{k: round(sum((min(c, o), max(c, o)) in pairs for c, o in v) / max(len(v), 1), 4) for k, v in rows.items()}}


def baseline_tokenizer(db: Path) -> float:
    """Seconds the bare spaCy tokenizer takes over the same texts."""
    import sqlite3

    from newstrace.analyze.pipeline import resolve_model_name
    import spacy

    nlp = spacy.load(resolve_model_name(), exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"])
    conn = sqlite3.connect(db)
    t = time.perf_counter()
    for (text,) in conn.execute("SELECT text FROM articles"):
        nlp.make_doc(text)
    conn.close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--incremental", type=int, default=1000)
    ap.add_argument("--plant-rate", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--events", action="store_true", help="give articles synthetic events (stories and claims run)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--baseline-max", type=int, default=30000,
                    help="Run the whole-document LSH baseline on sizes up to this many articles.")
    args = ap.parse_args()
    pool = sentences(args.jsonl)
    if not pool:
        sys.exit(f"no sentences in {args.jsonl}")
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="nt-linkbench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {len(pool)} real sentences from {args.jsonl}; work dir {work}", file=sys.stderr)
    results = []
    for size in sizes:
        db = work / f"link-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        synth = Synth(pool, args.seed + size)
        if args.events:
            synth.happenings(max(1, size // 8))
        t = time.perf_counter()
        planted = build(db, synth, size, args.plant_rate)
        built = time.perf_counter() - t
        full = run_link(db, 0)
        row = {"size": size, "events": args.events, "build_s": round(built, 1), "full_s": round(full["seconds"], 1),
               "full_peak_mib": round(full["peak_mib"], 1), "per_article_ms": round(1000 * full["seconds"] / size, 2),
               "recall": recall(db, planted), "summary": full["summary"]}
        if size <= args.baseline_max:
            row["baseline_whole_doc_lsh"] = baseline_lsh(db, planted)
        if size == min(sizes):
            tok = baseline_tokenizer(db)
            row["spacy_tokenizer_s"] = round(tok, 1)
            row["link_vs_tokenizer"] = round(full["seconds"] / tok, 2)
        if size == max(sizes) and args.incremental:
            mark = size
            new_planted = build(db, synth, args.incremental, 0.1, start=size)
            inc = run_link(db, mark)
            row["incremental"] = {"new": args.incremental, "seconds": round(inc["seconds"], 2),
                                  "peak_mib": round(inc["peak_mib"], 1),
                                  "share_of_full": round(inc["seconds"] / full["seconds"], 4),
                                  "summary": inc["summary"],
                                  "recall": recall(db, new_planted, planted + new_planted)}
        results.append(row)
        print(json.dumps(row), flush=True)
        if not os.environ.get("KEEP_DB"):
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
