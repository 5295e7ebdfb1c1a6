"""HTML pages through trafilatura: the main text as paragraphs, with title, byline, date, site name and tags.

trafilatura runs with recall-leaning settings that suit news (keep tables and short closing paragraphs, leave
comment threads out); its body tree is read element by element so that every paragraph, list item and table
row becomes its own paragraph. What the page's layout marks as chrome (menus, sidebars, share and comment
widgets) is reported, bounded, as ``removed``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from newstrace.model import Removed

log = logging.getLogger(__name__)

# at most this many chrome blocks are reported, each cut to this many characters
MAX_REMOVED_BLOCKS = 40
MAX_REMOVED_CHARS = 300
# pages up to this size get htmldate's extensive (whole-text) date search
EXTENSIVE_DATE_SEARCH_CHARS = 1_000_000
# the most elements the chrome report walks
MAX_TREE_SIZE = 60000

_WS = re.compile(r"\s+")

# layout landmarks and class/id words that mark a block as chrome, with the reason reported
_CHROME_TAGS = {
    "nav": "navigation",
    "header": "navigation",
    "footer": "navigation",
    "aside": "widget",
    "form": "widget",
}
_CHROME_CLASS = [
    (re.compile(r"cookie|consent|gdpr", re.I), "cookie"),
    (re.compile(r"share|social|sharing", re.I), "widget"),
    (re.compile(r"comment|respond|discuss", re.I), "comments"),
    (re.compile(r"newsletter|subscribe|signup|sign-up", re.I), "widget"),
    (
        re.compile(r"related|recommend|popular|trending|most-read|more-stories|outbrain|taboola", re.I),
        "related content",
    ),
    (re.compile(r"\b(ad|ads|advert\w*|sponsor\w*|promo\w*)\b", re.I), "advertising"),
    (re.compile(r"menu|navbar|breadcrumb|sidebar|masthead|site-header|site-footer", re.I), "navigation"),
    (re.compile(r"copyright|legal", re.I), "copyright"),
]


@dataclass
class HtmlExtraction:
    """What trafilatura found in one page."""

    paragraphs: list[str]
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    description: str | None = None
    language: str | None = None
    removed: list[Removed] = field(default_factory=list)


def _clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _items(values: Any) -> list[str]:
    """Tags or categories as a flat, de-duplicated list (trafilatura may give one comma-joined string)."""
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for item in str(value).split(","):
            item = _clean(item)
            if item and item not in out:
                out.append(item)
    return out


def body_paragraphs(body: Any) -> list[str]:
    """One paragraph per block of trafilatura's body tree: paragraph, heading, quote, list item, table row."""
    out: list[str] = []
    if body is None:
        return out
    for child in body:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "list":
            for item in child.iter("item"):
                text = _clean(" ".join(item.itertext()))
                if text:
                    out.append(text)
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_clean(" ".join(c.itertext())) for c in row]
                line = " | ".join(c for c in cells if c)
                if line:
                    out.append(line)
        elif tag == "code":
            text = "".join(child.itertext()).strip("\n")
            if text.strip():
                out.append(text)
        else:
            text = _clean(" ".join(child.itertext()))
            if text:
                out.append(text)
        tail = _clean(child.tail)
        if tail:
            out.append(tail)
    return out


def _chrome_reason(el: Any) -> str | None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _CHROME_TAGS:
        return _CHROME_TAGS[tag]
    marker = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
    if not marker.strip():
        return None
    for pattern, reason in _CHROME_CLASS:
        if pattern.search(marker):
            return reason
    return None


def chrome_blocks(html: str, kept: str) -> list[Removed]:
    """The first blocks the page's layout marks as chrome and the extraction left out, with a reason.

    Layout landmarks (nav, header, footer, aside, form) and class or id words (share, comment, related,
    newsletter, cookie, ad) say what a block is; nested chrome is reported once, by its outermost block.
    """
    try:
        import lxml.html

        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparseable page has no chrome to report
        return []
    out: list[Removed] = []
    stack = [tree]
    visited = 0
    while stack and len(out) < MAX_REMOVED_BLOCKS and visited < MAX_TREE_SIZE:
        el = stack.pop()
        visited += 1
        if not isinstance(el.tag, str) or el.tag in {"script", "style", "noscript", "template", "head"}:
            continue
        reason = _chrome_reason(el) if el.tag not in {"html", "body"} else None
        if reason is None:
            stack.extend(reversed(list(el)))
            continue
        text = _clean(" ".join(el.xpath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")))
        if text and text[:80] not in kept:
            out.append(Removed(text=text[:MAX_REMOVED_CHARS], reason=reason))
    return out


def extract_html(html: str, *, url: str | None = None, report_removed: bool = True) -> HtmlExtraction | None:
    """The article trafilatura finds in ``html`` (None when it finds no main text)."""
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            # the extensive date search scans all the page text; a huge page keeps to the markup's dates
            date_extraction_params=set_date_params(len(html) <= EXTENSIVE_DATE_SEARCH_CHARS),
        )
    except Exception as exc:  # noqa: BLE001 - a parser failure on one page is that page's failure
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    if doc is None:
        return None
    paragraphs = body_paragraphs(getattr(doc, "body", None))
    if not paragraphs and getattr(doc, "text", None):
        paragraphs = [p.strip() for p in doc.text.split("\n") if p.strip()]
    from newstrace.extract.plaintext import drop_page_labels

    paragraphs, labels = drop_page_labels(paragraphs)
    result = HtmlExtraction(
        paragraphs=paragraphs,
        title=_clean(doc.title) or None,
        author=_clean(doc.author) or None,
        date=doc.date or None,
        sitename=_clean(doc.sitename) or None,
        url=doc.url or None,
        tags=_items(doc.tags),
        categories=_items(doc.categories),
        description=_clean(doc.description) or None,
        language=doc.language or None,
    )
    if report_removed and paragraphs:
        result.removed = labels + chrome_blocks(html, "\n".join(paragraphs))
    return result


def html_metadata(html: str, *, url: str | None = None) -> HtmlExtraction:
    """Only the metadata of a page (title, author, date, site, tags), for ``--as-is`` where text stays raw."""
    try:
        import trafilatura

        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - no metadata is a valid answer
        meta = None
    if meta is None:
        return HtmlExtraction(paragraphs=[])
    return HtmlExtraction(
        paragraphs=[],
        title=_clean(meta.title) or None,
        author=_clean(meta.author) or None,
        date=meta.date or None,
        sitename=_clean(meta.sitename) or None,
        url=meta.url or None,
        tags=_items(meta.tags),
        categories=_items(meta.categories),
        description=_clean(meta.description) or None,
    )
