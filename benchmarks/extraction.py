"""Extraction accuracy against a gold set of kept / dropped segments (the ScrapingHub-style ``evaldata`` format).

    .venv/bin/python benchmarks/extraction.py /work/shared/data/dev/extraction [--limit N] [--pages]

PATH holds ``evaldata-en.json`` (``{url: {"file", "with": [...], "without": [...]}}``) and ``html/<file>``. For
each page a "with" segment found in the output is a true positive (else a false negative), a "without" segment
found in the output a false positive (else a true negative); segments and output are compared with whitespace
folded. Three extractors run on the same pages in the same run:

(a) newstrace's HTML path (trafilatura) on the page;
(b) newstrace's plain-text path (the line classifier) on the page turned into text, one line per block element
    (``html_to_lines`` below: what a scraper that keeps no markup would save);
(c) jusText on exactly (b)'s lines, each wrapped as a ``<p>`` so it sees the same blocks, with the stop list of
    the language the page's text is in -- the classic baseline for the same job.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from newstrace.extract import ExtractError, extract
from newstrace.extract.decode import DecodeError, decode
from newstrace.extract.metadata import guess_language
from newstrace.model import RawDocument

# elements whose start and end break the text into a new line (HTML block-level and table-cell elements)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body br center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul option caption".split()
)
# elements with no visible text
SKIP_TAGS = frozenset("script style noscript template head svg iframe object embed canvas select".split())

JUSTEXT_LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "pl": "Polish",
}


def html_to_lines(page: str) -> str:
    """The visible text of an HTML page, one line per block element, whitespace folded within a line."""
    try:
        tree = lxml_html.fromstring(page)
    except (etree.ParserError, ValueError):
        return ""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            lines.append(text)

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag is None or tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                flush()
            if el.text:
                buf.append(el.text)
        else:
            if tag is not None and tag in BLOCK_TAGS:
                flush()
            if el.tail:
                buf.append(el.tail)
    flush()
    return "\n".join(lines)


def fold(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    seconds: float = 0.0

    def add(self, output: str, gold: dict) -> tuple[int, int, int, int]:
        out = fold(output)
        tp = sum(1 for s in gold.get("with", []) if fold(s) in out)
        fn = len(gold.get("with", [])) - tp
        fp = sum(1 for s in gold.get("without", []) if fold(s) in out)
        tn = len(gold.get("without", [])) - fp
        self.tp, self.fp, self.fn, self.tn = self.tp + tp, self.fp + fp, self.fn + fn, self.tn + tn
        return tp, fp, fn, tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def run_html(page_bytes: bytes, url: str) -> str:
    try:
        return extract(RawDocument(uri=url, content=page_bytes, content_type="html", meta={"url": url})).text
    except ExtractError:
        return ""


def run_lines(lines: str, url: str) -> str:
    try:
        doc = RawDocument(uri=url, content=lines.encode("utf-8"), content_type="text", meta={"url": url})
        return extract(doc).text
    except ExtractError:
        return ""


def run_justext(lines: str) -> str:
    import justext

    lang = JUSTEXT_LANGUAGES.get(guess_language(lines) or "en", "English")
    wrapped = (
        "<html><body>" + "".join(f"<p>{htmllib.escape(line)}</p>" for line in lines.split("\n")) + "</body></html>"
    )
    paragraphs = justext.justext(wrapped.encode("utf-8"), justext.get_stoplist(lang), encoding="utf-8")
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="folder with evaldata-en.json and html/")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--pages", action="store_true", help="print per-page counts (tp fp fn tn) to stderr")
    args = parser.parse_args(argv)

    gold_file = args.path / "evaldata-en.json"
    if not gold_file.exists():
        print(f"no {gold_file}", file=sys.stderr)
        return 2
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    items = list(gold.items())[: args.limit or None]
    scores = {"a": Score(), "b": Score(), "c": Score()}
    pages = 0
    for url, item in items:
        path = args.path / "html" / item["file"]
        if not path.exists():
            continue
        page_bytes = path.read_bytes()
        pages += 1
        t = time.perf_counter()
        out_a = run_html(page_bytes, url)
        scores["a"].seconds += time.perf_counter() - t
        try:
            page_text, _ = decode(page_bytes, sniff_html=True)
        except DecodeError:
            page_text = ""
        lines = html_to_lines(page_text)
        t = time.perf_counter()
        out_b = run_lines(lines, url)
        scores["b"].seconds += time.perf_counter() - t
        t = time.perf_counter()
        out_c = run_justext(lines)
        scores["c"].seconds += time.perf_counter() - t
        counts = [scores[k].add(out, item) for k, out in (("a", out_a), ("b", out_b), ("c", out_c))]
        if args.pages:
            print(item["file"], *("/".join(map(str, c)) for c in counts), sep="\t", file=sys.stderr)

    names = {
        "a": "(a) newstrace HTML path (trafilatura)",
        "b": "(b) newstrace plain-text path (line classifier)",
        "c": "(c) jusText on (b)'s lines (baseline)",
    }
    print(
        f"pages: {pages}   segments: with={scores['a'].tp + scores['a'].fn} without={scores['a'].fp + scores['a'].tn}"
    )
    print(f"{'extractor':52} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8} {'seconds':>8}")
    for key, score in scores.items():
        print(
            f"{names[key]:52} {score.precision:9.3f} {score.recall:7.3f} {score.f1:6.3f} {score.accuracy:8.3f} "
            f"{score.seconds:8.1f}"
        )
    gap = scores["a"].f1 - scores["b"].f1
    print(f"F1(b) - F1(c) = {scores['b'].f1 - scores['c'].f1:+.3f}   F1(a) - F1(b) = {gap:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
