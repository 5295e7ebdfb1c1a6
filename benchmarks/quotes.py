"""Quote and attribution accuracy against PolNeAR's brat attribution relations, with textacy as the baseline.

Usage::

    .venv/bin/python benchmarks/quotes.py /work/shared/data/dev/quotes/polnear-dev [--limit N] [--no-speed]

The folder holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann`` (brat standoff: ``Source``, ``Cue`` and
``Content`` text-bound spans joined by ``Attribution`` relations). Where several annotators marked one text, the
first annotation file in name order is the gold. Each text is analysed exactly as it is in the file (the
``--as-is`` semantics: no cleaning, title unknown) so that offsets align.

What is compared, for each of the three roles (source, cue, content):

* exact: a predicted span counts when its [start, end) equals a gold span of the same role (a discontinuous gold
  span counts by its outer extent);
* overlap: soft span scores over word tokens: each predicted span earns the share of its words that lie in gold
  spans of the role (precision), each gold span the share of its words covered by predicted spans of the role
  (recall); P and R are the mean shares over spans, F1 their harmonic mean. A gold content quoted in two parts
  ("“A,” she said. “B.”") is thus fully recalled by two predicted quotes.

newstrace's spans are a quote's ``speaker_span``, ``cue_span`` and content (``start``/``end``, widened to take in
the quote marks of a direct quote, as PolNeAR does). The baseline, computed in the same run on the same parses, is
textacy's ``extract.triples.direct_quotations`` (speaker, cue, content). Speed is reported as a ratio against the
bare spaCy model on the same texts in the same run.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

Span = tuple[int, int]
ROLES = ("source", "cue", "content")
_WORD = re.compile(r"\w+", re.UNICODE)
QUOTE_MARKS = set("\u201c\u201d\u2018\u2019\"'\u00ab\u00bb")


@dataclass
class Spans:
    """The spans of one document by role; a gold span may have several fragments."""

    by_role: dict[str, list[list[Span]]] = field(default_factory=lambda: {r: [] for r in ROLES})


def read_gold(ann: Path) -> Spans:
    """The Source, Cue and Content spans of the attribution relations in a brat ``.ann`` file."""
    tb: dict[str, tuple[str, list[Span]]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, offsets = parts[1].partition(" ")
            frags = []
            for frag in offsets.split(";"):
                a, _, b = frag.strip().partition(" ")
                if a.isdigit() and b.isdigit():
                    frags.append((int(a), int(b)))
            tb[parts[0]] = (label, frags)
        elif line.startswith("E"):
            parts = line.split("\t")
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a) if len(parts) > 1 else {}
            rels.append(args)
    gold = Spans()
    seen: set[tuple[str, str]] = set()
    for args in rels:
        for role_label, role in (("Source", "source"), ("Cue", "cue"), ("Content", "content")):
            tid = args.get(role_label)
            if tid and tid in tb and (role, tid) not in seen:
                seen.add((role, tid))
                gold.by_role[role].append(tb[tid][1])
    return gold


def _widen_to_marks(text: str, s: int, e: int) -> Span:
    """A direct quote's content with its quote marks, as PolNeAR marks it."""
    if text[max(0, s - 2):s] in ("''", "``"):
        s -= 2
    elif s > 0 and text[s - 1] in QUOTE_MARKS:
        s -= 1
    if text[e:e + 2] == "''":
        e += 2
    elif e < len(text) and text[e] in QUOTE_MARKS:
        e += 1
    return s, e


def newstrace_spans(text: str, quotes: list) -> Spans:
    """newstrace's quotes as source/cue/content spans."""
    out = Spans()
    for q in quotes:
        if q.speaker_span:
            out.by_role["source"].append([tuple(q.speaker_span)])
        if q.cue_span:
            out.by_role["cue"].append([tuple(q.cue_span)])
        s, e = (_widen_to_marks(text, q.start, q.end) if q.direct and not q.block else (q.start, q.end))
        out.by_role["content"].append([(s, e)])
    return out


def textacy_spans(doc) -> Spans:  # noqa: ANN001 - a spaCy Doc
    """textacy's direct quotations (speaker, cue, content) as spans: the baseline."""
    from textacy.extract.triples import direct_quotations

    out = Spans()
    try:
        triples = list(direct_quotations(doc))
    except Exception:  # noqa: BLE001 - textacy raises on some odd texts; that document scores nothing
        return out
    for t in triples:
        if t.speaker:
            out.by_role["source"].append([(t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1].text))])
        if t.cue:
            out.by_role["cue"].append([(t.cue[0].idx, t.cue[-1].idx + len(t.cue[-1].text))])
        c = t.content
        out.by_role["content"].append([(c.start_char, c.end_char)])
    return out


def _words(text: str, frags: list[Span]) -> set[int]:
    """The word tokens (by start offset) inside a span's fragments."""
    out: set[int] = set()
    for s, e in frags:
        out.update(m.start() + s for m in _WORD.finditer(text[s:e]))
    return out


@dataclass
class Score:
    """Running sums for one role: exact matches and soft overlap shares."""

    pred: int = 0
    gold: int = 0
    exact_hits_p: int = 0
    exact_hits_g: int = 0
    soft_p: float = 0.0
    soft_r: float = 0.0

    def add(self, text: str, pred: list[list[Span]], gold: list[list[Span]]) -> None:
        self.pred += len(pred)
        self.gold += len(gold)
        gold_extents = {(g[0][0], g[-1][1]) for g in gold if g}
        pred_extents = {(p[0][0], p[-1][1]) for p in pred if p}
        self.exact_hits_p += sum(1 for p in pred if p and (p[0][0], p[-1][1]) in gold_extents)
        self.exact_hits_g += sum(1 for g in gold if g and (g[0][0], g[-1][1]) in pred_extents)
        gw = [_words(text, g) for g in gold]
        pw = [_words(text, p) for p in pred]
        all_gold = set().union(*gw) if gw else set()
        all_pred = set().union(*pw) if pw else set()
        for p in pw:
            if p:
                self.soft_p += len(p & all_gold) / len(p)
        for g in gw:
            if g:
                self.soft_r += len(g & all_pred) / len(g)

    @staticmethod
    def _prf(p: float, r: float) -> tuple[float, float, float]:
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def exact(self) -> tuple[float, float, float]:
        return self._prf(self.exact_hits_p / self.pred if self.pred else 0.0,
                         self.exact_hits_g / self.gold if self.gold else 0.0)

    def overlap(self) -> tuple[float, float, float]:
        return self._prf(self.soft_p / self.pred if self.pred else 0.0, self.soft_r / self.gold if self.gold else 0.0)


def pairs(folder: Path, limit: int | None) -> list[tuple[Path, Path]]:
    """(text, gold annotation) pairs: the first annotator's file for each text."""
    out = []
    for txt in sorted((folder / "text").glob("*.txt")):
        anns = sorted((folder / "attributions").glob(f"{txt.stem}_*.ann"))
        if anns:
            out.append((txt, anns[0]))
    return out[:limit] if limit else out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the PolNeAR folder with text/ and attributions/")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed ratio")
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds per pipeline (the fastest counts)")
    args = ap.parse_args(argv)
    if not (args.folder / "text").is_dir() or not (args.folder / "attributions").is_dir():
        print(f"error: {args.folder} has no text/ and attributions/ folders", file=sys.stderr)
        return 2

    from newstrace.analyze.pipeline import analyze_many, load_nlp
    from newstrace.model import Article, article_id

    docs = pairs(args.folder, args.limit)
    texts = [t.read_text(encoding="utf-8") for t, _ in docs]
    golds = [read_gold(a) for _, a in docs]
    articles = [Article(id=article_id(t), url=None, outlet=None, title=None, byline=None, published=None, tags=[],
                        language="en", text=t, meta={"body_start": 0}) for t in texts]
    nlp = load_nlp()
    ours = {r: Score() for r in ROLES}
    base = {r: Score() for r in ROLES}
    n_quotes = 0
    for (art, an), text, gold in zip(analyze_many(articles, nlp), texts, golds):
        if isinstance(an, Exception):
            print(f"warning: {art.id} failed: {an}", file=sys.stderr)
            continue
        pred = newstrace_spans(text, an.quotes)
        n_quotes += len(an.quotes)
        for r in ROLES:
            ours[r].add(text, pred.by_role[r], gold.by_role[r])
    bare = load_nlp(None, ())
    try:
        import textacy  # noqa: F401 - the baseline; pip install textacy==0.13.0
    except ImportError:
        print("error: the baseline needs textacy (pip install textacy==0.13.0)", file=sys.stderr)
        return 2
    bare_docs = list(bare.pipe(texts, batch_size=16))
    for doc, text, gold in zip(bare_docs, texts, golds):
        pred = textacy_spans(doc)
        for r in ROLES:
            base[r].add(text, pred.by_role[r], gold.by_role[r])

    n_gold = sum(len(g.by_role["content"]) for g in golds)
    print(f"PolNeAR attribution, {len(docs)} documents, {n_gold} gold attributions; newstrace found {n_quotes} quotes\n")
    print("| role | system | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in ROLES:
        for name, sc in (("newstrace", ours[r]), ("textacy direct_quotations (baseline)", base[r])):
            ep, er, ef = sc.exact()
            op, orr, of = sc.overlap()
            print(f"| {r} | {name} | {ep:.3f} | {er:.3f} | {ef:.3f} | {op:.3f} | {orr:.3f} | {of:.3f} |")
    if not args.no_speed:
        # each pipeline once over the same texts, after a warm-up pass of each; the quotes component needs the
        # entities component before it, so its own cost is the difference between the last two
        pipes = {"bare spaCy": bare,
                 "+ entities": load_nlp(None, ("newstrace_entities",)),
                 "+ entities + quotes": load_nlp(None, ("newstrace_entities", "newstrace_quotes"))}
        times: dict[str, float] = {}
        for pipe in pipes.values():
            list(pipe.pipe(texts[:5]))
        # interleaved rounds, the fastest of each kept: the machine is shared, so one slow pass says little
        for _ in range(args.rounds):
            for name, pipe in pipes.items():
                t0 = time.perf_counter()
                list(pipe.pipe(texts, batch_size=16))
                times[name] = min(times.get(name, float("inf")), time.perf_counter() - t0)
        base_t = times["bare spaCy"]
        print("\nspeed on the same " + str(len(texts)) + " texts: " + "; ".join(
            f"{name} {t:.2f}s ({t / base_t:.2f}x)" for name, t in times.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
