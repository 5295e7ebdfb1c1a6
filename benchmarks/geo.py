"""GeoWebNews benchmark: toponym recognition and resolution of newstrace against a baseline, in one run.

    .venv/bin/python benchmarks/geo.py /work/shared/data/dev/geo/GWN.xml [--limit N]

The gold file (GeoWebNews, Gritta et al. 2019) is read from the path given; nothing of it is copied here.

Gold toponyms are the annotations whose type is a toponym in the paper's sense: Literal, Mixed, Coercion,
Literal_Modifier, Embedded_Literal (literal uses) and Metonymic, Non_Literal_Modifier, Embedded_Non_Lit
(associative uses). Demonyms, languages, homonyms, non-toponyms and the *_Expression types (common nouns such as
"the city") are not toponyms and are left out.

Figures:
(a) recognition precision / recall / F1, exact spans and overlapping spans;
(b) resolution accuracy within 161 km (100 miles) on every gold toponym that has coordinates: each gold span
    is resolved in its article's context, and a name the gazetteer lacks counts as a miss; then the same on the
    gold toponyms whose name the gazetteer has at all (the ranking's accuracy, apart from coverage);
(c) end to end: accuracy within 161 km on the gold toponyms the system itself recognised;
(d) precision of the component's own placements of names the gazetteer lacks (``site`` and ``local``), each
    mention right, wrong or no toponym at all: (b) resolves gold spans only and cannot see a point invented
    for a person the model tagged as a place.

Baseline, same run: flashgeotext (its shipped city and country lists) for recognition, and for resolution a
population-only lookup in the same gazetteer (exact folded name, largest population wins: no kind-of-place
preference, no article focus, no qualifier) - the ranking newstrace adds is what the gap measures.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.analyze.places import km

TOPONYM_TYPES = {"Literal", "Mixed", "Coercion", "Literal_Modifier", "Embedded_Literal", "Metonymic",
                 "Non_Literal_Modifier", "Embedded_Non_Lit"}
KM = 161.0


@dataclass
class Gold:
    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None


@dataclass
class Doc:
    text: str
    link: str | None
    gold: list[Gold] = field(default_factory=list)


def read_gwn(path: Path) -> list[Doc]:
    """The articles of a GeoWebNews XML file with their gold toponyms."""
    root = ET.parse(path).getroot()
    docs = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        d = Doc(text=text, link=art.findtext("link"))
        for t in art.iter("toponym"):
            if t.findtext("type") not in TOPONYM_TYPES:
                continue
            lat, lon, gid = t.findtext("latitude"), t.findtext("longitude"), (t.findtext("geonamesID") or "").strip()
            d.gold.append(Gold(int(t.findtext("start")), int(t.findtext("end")), t.findtext("extractedName") or "",
                               float(lat) if lat else None, float(lon) if lon else None,
                               int(gid) if gid.isdigit() else None))
        docs.append(d)
    return docs


class Scores:
    """Recognition counts (exact and overlap) and resolution hits."""

    def __init__(self) -> None:
        self.c: Counter[str] = Counter()

    def recognition(self, gold: list[Gold], pred: list[tuple[int, int]]) -> None:
        gspans = {(g.start, g.end) for g in gold}
        pspans = set(pred)
        self.c["gold"] += len(gspans)
        self.c["pred"] += len(pspans)
        self.c["tp_exact"] += len(gspans & pspans)
        self.c["tp_overlap_gold"] += sum(any(s < ge and e > gs for s, e in pspans) for gs, ge in gspans)
        self.c["tp_overlap_pred"] += sum(any(s < ge and e > gs for gs, ge in gspans) for s, e in pspans)

    def resolution(self, key: str, gold: Gold, lat: float | None, lon: float | None,
                   geonameid: int | None = None) -> None:
        """Count a hit within 161 km; under ``key + "_id"`` also one that names the gold's own GeoNames entry,
        whatever point each side uses for it (a country or a region has no single point)."""
        near = lat is not None and lon is not None and km(gold.lat, gold.lon, lat, lon) <= KM
        self.c[key + "_n"] += 1
        self.c[key + "_hit"] += near
        self.c[key + "_id_n"] += 1
        self.c[key + "_id_hit"] += near or (geonameid is not None and geonameid == gold.geonameid)

    def prf(self, kind: str) -> tuple[float, float, float]:
        if kind == "exact":
            tp_p = tp_r = self.c["tp_exact"]
        else:
            tp_p, tp_r = self.c["tp_overlap_pred"], self.c["tp_overlap_gold"]
        p = tp_p / self.c["pred"] if self.c["pred"] else 0.0
        r = tp_r / self.c["gold"] if self.c["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def acc(self, key: str) -> tuple[float, int]:
        n = self.c[key + "_n"]
        return (self.c[key + "_hit"] / n if n else 0.0), n


def placement_kinds(doc: Doc, places: list) -> Counter[tuple[str, str]]:
    """For the component's own ``site`` and ``local`` places (names the gazetteer lacks, put at a town), each
    mention as ``right`` (a gold toponym within 161 km), ``wrong`` (a gold toponym farther off) or ``no toponym``:
    the precision (b) cannot show, since it resolves the gold spans only."""
    out: Counter[tuple[str, str]] = Counter()
    for p in places:
        if p.feature not in ("site", "local") or p.lat is None:
            continue
        for s, e in p.mentions:
            g = next((g for g in doc.gold if g.start < e and g.end > s and g.lat is not None), None)
            verdict = "no toponym" if g is None else "right" if km(g.lat, g.lon, p.lat, p.lon) <= KM else "wrong"
            out[(p.feature, verdict)] += 1
    return out


def run(path: Path, limit: int | None, speed_docs: int = 80, rounds: int = 2, misses: list | None = None) -> dict:
    from newstrace.analyze.gazetteer import get_gazetteer
    from newstrace.analyze.pipeline import load_nlp, make_doc
    from newstrace.analyze.places import (actor_keys, article_focus, article_locale, dateline_place, place_at,
                                          place_unknown, resolve, yields_to_locale)
    from newstrace.model import Article

    docs = read_gwn(path)[:limit]
    nlp = load_nlp()
    g = get_gazetteer()
    from newstrace.analyze.actors import get_dictionary

    d = get_dictionary()
    resolver = nlp.get_pipe("newstrace_places")
    ours, base = Scores(), Scores()
    kinds: Counter[tuple[str, str]] = Counter()
    arts = [Article(id=str(i), url=doc.link, outlet=None, title=None, byline=None, published=None, tags=[],
                    language="en", text=doc.text) for i, doc in enumerate(docs)]
    # speed: bare spaCy over the sample, then the entity, place and date components alone over the docs it made
    # (CPU time of this process, as the machine is shared; each side's best of `rounds`)
    mine = ["newstrace_entities", "newstrace_places", "newstrace_dates"]
    ours_off = [n for n in nlp.pipe_names if n.startswith("newstrace_")]
    others = [n for n in ours_off if n not in mine]
    procs = [nlp.get_pipe(n) for n in mine]
    sample = arts[:speed_docs]
    list(nlp.pipe((make_doc(nlp, a) for a in sample[:5]), batch_size=16))
    bare, elapsed = float("inf"), float("inf")
    for _ in range(rounds):
        with nlp.select_pipes(disable=ours_off):
            started = time.process_time()
            parsed = list(nlp.pipe((make_doc(nlp, a) for a in sample), batch_size=16))
            bare = min(bare, time.process_time() - started)
        started = time.process_time()
        for sd in parsed:
            for proc in procs:
                proc(sd)
        elapsed = min(elapsed, time.process_time() - started)
    with nlp.select_pipes(disable=others):
        spacy_docs = list(nlp.pipe((make_doc(nlp, a) for a in arts), batch_size=16))

    try:
        from flashgeotext.geotext import GeoText

        geotext = GeoText()
    except Exception as exc:  # noqa: BLE001 - report the baseline as missing rather than fail
        print(f"flashgeotext unavailable: {exc}", file=sys.stderr)
        geotext = None

    def population_only(name: str) -> tuple[float | None, float | None, int | None]:
        cands = g.lookup(name)
        if not cands:
            return None, None, None
        c = max(cands, key=lambda c: c.population)
        return c.lat, c.lon, c.geonameid

    for doc, sd in zip(docs, spacy_docs):
        pred = sorted({(s, e) for p in sd._.nt_places for s, e in p.mentions})
        ours.recognition(doc.gold, pred)
        kinds.update(placement_kinds(doc, sd._.nt_places))
        # the article's focus and outlet town as the place component computes them, to resolve gold spans in context
        focus, town = article_focus(sd, [g.lookup(name) for _, _, name in resolver.all_mentions(sd, doc.text)], d, g)
        if geotext is not None:
            found = geotext.extract(input_text=doc.text, span_info=True)
            bspans = sorted({tuple(sp) for kind in found.values() for v in kind.values() for sp in v["span_info"]})
        else:
            bspans = []
        base.recognition(doc.gold, bspans)
        dateline = dateline_place(doc.text, 0, sorted(((s, e, p) for p in sd._.nt_places for s, e in p.mentions),
                                                      key=lambda t: t[0]))
        site_locale = article_locale(sd._.nt_places, focus, town, dateline)
        local_locale = article_locale(sd._.nt_places, focus, town, dateline, strong=True)
        actors = actor_keys(sd)
        for gd in doc.gold:
            if gd.lat is None:
                continue
            cands = g.lookup(gd.name)
            best, site = resolve(g, gd.name, cands, doc.text, gd.start, gd.end, focus)
            spans = [(o.start, o.end) for o in doc.gold if o.name == gd.name]
            if best is not None and not site and yields_to_locale(best, doc.text, spans, local_locale, site_locale, g):
                best = None
            if best is None:
                # every gold mention of the name, as the component reads every mention of a place
                found = place_unknown(gd.name, [s for s, _ in spans], doc.text, site_locale, local_locale, actors, d, g)
                best, site = (found[0] if found else None), True  # a Place: it has lat/lon too
            # a site lies at (or in) the place it names: that place's GeoNames entry is not the site's own
            ours.resolution("gold", gd, best.lat if best else None, best.lon if best else None,
                            None if site or best is None else best.geonameid)
            base.resolution("gold", gd, *population_only(gd.name))
            if misses is not None and (best is None or best.lat is None
                                       or km(gd.lat, gd.lon, best.lat, best.lon) > KM):
                where = "" if best is None or best.lat is None else \
                    f"{best.name} ({best.feature}, {best.country}) {km(gd.lat, gd.lon, best.lat, best.lon):.0f} km"
                misses.append((gd.name, where))
            if cands:
                ours.resolution("known", gd, best.lat if best else None, best.lon if best else None)
                base.resolution("known", gd, *population_only(gd.name))
            place = place_at(sd, gd.start, gd.end)
            if place is not None:
                ours.resolution("e2e", gd, place.lat, place.lon)
            hit = next(((s, e) for s, e in bspans if s < gd.end and e > gd.start), None)
            if hit is not None:
                base.resolution("e2e", gd, *population_only(doc.text[hit[0]:hit[1]]))
    return {"docs": len(docs), "seconds": elapsed, "bare": bare, "ours": ours, "base": base, "kinds": kinds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gwn", type=Path, help="GeoWebNews XML (GWN.xml)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--speed-docs", type=int, default=80, help="articles timed for the speed ratio")
    ap.add_argument("--rounds", type=int, default=2, help="timing rounds (the best of each side is kept)")
    ap.add_argument("--misses", type=Path, default=None,
                    help="write the gold toponyms newstrace resolves wrongly or not at all to this file (TSV)")
    args = ap.parse_args(argv)
    if not args.gwn.exists():
        print(f"no such file: {args.gwn}", file=sys.stderr)
        return 2
    misses: list[tuple[str, str]] | None = [] if args.misses else None
    res = run(args.gwn, args.limit, args.speed_docs, args.rounds, misses)
    if misses is not None:
        counts = Counter(misses)
        args.misses.write_text("".join(f"{n}\t{name}\t{where or 'not in the gazetteer'}\n"
                                       for (name, where), n in counts.most_common()), encoding="utf-8")
    try:
        from importlib.metadata import version

        fgt = version("flashgeotext")
    except Exception:  # noqa: BLE001
        fgt = "not installed"
    print(f"GeoWebNews: {res['docs']} articles, {res['ours'].c['gold']} gold toponyms")
    print(f"speed ({args.speed_docs} articles, CPU s, best of {args.rounds}): bare spaCy {res['bare']:.2f}s, "
          f"entities+places+dates on its docs {res['seconds']:.2f}s (overhead {res['seconds'] / res['bare']:.1%})")
    print(f"{'figure':44} {'newstrace':>10} {'baseline':>10}")
    for kind in ("exact", "overlap"):
        for label, i in (("precision", 0), ("recall", 1), ("F1", 2)):
            print(f"(a) recognition {label} ({kind} spans){'':{max(0, 17 - len(label) - len(kind))}}"
                  f" {res['ours'].prf(kind)[i]:>10.3f} {res['base'].prf(kind)[i]:>10.3f}")
    a, n = res["ours"].acc("gold")
    b, _ = res["base"].acc("gold")
    print(f"{'(b) accuracy@161km, gold toponyms (n=' + str(n) + ')':44} {a:>10.3f} {b:>10.3f}")
    a, n = res["ours"].acc("known")
    b, _ = res["base"].acc("known")
    print(f"{'(b) ... of those the gazetteer knows (n=' + str(n) + ')':44} {a:>10.3f} {b:>10.3f}")
    a, n = res["ours"].acc("gold_id")
    b, _ = res["base"].acc("gold_id")
    print(f"{'(b) ... or naming the gold GeoNames entry':44} {a:>10.3f} {b:>10.3f}")
    a, n = res["ours"].acc("e2e")
    b, m = res["base"].acc("e2e")
    print(f"{'(c) accuracy@161km, recognised (n=' + str(n) + '/' + str(m) + ')':44} {a:>10.3f} {b:>10.3f}")
    for kind in ("site", "local"):
        k = res["kinds"]
        n = sum(v for (f, _), v in k.items() if f == kind)
        print(f"(d) {kind} placements (names the gazetteer lacks, put at a town): {n} mentions, right "
              f"{k[(kind, 'right')]} ({k[(kind, 'right')] / n if n else 0:.0%}), wrong {k[(kind, 'wrong')]}, "
              f"no toponym {k[(kind, 'no toponym')]}")
    print(f"baseline: flashgeotext {fgt} (recognition) + population-only lookup in the same gazetteer (resolution)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
