"""The article's clean text as HTML with entities, quotes, claims and flags highlighted from their offsets.

Annotations overlap freely (a flag inside a quote inside a claim), so the text is cut at every annotation
boundary into segments and each segment carries the classes of every annotation that covers it: no nesting
to balance, no tag ever split. Every text piece goes through ``markupsafe.escape``; class names come from a
fixed vocabulary and attribute values are escaped, so nothing from the article can become markup.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote as urlquote

from markupsafe import Markup, escape

from newstrace.model import Analysis, Article
from newstrace.server.queries import MARK_CLOSE, MARK_OPEN

# more annotations than this in one article are dropped (a runaway analysis must not make a page unbounded)
MAX_ANNOTATIONS = 20000
_CLASS_SAFE = re.compile(r"[^a-z0-9_-]+")
_PARA = re.compile(r"\n\s*\n")


def css_token(value: str | None) -> str:
    """A value reduced to the characters a CSS class may hold (entity types, flag kinds come from analysis)."""
    return _CLASS_SAFE.sub("-", (value or "").lower()).strip("-")[:40] or "x"


@dataclass
class Mark:
    """One annotation over ``[start, end)``: its CSS classes, a tooltip and, for entities, a link."""

    start: int
    end: int
    classes: tuple[str, ...]
    title: str = ""
    href: str | None = None
    data: dict[str, str] = field(default_factory=dict)


def paragraph_spans(article: Article) -> list[tuple[int, int]]:
    """The article's paragraphs as offsets: the stored ones when they tile the text, else blank-line splits."""
    n = len(article.text)
    spans = [(max(0, int(s)), min(n, int(e))) for s, e in (article.paragraphs or []) if int(e) > int(s)]
    spans = sorted(s for s in spans if s[0] < s[1])
    ok = all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    if spans and ok:
        return spans
    out, pos = [], 0
    for m in _PARA.finditer(article.text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < n:
        out.append((pos, n))
    return out


def marks_for(article: Article, analysis: Analysis, entity_keys: dict[str, str],
              copied: list[tuple[int, int, str]] | None = None) -> list[Mark]:
    """The annotations of an analysis as ``Mark``s, clipped to the text; malformed offsets are skipped.

    ``copied`` are passages found in another article (link's reuse passages): ``(start, end, where from)``.
    """
    n = len(article.text)
    marks: list[Mark] = []

    def add(start: object, end: object, mark_args: dict) -> None:
        try:
            s, e = max(0, int(start)), min(n, int(end))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return
        if s < e and len(marks) < MAX_ANNOTATIONS:
            marks.append(Mark(s, e, **mark_args))

    for ent in analysis.entities:
        key = entity_keys.get(ent.id)
        for s, e in ent.mentions:
            add(s, e, {"classes": ("ent", f"ent-{css_token(ent.type)}"), "title": f"{ent.name} ({ent.type})",
                       "href": f"/entities/{urlquote(key, safe='')}" if key else None, "data": {"ent": ent.id}})
    for q in analysis.quotes:
        add(q.start, q.end, {"classes": ("quote",), "title": f"quote: {q.speaker_text or 'unattributed'}",
                             "data": {"quote": q.id}})
    for ev in analysis.events:
        trig = ev.evidence.trigger
        if trig and len(trig) == 2:
            add(trig[0], trig[1], {"classes": ("trigger",), "title": f"{ev.type} ({ev.modality})",
                                   "data": {"event": ev.id}})
        # the claim sentence itself, marked by who it rests on (the outlet's own word stands out)
        add(ev.evidence.start, ev.evidence.end,
            {"classes": ("claim", f"src-{css_token(ev.source.kind)}"),
             "title": f"{ev.type}, {ev.modality}, source: {ev.source.kind}", "data": {"event": ev.id}})
    for start, end, origin in copied or ():
        add(start, end, {"classes": ("copied",), "title": f"copied from {origin}", "data": {"copied": origin}})
    for fl in analysis.flags:
        add(fl.start, fl.end, {"classes": ("flag", f"flag-{css_token(fl.kind)}"), "title": f"flag: {fl.kind}",
                               "data": {"flag": fl.kind}})
    return marks


def _esc(value: object) -> str:
    return str(escape(value))


def _segment(text: str, marks: list[Mark]) -> str:
    """One stretch of text under the given marks, as escaped HTML (f-strings over escaped parts: this runs
    for every segment of every article page, and ``Markup.format`` is several times slower)."""
    body = _esc(text)
    if not marks:
        return body
    classes = " ".join(sorted({c for m in marks for c in m.classes}))
    titles = "; ".join(dict.fromkeys(m.title for m in marks if m.title))
    data: dict[str, str] = {}
    for m in marks:
        for k, v in m.data.items():
            data.setdefault(k, v)
    attrs = " ".join(f'data-{css_token(k)}="{_esc(v)}"' for k, v in sorted(data.items()))
    inner = f'<span class="{_esc(classes)}" title="{_esc(titles)}" {attrs}>{body}</span>'
    href = next((m.href for m in marks if m.href), None)
    if href:
        return f'<a class="ent-link" href="{_esc(href)}">{inner}</a>'
    return inner


def highlight(article: Article, analysis: Analysis, entity_keys: dict[str, str],
              copied: list[tuple[int, int, str]] | None = None) -> list[tuple[str, Markup]]:
    """The article as ``(kind, html)`` paragraphs; ``kind`` is ``headline`` for the title paragraph, else ``p``."""
    text = article.text
    marks = marks_for(article, analysis, entity_keys, copied)
    opens: dict[int, list[int]] = defaultdict(list)
    closes: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(marks):
        opens[m.start].append(i)
        closes[m.end].append(i)
    body_start = int(article.meta.get("body_start", 0) or 0) if article.title else 0
    paragraphs: list[tuple[str, Markup]] = []
    active: set[int] = set()
    cuts = sorted(opens.keys() | closes.keys())
    ci = 0
    for ps, pe in paragraph_spans(article):
        # bring the active set up to the paragraph start
        while ci < len(cuts) and cuts[ci] <= ps:
            pos = cuts[ci]
            active.difference_update(closes.get(pos, ()))
            active.update(i for i in opens.get(pos, ()) if marks[i].end > pos)
            ci += 1
        active = {i for i in active if marks[i].end > ps}
        parts: list[str] = []
        pos = ps
        while pos < pe:
            nxt = cuts[ci] if ci < len(cuts) and cuts[ci] < pe else pe
            if nxt > pos:
                parts.append(_segment(text[pos:nxt], [marks[i] for i in sorted(active)]))
            pos = nxt
            if ci < len(cuts) and cuts[ci] == pos and pos < pe:
                active.difference_update(closes.get(pos, ()))
                active.update(opens.get(pos, ()))
                ci += 1
        kind = "headline" if article.title and pe <= body_start else "p"
        paragraphs.append((kind, Markup("".join(parts))))
    return paragraphs


def snippet_html(snippet: str | None) -> Markup:
    """An FTS snippet as HTML: the text escaped, then its hit markers turned into ``<mark>``."""
    body = str(escape(snippet or ""))
    return Markup(body.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))
