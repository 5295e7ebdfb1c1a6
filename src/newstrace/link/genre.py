"""What kind of piece an article is: a news report, or an opinion piece (op-ed, column, editorial, blog).

An opinion piece speaks in its author's voice. What it states is the author's claim, and it never counts as an
independent outlet confirming an event, however widely the event is reported elsewhere. The signs, any of which
decides: the URL's section ("/opinion/", "/oped/", "/columns/", "/blog/"), the page's section or tags ("Opinion",
"Op-Ed", "Editorial", "Column"), a headline label ("Opinion:", "OP-ED |"), the site chrome around the text
("More in Oped", "More from this columnist"), or the author's note at the end ("The writer is a ...", "Views
expressed are the author's own").
"""

from __future__ import annotations

import json
import re
from typing import Any

OPINION_WORDS = r"(?:opinion|op-?eds?|oped|editorials?|columns?|columnists?|commentary|comment|blogs?|views|viewpoint)"
URL_SECTION = re.compile(rf"/{OPINION_WORDS}(?:/|-|$)", re.I)
TAG = re.compile(rf"^\s*{OPINION_WORDS}\s*$", re.I)
TITLE_LABEL = re.compile(rf"^\s*(?:{OPINION_WORDS})\s*[:|\-–—]\s", re.I)
CHROME = re.compile(rf"\b(?:more\s+(?:in|from)\s+{OPINION_WORDS}|{OPINION_WORDS}\s+section)\b", re.I)
AUTHOR_NOTE = re.compile(
    r"(?:^|\n)\s*(?:the\s+(?:writer|author|columnist)\s+is\b|views\s+expressed\s+(?:here\s+)?are\s+(?:the\s+)?"
    r"(?:author|writer)'?s?\b|this\s+is\s+an\s+opinion\s+piece)", re.I)
NEWS, OPINION = "news", "opinion"


def genre(url: str | None, title: str | None, text: str | None, tags: Any = None, removed: Any = None) -> str:
    """``opinion`` when any sign of an opinion piece is there, else ``news``."""
    if url and URL_SECTION.search(url.split("?", 1)[0]):
        return OPINION
    if any(TAG.match(str(t)) for t in _list(tags)):
        return OPINION
    if title and TITLE_LABEL.match(title):
        return OPINION
    for r in _list(removed):
        chrome = r.get("text") if isinstance(r, dict) else r
        if chrome and CHROME.search(str(chrome)):
            return OPINION
    if text and AUTHOR_NOTE.search(text[-600:]):
        return OPINION
    return NEWS


def _list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, (list, tuple)) else []
