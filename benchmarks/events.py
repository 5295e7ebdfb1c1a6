"""Event coding against public gold sets: PLOVER types per sentence, and actor/target countries.

    .venv/bin/python benchmarks/events.py /work/shared/data/dev/events [--limit N] [--json out.json]

Gold (read from the folder given on the command line; nothing is copied into the repository):

- ``plover-gsr-dev.json``: the PLOVER gold-standard records (one event per record, with source/target country
  codes). The records use some pre-2021 category names, mapped here to the 16 current PLOVER types
  (``OLD_TYPES``).
- ``PETR.UnitTest.records.xml``: the PETRARCH2 unit-test sentences, coded in CAMEO; each code is mapped to PLOVER
  with ``CAMEO2PLOVER-2021.txt`` (longest matching code prefix). CAMEO roots 01 (public statement) and 02
  (appeal) were dropped from PLOVER, so those codings (and ``noevents`` records) are sentences with no PLOVER
  event: anything coded there is a false positive. Its actors are fictional countries, so it gives no country
  figures.

Scoring is per sentence: the set of PLOVER types the system codes for the sentence against the gold set; per-type
precision/recall/F1, macro-F1 over the types that occur in the gold set, micro-F1. Each gold record codes one
event per sentence (the main one), so two readings are reported: the main-clause event (the coded event whose
trigger stands nearest the root of the parse; the same rule picks the baseline's main triple) and every event
coded (secondary events such as "the execution of X" in "called for sanctions after the execution of X" then
count as false positives). Country accuracy: for each gold
record whose type the system found and whose source (target) has an ISO3 country code, whether an event of that
type has an actor (target) entity of that country.

Baseline, computed in the same run on the same parsed documents: textacy's subject-verb-object triples with the
same trigger lexicon applied to the verb (type from the verb; actor/target countries from the entities of the
subject/object heads). Throughput: the newstrace pipeline against bare spaCy (same model, same texts, same run),
and the event component's own share.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# pre-2021 PLOVER category names in the gold records -> the 16 current types (PLOVER manual, "Summary of changes")
OLD_TYPES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "YIELD": "CONCEDE",
    "ENGAGE": "COOPERATE",
    "THREAT": "THREATEN",
}
NOT_EVENTS = {"DOCUMENT"}
DROPPED_CAMEO_ROOTS = {"01", "02"}  # "dropped" in the PLOVER manual's CAMEO translation table


@dataclass
class Item:
    """One gold sentence: its text, the PLOVER types it holds, and the countries of sources/targets by type."""

    key: str
    corpus: str
    text: str
    types: set[str] = field(default_factory=set)
    sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    targets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def load_cameo_table(path: Path) -> dict[str, str]:
    """CAMEO code -> PLOVER type from CAMEO2PLOVER-2021.txt ("0311: AGREE, , economic # ...")."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*(\d{2,4})\s*:\s*([A-Z]+)", line)
        if m:
            table.setdefault(m.group(1), m.group(2))
    return table


def cameo_to_plover(code: str, table: dict[str, str]) -> str | None:
    """The PLOVER type of a CAMEO code, by the longest prefix the table knows; None for dropped roots."""
    code = code.strip()
    if not code or code[:2] in DROPPED_CAMEO_ROOTS:
        return None
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            found = table[code[:n]]
            return OLD_TYPES.get(found, found)
    return None


def _codes(parties: object) -> set[str]:
    if not isinstance(parties, list):
        return set()
    return {str(p.get("code") or "").upper() for p in parties if isinstance(p, dict) and p.get("code")}


def load_plover(path: Path) -> list[Item]:
    """The PLOVER gold records grouped by sentence text."""
    by_text: dict[str, Item] = {}
    for rec in json.loads(path.read_text(encoding="utf-8")):
        etype = str(rec.get("event") or "").upper()
        text = (rec.get("text") or "").strip()
        if not text or etype in NOT_EVENTS:
            continue
        etype = OLD_TYPES.get(etype, etype)
        item = by_text.setdefault(text, Item(key=rec.get("id", ""), corpus="plover-gsr", text=text))
        item.types.add(etype)
        item.sources[etype] |= _codes(rec.get("source"))
        item.targets[etype] |= _codes(rec.get("target"))
    return list(by_text.values())


def load_petrarch(path: Path, table: dict[str, str]) -> list[Item]:
    """The PETRARCH2 unit-test sentences with their CAMEO codings mapped to PLOVER."""
    root = ET.parse(path).getroot()
    items = []
    for sent in root.iter("Sentence"):
        text_el = sent.find("Text")
        if text_el is None or not (text_el.text or "").strip():
            continue
        text = " ".join(text_el.text.split())
        item = Item(key=sent.get("id", ""), corpus="petrarch2", text=text)
        for coding in sent.findall("EventCoding"):
            ptype = cameo_to_plover(coding.get("eventcode") or "", table)
            if ptype:
                item.types.add(ptype)
        items.append(item)
    return items


def iso3_codes() -> set[str]:
    """The ISO3 codes newstrace knows (gold codes such as IGO or a sector code are not countries)."""
    from newstrace.settings import DATA_DIR

    path = DATA_DIR / "actors" / "countries.tsv"
    if not path.exists():
        return set()
    rows = csv.DictReader((l for l in path.read_text(encoding="utf-8").splitlines() if not l.startswith("#")),
                          delimiter="\t")
    return {r["iso3"] for r in rows if r.get("iso3")}


# -- predictions ------------------------------------------------------------------------------------------------

@dataclass
class Coded:
    """What a system coded for one sentence: types, and per type the actor and target countries."""

    types: set[str] = field(default_factory=set)
    actors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    targets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def depth(tok) -> int:  # noqa: ANN001 - a spaCy Token
    """Head hops from a token to the root of its sentence: the main clause's predicate has the least."""
    n = 0
    while tok.head.i != tok.i and n < 50:
        tok, n = tok.head, n + 1
    return n


def newstrace_coded(doc, primary: bool = False) -> Coded:  # noqa: ANN001 - a spaCy Doc
    """The types (and countries) newstrace coded; with ``primary``, only the event of the main clause (the one
    whose trigger stands nearest the root of the parse), since each gold record codes one event per sentence."""
    countries = {e.id: e.country for e in doc._.nt_entities or []}
    out = Coded()
    events = list(doc._.nt_events or [])
    if primary and events:
        def rank(ev):  # noqa: ANN001, ANN202
            span = doc.char_span(*ev.evidence.trigger, alignment_mode="expand")
            return (min(depth(t) for t in span) if span is not None and len(span) else 99, ev.evidence.trigger[0])

        best = min(rank(ev) for ev in events)
        events = [ev for ev in events if rank(ev)[0] == best[0] and ev.evidence.trigger[0] == best[1]]
    for ev in events:
        out.types.add(ev.type)
        if ev.actor_country:
            out.actors[ev.type].add(ev.actor_country)
        if ev.target_country:
            out.targets[ev.type].add(ev.target_country)
    return out


def baseline_coded(doc, coder, primary: bool = False) -> Coded:  # noqa: ANN001
    """textacy SVO triples; the verb's lemma looked up in the same trigger lexicon (with ``primary``, only the
    triple whose verb stands nearest the root)."""
    from textacy.extract import subject_verb_object_triples

    from newstrace.analyze.event_roles import Binder

    binder = Binder(doc)
    countries = {e.id: e.country for e in doc._.nt_entities or []}
    out = Coded()
    sent_of = {t.i: s for s in doc.sents for t in s}
    coded = []
    for triple in subject_verb_object_triples(doc):
        verb = triple.verb[-1]
        entry = coder._entry(verb, "verb")
        if entry is not None:
            coded.append((depth(verb), verb.i, triple, entry))
    if primary and coded:
        coded = [min(coded, key=lambda x: (x[0], x[1]))]
    for _d, _i, triple, entry in coded:
        verb = triple.verb[-1]
        out.types.add(entry.type)
        seg = sent_of[verb.i]
        for toks, bucket in ((triple.subject, out.actors), (triple.object, out.targets)):
            if toks:
                head = max(toks, key=lambda t: t.i if t.head not in toks else -1)
                ent = binder.entity_of(head, seg)
                country = binder.country_of(head, seg, ent)
                if country:
                    bucket[entry.type].add(country)
    return out


# -- scoring ----------------------------------------------------------------------------------------------------

def score(items: list[Item], coded: list[Coded], iso3: set[str]) -> dict:
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    src_ok = src_n = tgt_ok = tgt_n = 0
    for item, pred in zip(items, coded):
        for t in pred.types | item.types:
            if t in pred.types and t in item.types:
                tp[t] += 1
            elif t in pred.types:
                fp[t] += 1
            else:
                fn[t] += 1
        for t in item.types & pred.types:
            gold_src = item.sources.get(t, set()) & iso3
            if gold_src:
                src_n += 1
                src_ok += bool(gold_src & pred.actors.get(t, set()))
            gold_tgt = item.targets.get(t, set()) & iso3
            if gold_tgt:
                tgt_n += 1
                tgt_ok += bool(gold_tgt & pred.targets.get(t, set()))
    per_type = {}
    gold_types = sorted({t for i in items for t in i.types})
    for t in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_type[t] = {"p": p, "r": r, "f1": f, "tp": tp[t], "fp": fp[t], "fn": fn[t]}
    macro = sum(per_type[t]["f1"] for t in gold_types) / len(gold_types) if gold_types else 0.0
    stp, sfp, sfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    mp = stp / (stp + sfp) if stp + sfp else 0.0
    mr = stp / (stp + sfn) if stp + sfn else 0.0
    return {
        "sentences": len(items), "per_type": per_type, "macro_f1": macro,
        "micro_p": mp, "micro_r": mr, "micro_f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        "source_country_acc": src_ok / src_n if src_n else None, "source_country_n": src_n,
        "target_country_acc": tgt_ok / tgt_n if tgt_n else None, "target_country_n": tgt_n,
    }


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def report(name: str, ours: dict, base: dict) -> None:
    print(f"\n## {name}: {ours['sentences']} sentences")
    print(f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4} | {'base F1':>7}")
    for t in sorted(set(ours["per_type"]) | set(base["per_type"])):
        o = ours["per_type"].get(t, {"p": 0, "r": 0, "f1": 0, "tp": 0, "fp": 0, "fn": 0})
        b = base["per_type"].get(t, {"f1": 0.0})
        print(f"{t:<10} {o['p']:6.3f} {o['r']:6.3f} {o['f1']:6.3f} {o['tp']:4d} {o['fp']:4d} {o['fn']:4d}"
              f" | {b['f1']:7.3f}")
    print(f"{'macro-F1':<10} newstrace {ours['macro_f1']:.3f}   baseline {base['macro_f1']:.3f}"
          f"   (+{ours['macro_f1'] - base['macro_f1']:.3f})")
    print(f"{'micro':<10} newstrace P {ours['micro_p']:.3f} R {ours['micro_r']:.3f} F1 {ours['micro_f1']:.3f}"
          f"   baseline P {base['micro_p']:.3f} R {base['micro_r']:.3f} F1 {base['micro_f1']:.3f}")
    if ours["source_country_n"] or base["source_country_n"]:
        print(f"{'countries':<10} newstrace source {_fmt(ours['source_country_acc'])} (n={ours['source_country_n']})"
              f" target {_fmt(ours['target_country_acc'])} (n={ours['target_country_n']})"
              f"   baseline source {_fmt(base['source_country_acc'])} (n={base['source_country_n']})"
              f" target {_fmt(base['target_country_acc'])} (n={base['target_country_n']})")


def throughput(nlp, texts: list[str], model: str, rounds: int = 3) -> dict:  # noqa: ANN001
    """Seconds for bare spaCy and for the newstrace pipeline on the same texts (best of ``rounds``, alternating,
    so that a busy machine slows both alike), and the event component alone on the parsed Docs."""
    import spacy

    bare = spacy.load(model)
    for pipeline in (bare, nlp):  # warm up both
        list(pipeline.pipe(texts[:20]))
    t_bare = t_full = float("inf")
    docs = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        list(bare.pipe(texts, batch_size=64))
        t_bare = min(t_bare, time.perf_counter() - t0)
        t0 = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=64))
        t_full = min(t_full, time.perf_counter() - t0)
    coder = nlp.get_pipe("newstrace_events")
    t_events = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for doc in docs:
            coder(doc)
        t_events = min(t_events, time.perf_counter() - t0)
    return {"texts": len(texts), "chars": sum(map(len, texts)), "bare_s": t_bare, "newstrace_s": t_full,
            "events_s": t_events, "ratio": t_full / t_bare, "events_share_of_bare": t_events / t_bare}


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path, help="folder with plover-gsr-dev.json, PETR.UnitTest.records.xml, "
                                              "CAMEO2PLOVER-2021.txt")
    ap.add_argument("--limit", type=int, default=0, help="at most this many sentences per gold set")
    ap.add_argument("--json", type=Path, help="write all figures to this file")
    ap.add_argument("--no-speed", action="store_true", help="skip the throughput measurement")
    ap.add_argument("--show-errors", type=int, default=0, help="print this many misclassified sentences")
    args = ap.parse_args(list(argv) if argv is not None else None)

    from newstrace.analyze.pipeline import load_nlp, make_doc, resolve_model_name
    from newstrace.model import Article, article_id

    needed = ["plover-gsr-dev.json", "PETR.UnitTest.records.xml", "CAMEO2PLOVER-2021.txt"]
    missing = [n for n in needed if not (args.folder / n).exists()]
    if missing:
        print(f"error: {args.folder} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    table = load_cameo_table(args.folder / "CAMEO2PLOVER-2021.txt")
    sets = {
        "PLOVER gold records": load_plover(args.folder / "plover-gsr-dev.json"),
        "PETRARCH2 unit tests": load_petrarch(args.folder / "PETR.UnitTest.records.xml", table),
    }
    if args.limit:
        sets = {k: v[: args.limit] for k, v in sets.items()}
    nlp = load_nlp()
    coder = nlp.get_pipe("newstrace_events")
    iso3 = iso3_codes()
    results: dict[str, dict] = {}
    all_items: list[Item] = []
    all_ours: list[Coded] = []
    all_base: list[Coded] = []
    for name, items in sets.items():
        arts = [Article(id=article_id(i.text), url=None, outlet=None, title=None, byline=None, published=None,
                        tags=[], language="en", text=i.text) for i in items]
        docs = list(nlp.pipe((make_doc(nlp, a) for a in arts), batch_size=64))
        ours = [newstrace_coded(d) for d in docs]
        base = [baseline_coded(d, coder) for d in docs]
        ours_main = [newstrace_coded(d, primary=True) for d in docs]
        base_main = [baseline_coded(d, coder, primary=True) for d in docs]
        results[name] = {"newstrace": score(items, ours, iso3), "baseline": score(items, base, iso3),
                         "newstrace_main": score(items, ours_main, iso3),
                         "baseline_main": score(items, base_main, iso3)}
        report(f"{name}, main-clause event", results[name]["newstrace_main"], results[name]["baseline_main"])
        report(f"{name}, every event coded", results[name]["newstrace"], results[name]["baseline"])
        if args.show_errors:
            shown = 0
            for item, pred in zip(items, ours):
                if pred.types != item.types and shown < args.show_errors:
                    shown += 1
                    print(f"  gold {sorted(item.types)} got {sorted(pred.types)}: {item.text[:160]}")
        all_items += items
        all_ours += ours_main
        all_base += base_main
    results["combined_main"] = {"newstrace": score(all_items, all_ours, iso3),
                                "baseline": score(all_items, all_base, iso3)}
    report("Both sets together, main-clause event", results["combined_main"]["newstrace"],
           results["combined_main"]["baseline"])
    if not args.no_speed:
        # the gold sentences grouped ten to a document, the size of a short news story
        sents = [i.text for i in all_items]
        texts = [" ".join(sents[k : k + 10]) for k in range(0, len(sents), 10)]
        speed = throughput(nlp, texts, resolve_model_name())
        results["throughput"] = speed
        print(f"\n## throughput on {speed['texts']} documents ({speed['chars']} characters): "
              f"bare spaCy {speed['bare_s']:.2f}s, newstrace pipeline {speed['newstrace_s']:.2f}s "
              f"(ratio {speed['ratio']:.2f}); event component alone {speed['events_s']:.2f}s "
              f"= {100 * speed['events_share_of_bare']:.1f}% of bare spaCy")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
