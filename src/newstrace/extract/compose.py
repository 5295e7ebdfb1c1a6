"""Article text from headline and paragraphs, with the paragraph spans every later offset refers to."""

from __future__ import annotations

import re

from newstrace.model import normalise_text

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")


def compose(title: str | None, paragraphs: list[str]) -> tuple[str, list[list[int]], int, bool]:
    """(text, paragraph spans, body offset, whether the first paragraph was the headline) of an article.

    The headline, when known, is the first paragraph so that it is analysed too; when the body already opens
    with it, that paragraph is taken as the headline instead of adding a second copy.
    """
    paras = [p.strip() for p in paragraphs if p and p.strip()]
    duplicate = False
    if title and title.strip():
        title = " ".join(title.split())
        if paras and normalise_text(paras[0]) == normalise_text(title):
            paras = paras[1:]
            duplicate = True
        paras = [title, *paras]
    spans: list[list[int]] = []
    pos = 0
    for para in paras:
        spans.append([pos, pos + len(para)])
        pos += len(para) + 2
    text = "\n\n".join(paras)
    body_start = spans[1][0] if title and len(spans) > 1 else (len(text) if title else 0)
    return text, spans, body_start, duplicate


def blank_line_paragraphs(text: str) -> list[list[int]]:
    """Spans of the blocks of ``text`` separated by blank lines, leading and trailing whitespace trimmed."""
    spans: list[list[int]] = []
    pos = 0
    for match in [*_BLANK_LINES.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            spans.append([start, start + len(stripped)])
        if match:
            pos = match.end()
    return spans
