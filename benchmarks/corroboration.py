"""Corroboration on a written corpus: claim verdicts, independent-outlet counts, copy detection, stories (issue 15).

    .venv/bin/python benchmarks/corroboration.py benchmarks/corroboration [--json out.json] [--keep db]

The corpus (``CORPUS_DIR/documents``: news pages, plain-text scrapes, a JSONL dump) and its gold
(``CORPUS_DIR/gold.yaml``: each article's event, the events' key claims with verdict and number of independent
outlets, the copy pairs, the exclusive claims) were written for newstrace; see the gold file's header.

Every document is ingested into a fresh temporary SQLite store with the real pipeline (``newstrace.ingest.ingest``:
collection, extraction, spaCy analysis) and linked (``newstrace.link.link_store``). Scores:

(a) claim-verdict accuracy. A gold claim names the article and a distinctive substring of the sentence that
    states it; its system claim is the one whose ``claim_reports`` include an event of that article whose evidence
    overlaps the substring, preferring the role ``asserts`` (then opinion, second-hand, copy, denies), then the most
    specific claim (qualifiers and counterparts), then the most reported. No such claim: verdict "missing".
(b) independent-outlet count: mean absolute error and exact-match share against the gold count.
(c) copy detection: precision and recall of the ``reuse_links`` pairs (copy, origin, any kind) against the gold
    pairs, unordered; recall on the rewrite pairs alone; among found directed pairs, the share with the right
    direction, and the share with the right kind. Two files whose extracted texts are identical are stored as one
    article at ingest (``documents.status = duplicate``); such a gold pair counts as found, with its kind and
    direction right only for a same-outlet duplicate.
(d) exclusive claims (gold) that come out corroborated (target 0), and system claims flagged exclusive and
    corroborated.
(e) story grouping: B-cubed precision/recall/F1 of each article's main story (the story holding most of its
    events, then its earliest) against the gold event labels.

Baseline in the same run: stories = TF-IDF (log tf, smoothed idf) single-pass clusters of the stored article texts
(each joins the cluster of its most similar earlier article when the cosine reaches the threshold), outlets =
distinct domains in the claim article's cluster (no copy detection; an article without a URL counts as a source
of its own), verdict = corroborated with 2 or more domains, else single-source. The threshold is the best of
several on this very corpus for B-cubed F1 (an optimistic baseline). Timing: the seconds spent in copy detection
(``link.reuse.index_new``, ``link.reuse.link_reuse`` and ``link.paraphrase.link_rewrites``), per 1,000 articles.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tfidf import single_pass, vectors

import yaml

ROLE_RANK = {"asserts": 0, "opinion": 1, "second-hand": 2, "copy": 3, "denies": 4}
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u2019", "'")).strip().casefold()


# -- ingest and link --------------------------------------------------------------------------------------------------

def build(corpus: Path, db: Path, gold: dict) -> tuple[dict[str, Any], dict[str, float]]:
    """Ingest every document of the corpus into ``db`` and link it; returns the link summary and timings."""
    import newstrace.link.paraphrase as paraphrase
    import newstrace.link.reuse as reuse
    from newstrace.ingest import ingest
    from newstrace.link import link_store
    from newstrace.store.sqlite import Store

    timings: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                out = fn(*args, **kwargs)
                if hasattr(out, "__next__"):  # a generator: time its consumption
                    out = list(out)
                return out
            finally:
                timings[name] += time.perf_counter() - t0
        return wrapper

    files = sorted({k.split("#", 1)[0] for k in gold["articles"]})
    paths = [str(corpus / "documents" / f) for f in files]
    t0 = time.perf_counter()
    with Store(db) as store:
        stats = ingest(paths, store)
        timings["ingest"] = time.perf_counter() - t0
        orig = (reuse.index_new, reuse.link_reuse, paraphrase.link_rewrites)
        reuse.index_new = timed("reuse", reuse.index_new)
        reuse.link_reuse = timed("reuse", reuse.link_reuse)
        paraphrase.link_rewrites = timed("rewrites", paraphrase.link_rewrites)
        try:
            summary = link_store(store, 0)
        finally:
            reuse.index_new, reuse.link_reuse, paraphrase.link_rewrites = orig
    summary["ingest"] = stats.as_dict()
    return summary, dict(timings)


def doc_articles(conn: sqlite3.Connection, gold: dict) -> dict[str, str]:
    """Gold document key (file name, or file#Ln) -> stored article id."""
    out = {}
    rows = conn.execute("SELECT uri, article_id FROM documents WHERE article_id IS NOT NULL").fetchall()
    for uri, aid in rows:
        name = uri.rsplit("/", 1)[-1]
        out[name] = aid
    missing = [k for k in gold["articles"] if k not in out]
    if missing:
        print(f"warning: {len(missing)} documents not stored: {', '.join(missing)}", file=sys.stderr)
    return out


# -- the system's answers ---------------------------------------------------------------------------------------------

def main_stories(conn: sqlite3.Connection) -> dict[str, str]:
    """Article id -> its main story: the story with most of its events, then the one with its earliest event."""
    rows = conn.execute("SELECT m.article_id, m.story_id, COUNT(*), MIN(COALESCE(v.ev_start, 1e9))"
                        " FROM story_members m LEFT JOIN occurrences v ON v.article_id=m.article_id AND v.id=m.event_id"
                        " GROUP BY m.article_id, m.story_id").fetchall()
    best: dict[str, tuple] = {}
    for aid, sid, n, first in rows:
        key = (-n, first, sid)
        if aid not in best or key < best[aid][0]:
            best[aid] = (key, sid)
    return {aid: sid for aid, (_, sid) in best.items()}


def system_claim(conn: sqlite3.Connection, aid: str, evidence: str) -> dict | None:
    """The system claim stated by the event of article ``aid`` whose evidence holds ``evidence``."""
    text = conn.execute("SELECT text FROM articles WHERE id=?", (aid,)).fetchone()[0]
    ev = fold(evidence)
    events = conn.execute("SELECT id, ev_start, ev_end, ev_text FROM occurrences WHERE article_id=?", (aid,)).fetchall()
    hits = {e for e, _, _, t in events if t and ev in fold(t)}
    triggers = dict(conn.execute("SELECT id, trigger FROM occurrences WHERE article_id=?", (aid,)).fetchall())
    if not hits:
        # the evidence span in the text: events whose sentence overlaps it
        pos = fold(text).find(ev)
        if pos < 0:
            pos = text.replace("\u2019", "'").casefold().find(evidence.casefold())
        if pos >= 0:
            end = pos + len(ev)
            hits = {e for e, s, t, _ in events if s is not None and t is not None and s < end and t > pos}
    if not hits:
        return None
    q = ",".join("?" * len(hits))
    rows = conn.execute(
        f"SELECT c.id, c.verdict, c.independent_outlets, c.exclusive, c.qualifiers, c.target, c.reports, r.role,"
        f" c.label, c.type, c.why, c.story_id FROM claim_reports r JOIN claims c ON c.id=r.claim_id"
        f" WHERE r.article_id=? AND r.event_id IN ({q})", (aid, *sorted(hits))).fetchall()
    if not rows:
        return None

    def at(event_id: str) -> int:
        """Where the event's word stands in the gold substring (the claim the substring points at is the one whose
        word it holds, first: "detained a man on suspicion of starting the wildfire" is the detention)."""
        words = fold(triggers.get(event_id) or "").split()
        pos = ev.find(words[0]) if words else -1
        return pos if pos >= 0 else 10**6

    first_word: dict[str, int] = {}
    for cid, event_id in conn.execute(f"SELECT claim_id, event_id FROM claim_reports WHERE article_id=?"
                                      f" AND event_id IN ({q})", (aid, *sorted(hits))):
        first_word[cid] = min(first_word.get(cid, 10**6), at(event_id))

    def rank(r):
        quals = len(json.loads(r[4] or "[]"))
        return (ROLE_RANK.get(r[7], 9), first_word.get(r[0], 10**6), -(quals + (1 if r[5] else 0)), -r[6], r[0])

    r = sorted(rows, key=rank)[0]
    return {"id": r[0], "verdict": r[1], "outlets": r[2], "exclusive": bool(r[3]), "role": r[7], "label": r[8],
            "type": r[9], "why": r[10], "story": r[11]}


# -- the baseline -----------------------------------------------------------------------------------------------------

def tfidf(texts: list[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors of whole articles (the baseline's stories)."""
    return vectors(texts)


def domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).netloc.casefold()
    return host[4:] if host.startswith("www.") else host or None


# -- scores -----------------------------------------------------------------------------------------------------------

def bcubed(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    items = list(gold)
    gc, pc = defaultdict(set), defaultdict(set)
    for i in items:
        gc[gold[i]].add(i)
        pc[pred[i]].add(i)
    p = sum(len(gc[gold[i]] & pc[pred[i]]) / len(pc[pred[i]]) for i in items) / len(items)
    r = sum(len(gc[gold[i]] & pc[pred[i]]) / len(gc[gold[i]]) for i in items) / len(items)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def run(corpus: Path, keep: Path | None, scored: Path | None = None) -> dict[str, Any]:
    gold = yaml.safe_load((corpus / "gold.yaml").read_text(encoding="utf-8"))
    tmp = tempfile.TemporaryDirectory()
    if scored is not None:  # score a store already built from this corpus (no ingest, no link)
        db, summary, timings = scored, {}, {}
    else:
        db = keep or Path(tmp.name) / "corroboration.db"
        if db.exists():
            db.unlink()
        summary, timings = build(corpus, db, gold)
    conn = sqlite3.connect(db)
    art = doc_articles(conn, gold)
    docs = [k for k in gold["articles"] if k in art]
    n_articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    info = {aid: (url, outlet, text, pub) for aid, url, outlet, text, pub in
            conn.execute("SELECT id, url, outlet, text, published FROM articles")}

    # -- system ----
    stories = main_stories(conn)
    sys_story = {k: stories.get(art[k], f"none:{art[k]}") for k in docs}
    claims_out = []
    for c in gold["claims"]:
        got = system_claim(conn, art[c["file"]], c["evidence"]) if c["file"] in art else None
        claims_out.append({"id": c["id"], "gold_verdict": c["verdict"], "gold_outlets": c["outlets"],
                           "verdict": got["verdict"] if got else "missing",
                           "outlets": got["outlets"] if got else 0, "system": got})

    # -- baseline ----
    texts = [info[art[k]][2] for k in docs]
    vecs = tfidf(texts)
    gold_story = {k: gold["articles"][k] for k in docs}
    best = None
    for th in THRESHOLDS:
        labels = single_pass(vecs, th)
        score = bcubed(gold_story, {k: str(lab) for k, lab in zip(docs, labels)})
        if best is None or score["f1"] > best[1]["f1"]:
            best = (th, score, labels)
    base_th, base_b3, base_labels = best
    base_story = {k: str(lab) for k, lab in zip(docs, base_labels)}
    base_claims = []
    for c in gold["claims"]:
        cl = base_story[c["file"]]
        doms = {domain(info[art[k]][0]) or f"file:{k}" for k in docs if base_story[k] == cl}
        base_claims.append({"id": c["id"], "verdict": "corroborated" if len(doms) >= 2 else "single-source",
                            "outlets": len(doms)})

    def claim_scores(rows):
        n = len(rows)
        gmap = {c["id"]: c for c in gold["claims"]}
        ok = sum(r["verdict"] == gmap[r["id"]]["verdict"] for r in rows)
        err = [abs(r["outlets"] - gmap[r["id"]]["outlets"]) for r in rows]
        excl = [r for r in rows if gmap[r["id"]].get("exclusive")]
        found = [r for r in rows if r["verdict"] != "missing"]
        ok_found = sum(r["verdict"] == gmap[r["id"]]["verdict"] for r in found)
        return {"verdict_accuracy": round(ok / n, 3), "verdict_correct": ok, "claims": n,
                "claims_found": len(found), "verdict_accuracy_found": round(ok_found / len(found), 3) if found else 0.0,
                "outlets_mae": round(sum(err) / n, 3), "outlets_exact": round(sum(e == 0 for e in err) / n, 3),
                "exclusive_corroborated": sum(r["verdict"] == "corroborated" for r in excl), "exclusive": len(excl)}

    system = claim_scores(claims_out)
    baseline = claim_scores(base_claims)
    system["exclusive_flagged_corroborated"] = conn.execute(
        "SELECT COUNT(*) FROM claims WHERE exclusive=1 AND verdict='corroborated'").fetchone()[0]
    system["stories_b3"] = bcubed(gold_story, sys_story)
    baseline["stories_b3"] = base_b3
    baseline["threshold"] = base_th

    # -- copy detection ----
    files_of = defaultdict(list)
    for k in docs:
        files_of[art[k]].append(k)
    links = conn.execute("SELECT copy_id, origin_id, kind, direction_by FROM reuse_links").fetchall()
    pred = {frozenset((a, b)): (a, b, kind, how) for a, b, kind, how in links if a in files_of and b in files_of}
    gold_pairs = []
    for p in gold["copies"]:
        if p["copy"] not in art or p["origin"] not in art:
            continue
        gold_pairs.append((art[p["copy"]], art[p["origin"]], p["kind"], p))
    found, merged, right_dir, right_kind, directed, pair_rows = 0, 0, 0, 0, 0, []
    gold_keys = set()
    for c, o, kind, p in gold_pairs:
        if c == o:
            found += 1
            merged += 1
            same_outlet = domain(info[c][0]) is not None and kind == "duplicate"
            right_kind += same_outlet
            if kind != "shared-origin":
                directed += 1
                right_dir += same_outlet
            pair_rows.append({"copy": p["copy"], "origin": p["origin"], "kind": kind, "found": "merged at ingest"})
            continue
        gold_keys.add(frozenset((c, o)))
        hit = pred.get(frozenset((c, o)))
        row = {"copy": p["copy"], "origin": p["origin"], "kind": kind, "found": None}
        if hit:
            found += 1
            right_kind += hit[2] == kind
            row["found"] = {"kind": hit[2], "direction": "right" if hit[0] == c else "reversed", "by": hit[3]}
            if kind != "shared-origin":
                directed += 1
                right_dir += hit[0] == c
        pair_rows.append(row)
    # two republications of one origin share its text: a link between them is neither right nor wrong
    origin_of = {c: o for c, o, kind, _ in gold_pairs if kind in ("duplicate", "syndicated") and c != o}
    co_copies = [key for key, (a, b, _, _) in pred.items()
                 if key not in gold_keys and origin_of.get(a) is not None and origin_of.get(a) == origin_of.get(b)]
    false_pos = [{"copy": files_of[a], "origin": files_of[b], "kind": kind} for key, (a, b, kind, _) in pred.items()
                 if key not in gold_keys and key not in co_copies]
    n_pred = len(pred) - len(co_copies) + merged
    rewrite_gold = [r for r in pair_rows if r["kind"] == "rewrite"]
    copies = {"gold_pairs": len(gold_pairs), "found_pairs": n_pred, "true_positives": found,
              "precision": round(found / n_pred, 3) if n_pred else 0.0,
              "recall": round(found / len(gold_pairs), 3) if gold_pairs else 0.0,
              "rewrite_recall": round(sum(1 for r in rewrite_gold if r["found"]) / len(rewrite_gold), 3)
              if rewrite_gold else None,
              "rewrite_pairs": len(rewrite_gold), "merged_at_ingest": merged, "co_copy_links": len(co_copies),
              "direction_right": f"{right_dir}/{directed}", "kind_right": f"{right_kind}/{found}",
              "pairs": pair_rows, "false_positives": false_pos}
    # baseline: no copy detection at all
    base_copies = {"precision": 0.0, "recall": 0.0, "rewrite_recall": 0.0}

    secs = timings.get("reuse", 0.0) + timings.get("rewrites", 0.0)
    timing = {"articles_stored": n_articles, "ingest_s": round(timings.get("ingest", 0.0), 2),
              "link_s": summary.get("seconds"), "copy_detection_s": round(secs, 3),
              "copy_detection_s_per_1k": round(secs / n_articles * 1000, 2) if n_articles else None}
    conn.close()
    tmp.cleanup()
    return {"corpus": str(corpus), "documents": len(gold["articles"]), "stored_articles": n_articles,
            "events": len(set(gold["articles"].values())), "system": system, "baseline": baseline,
            "copies": copies, "baseline_copies": base_copies, "timing": timing, "link_summary": summary,
            "claims": [{k: v for k, v in r.items()} for r in claims_out],
            "baseline_claims": base_claims}


def report(res: dict[str, Any]) -> None:
    s, b, c = res["system"], res["baseline"], res["copies"]
    print(f"corpus {res['corpus']}: {res['documents']} documents ({res['stored_articles']} stored articles), "
          f"{res['events']} events, {s['claims']} gold claims, {c['gold_pairs']} gold copy pairs")
    rows = [
        ("claim verdict accuracy", f"{s['verdict_accuracy']:.3f} ({s['verdict_correct']}/{s['claims']})",
         f"{b['verdict_accuracy']:.3f} ({b['verdict_correct']}/{b['claims']})"),
        ("  on claims the system found", f"{s['verdict_accuracy_found']:.3f} ({s['claims_found']} found)",
         f"{b['verdict_accuracy_found']:.3f}"),
        ("independent outlets: MAE", f"{s['outlets_mae']:.2f}", f"{b['outlets_mae']:.2f}"),
        ("independent outlets: exact", f"{s['outlets_exact']:.3f}", f"{b['outlets_exact']:.3f}"),
        ("exclusive claims corroborated", f"{s['exclusive_corroborated']}/{s['exclusive']}",
         f"{b['exclusive_corroborated']}/{b['exclusive']}"),
        ("copy pairs: precision", f"{c['precision']:.3f}", "-"),
        ("copy pairs: recall", f"{c['recall']:.3f}", "0"),
        ("rewrite pairs: recall", f"{c['rewrite_recall']:.3f}" if c["rewrite_recall"] is not None else "-", "0"),
        ("stories B3 P / R / F1", "{precision:.3f} / {recall:.3f} / {f1:.3f}".format(**s["stories_b3"]),
         "{precision:.3f} / {recall:.3f} / {f1:.3f}".format(**b["stories_b3"]) + f" (th {b['threshold']})"),
    ]
    w = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print(f"\n{'':{w}}  {'system':{w1}}  baseline")
    for name, x, y in rows:
        print(f"{name:{w}}  {x:{w1}}  {y}")
    print(f"\ncopy direction right {c['direction_right']}, kind right {c['kind_right']}, "
          f"{c['merged_at_ingest']} pair(s) merged at ingest (identical text), {c['co_copy_links']} link(s) between "
          f"two republications of one origin (not scored); "
          f"system claims flagged exclusive and corroborated: {s['exclusive_flagged_corroborated']}")
    t = res["timing"]
    print(f"timing: ingest {t['ingest_s']} s, link {t['link_s']} s, copy detection {t['copy_detection_s']} s "
          f"({t['copy_detection_s_per_1k']} s per 1k articles)")
    print("\nclaims (gold -> system):")
    for r in res["claims"]:
        mark = "  " if r["verdict"] == r["gold_verdict"] else "X "
        sysc = r["system"] or {}
        print(f" {mark}{r['id']:26} {r['gold_verdict']:13} {r['gold_outlets']}  -> {r['verdict']:13} "
              f"{r['outlets']}  [{sysc.get('role', '-')}; {sysc.get('label') or sysc.get('type') or ''}]"
              + (f"  story {str(sysc.get('story'))[:8]}; why: {sysc.get('why')}"
                if mark.strip() or r["outlets"] != r["gold_outlets"] else ""))
    print("\ncopy pairs not found or wrong:")
    for r in c["pairs"]:
        f = r["found"]
        if not f or (isinstance(f, dict) and (f["kind"] != r["kind"] or
                                              (f["direction"] != "right" and r["kind"] != "shared-origin"))):
            print(f"   {r['kind']:13} {r['copy']} <- {r['origin']}: {f or 'missed'}")
    for r in c["false_positives"]:
        print(f"   false positive {r['kind']}: {r['copy']} <- {r['origin']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--keep", type=Path, help="keep the linked store at this path")
    ap.add_argument("--store", type=Path, help="score this store (built from the corpus, e.g. by --keep) as it is")
    args = ap.parse_args(argv)
    res = run(args.corpus, args.keep, args.store)
    report(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
