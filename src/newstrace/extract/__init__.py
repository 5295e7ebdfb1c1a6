"""Extract: one ``RawDocument`` in, one ``Article`` out (or ``ExtractError`` with the reason there is none).

HTML goes through trafilatura (``html.py``), plain-text scrapes through the line classifier (``plaintext.py``),
JSONL records through either according to their ``format``; bytes become text in ``decode.py`` and the fields
every form shares (outlet, dates, language) come from ``metadata.py``. Extraction is pure: the same document
and settings give the same article, and nothing here touches the store.

``as_is=True`` keeps the decoded input exactly as the text (no cleaning, no headline added) so that offsets
refer to the input; metadata is still filled where it can be found.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from newstrace.extract.compose import blank_line_paragraphs, compose
from newstrace.extract.decode import DecodeError, decode
from newstrace.extract.html import HtmlExtraction, extract_html, html_metadata
from newstrace.extract.metadata import guess_language, is_web_url, iso_date, outlet_from_footer, outlet_from_url
from newstrace.extract.plaintext import Classified, CorpusLines, classify
from newstrace.model import Article, RawDocument, Removed, article_id
from newstrace.settings import get_settings

__all__ = ["ExtractError", "extract", "CorpusLines"]

_HTML_SNIFF = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_HAS_BODY_TEXT = re.compile(r"<body", re.I)
# fewer words than this in what trafilatura keeps is no article (a menu, a cookie notice)
MIN_HTML_WORDS = 5


class ExtractError(ValueError):
    """A document from which no article can be extracted; the message is the reason stored with the failure."""


def _format(doc: RawDocument) -> str:
    """ "html" or "text": what the content is, by the collector's word, the JSONL record's, or a sniff."""
    kind = (doc.content_type or "").lower()
    if kind == "json":
        kind = str(doc.meta.get("format") or "").lower()
        if kind not in {"html", "text"}:
            kind = ""
    if kind in {"html", "text"}:
        return kind
    return "html" if _HTML_SNIFF.match(doc.content[:1024]) else "text"


def _text_of(doc: RawDocument, fmt: str) -> tuple[str, str]:
    """The decoded content and its encoding; raises ExtractError for empty, oversized or binary content."""
    content = doc.content
    if isinstance(content, str):  # a collector that already decoded (defensive; the contract says bytes)
        content = content.encode("utf-8", errors="replace")
    limit = get_settings().max_bytes
    if len(content) > limit:
        raise ExtractError(f"document too large ({len(content)} bytes; limit {limit}, NEWSTRACE_MAX_BYTES)")
    if not content.strip():
        raise ExtractError("empty document")
    try:
        text, encoding = decode(content, doc.meta.get("charset"), sniff_html=(fmt == "html"))
    except DecodeError as exc:
        raise ExtractError(str(exc)) from exc
    if not text.strip():
        raise ExtractError("empty document")
    return text, encoding


def _first(*values: Any) -> Any:
    for value in values:
        if value:
            return value
    return None


def _url(doc: RawDocument, found: str | None) -> str | None:
    return _first(doc.meta.get("url"), found if is_web_url(found) else None, doc.uri if is_web_url(doc.uri) else None)


def _tags(meta_tags: Any, *found: list[str]) -> list[str]:
    out: list[str] = []
    if isinstance(meta_tags, str):
        meta_tags = [t for t in meta_tags.split(",")]
    for tag in [*(meta_tags or []), *[t for group in found for t in group]]:
        tag = " ".join(str(tag).split())
        if tag and tag not in out:
            out.append(tag)
    return out


def extract(
    doc: RawDocument,
    *,
    as_is: bool = False,
    known_chrome: Collection[str] = (),
) -> Article:
    """The article in ``doc``: clean text with paragraph spans and the metadata found with it.

    Raises ``ExtractError`` with a short reason ("empty document", "binary or undecodable content", "no article
    text found", ...) when there is none. ``known_chrome`` are normalised lines a corpus repeats
    (``CorpusLines.frequent``), dropped from plain-text scrapes.
    """
    if doc.error:
        raise ExtractError(doc.error)
    fmt = _format(doc)
    text, encoding = _text_of(doc, fmt)
    if fmt == "html":
        return _from_html(doc, text, encoding, as_is=as_is)
    return _from_text(doc, text, encoding, as_is=as_is, known_chrome=known_chrome)


def _article(
    doc: RawDocument,
    *,
    text: str,
    paragraphs: list[list[int]],
    body_start: int,
    title: str | None,
    byline: str | None,
    published: str | None,
    tags: list[str],
    language: str | None,
    url: str | None,
    sitename: str | None,
    removed: list[Removed],
    meta: dict[str, Any],
) -> Article:
    outlet = (outlet_from_url(url) or _first(doc.meta.get("outlet"))
              or outlet_from_footer([r.text for r in removed]) or _first(sitename))
    meta = {k: v for k, v in meta.items() if v not in (None, "", [], {})}
    meta["body_start"] = body_start
    return Article(
        id=article_id(text),
        url=url,
        outlet=outlet,
        title=title,
        byline=byline,
        published=published,
        tags=tags,
        language=language or guess_language(text[body_start:]) or "en",
        text=text,
        paragraphs=paragraphs,
        removed=removed,
        uri=doc.uri,
        fetched_at=doc.fetched_at,
        meta=meta,
    )


def _from_html(doc: RawDocument, html: str, encoding: str, *, as_is: bool) -> Article:
    url_hint = _first(doc.meta.get("url"), doc.uri if is_web_url(doc.uri) else None)
    if as_is:
        found: HtmlExtraction = html_metadata(html, url=url_hint)
    else:
        found_or_none = extract_html(html, url=url_hint)
        # a page whose only "text" is a few menu words has no article
        if found_or_none is None or sum(len(p.split()) for p in found_or_none.paragraphs) < MIN_HTML_WORDS:
            reason = "no article text found" if _HAS_BODY_TEXT.search(html) else "no article text found (no <body>)"
            raise ExtractError(reason)
        found = found_or_none
    # a JSONL record's fields describe the document itself and win; a feed item's (meta "listed_in") only fill
    # in what the page lacks, since the page is the publisher's own word on its title, author and date
    def pick(key: str, page_value: Any) -> Any:
        return _first(page_value, doc.meta.get(key)) if doc.meta.get("listed_in") else _first(doc.meta.get(key), page_value)

    title = pick("title", found.title)
    removed = list(found.removed)
    if as_is:
        text, spans, body_start = html, blank_line_paragraphs(html), 0
    else:
        text, spans, body_start, duplicate = compose(title, found.paragraphs)
        if duplicate:
            removed.insert(0, Removed(text=title or "", reason="duplicate title"))
    return _article(
        doc,
        text=text,
        paragraphs=spans,
        body_start=body_start,
        title=title,
        byline=pick("author", found.author),
        published=iso_date(pick("published", found.date)),
        tags=_tags(doc.meta.get("tags"), found.tags, found.categories if not found.tags else []),
        language=found.language,
        url=_url(doc, found.url),
        sitename=found.sitename,
        removed=removed,
        meta={
            "extractor": "trafilatura",
            "encoding": encoding,
            "sitename": found.sitename,
            "description": found.description,
            "categories": found.categories,
        },
    )


def _from_text(doc: RawDocument, text: str, encoding: str, *, as_is: bool, known_chrome: Collection[str]) -> Article:
    title_hint = doc.meta.get("title")
    found: Classified = classify(text, title_hint=title_hint, url=_url(doc, None), known_chrome=known_chrome)
    title = _first(title_hint, found.title)
    removed = found.removed
    if as_is:
        body, spans, body_start, removed = text, blank_line_paragraphs(text), 0, []
    else:
        if not found.body:
            raise ExtractError("no article text found")
        body, spans, body_start, _ = compose(title, [line.text for line in found.body])
    return _article(
        doc,
        text=body,
        paragraphs=spans,
        body_start=body_start,
        title=title,
        byline=_first(doc.meta.get("author"), found.byline),
        published=iso_date(_first(doc.meta.get("published"), found.published)),
        tags=_tags(doc.meta.get("tags"), found.tags),
        language=found.language,
        url=_url(doc, None),
        sitename=None,
        removed=removed,
        meta={
            "extractor": "lines",
            "encoding": encoding,
            "author_bio": found.author_bio,
            "removed_total": found.removed_total if found.removed_total > len(found.removed) else None,
        },
    )
