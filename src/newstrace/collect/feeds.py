"""Feeds and sitemaps: the article URLs they list, with what they say about each article.

RSS and Atom go through feedparser; XML sitemaps (``urlset``), sitemap indexes (``sitemapindex``) and Google
News sitemaps (``news:news``) through a streaming ElementTree parse. An item carries the title, date, author
and outlet the listing gives, under the same ``meta`` names a JSONL record uses, so extract can fill in what a
page lacks. XML that declares entities is refused (entity expansion is the XML form of a compression bomb).
"""

from __future__ import annotations

import calendar
import gzip
import io
import re
import time
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
XML_TYPES = ("application/xml", "text/xml", "application/x-gzip", "application/gzip") + FEED_TYPES

_ROOT = re.compile(rb"<\s*(?:[A-Za-z_][\w.-]*:)?(rss|feed|rdf|urlset|sitemapindex)\b", re.I)
_ENTITY = re.compile(rb"<!ENTITY", re.I)


@dataclass
class Item:
    """One article a listing points to, with the facts the listing gives about it (None when not given)."""

    url: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    outlet: str | None = None
    tags: list[str] = field(default_factory=list)
    source: str | None = None  # the feed or sitemap it was listed in

    def meta(self) -> dict[str, Any]:
        """The item's facts as ``RawDocument.meta`` fill-ins (absent facts are left out)."""
        out: dict[str, Any] = {k: v for k, v in (("title", self.title), ("published", self.published),
                                                ("author", self.author), ("outlet", self.outlet)) if v}
        if self.tags:
            out["tags"] = list(self.tags)
        if self.source:
            out["listed_in"] = self.source
        return out


@dataclass
class Listing:
    """What a feed or sitemap lists: article items, child sitemaps (for an index), or the reason it can't be read."""

    kind: str  # feed | sitemap | sitemapindex
    items: list[Item] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    error: str | None = None


def _gunzip(content: bytes, limit: int) -> bytes:
    """A gzip-compressed sitemap (``sitemap.xml.gz``), inflated no further than ``limit`` bytes."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(content, limit + 1)
    if len(out) > limit:
        raise ValueError(f"too large: decompressed sitemap > {limit} bytes")
    return out


def listing_kind(content: bytes, content_type: str | None = None) -> str | None:
    """``feed``, ``sitemap`` or ``sitemapindex`` when the body is one (by its root element), else None."""
    head = content[:4096]
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(content)).read(4096)
        except (OSError, EOFError, zlib.error):
            return None
    m = _ROOT.search(head)
    if not m:
        media = (content_type or "").split(";")[0].strip().lower()
        return "feed" if media in FEED_TYPES else None
    root = m.group(1).lower().decode()
    if root in ("rss", "feed", "rdf"):
        return "feed"
    return root


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat()


def _http_url(url: str | None, base: str) -> str | None:
    if not url:
        return None
    full = urljoin(base, url.strip())
    parts = urlsplit(full)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return full.split("#", 1)[0]


def parse_feed(content: bytes, base_url: str, content_type: str | None = None) -> Listing:
    """The items of an RSS or Atom feed; a feed feedparser cannot read at all is a ``Listing`` with ``error``.

    A feed with some broken markup but readable entries still yields them (feedparser's "bozo" feeds are common);
    only a feed with no entries and a parse error is malformed.
    """
    if _ENTITY.search(content[:65536]):
        return Listing("feed", error="refused: feed declares XML entities")
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    outlet = (parsed.feed.get("title") or "").strip() or None
    items: list[Item] = []
    for entry in parsed.entries:
        url = _http_url(entry.get("link"), base_url) or _http_url(entry.get("id"), base_url)
        if not url:
            continue
        tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
        items.append(Item(url=url, title=(entry.get("title") or "").strip() or None,
                          published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
                          author=(entry.get("author") or "").strip() or None, outlet=outlet, tags=tags,
                          source=base_url))
    if not items and parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        return Listing("feed", error=f"malformed feed: its XML is broken ({exc})")
    return Listing("feed", items=items)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(elem: ET.Element, *path: str) -> str | None:
    """The text of the first descendant along ``path`` (local names, namespaces ignored)."""
    cur: ET.Element | None = elem
    for name in path:
        if cur is None:
            return None
        cur = next((c for c in cur if _local(c.tag) == name), None)
    if cur is None or cur.text is None:
        return None
    return cur.text.strip() or None


def _date(value: str | None) -> str | None:
    """A W3C datetime from a sitemap as ISO 8601 (kept as written when it is already a date)."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
        return value  # a date without a time stays as precise as the source gives it
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value


def parse_sitemap(content: bytes, base_url: str, limit: int) -> Listing:
    """The URLs of a sitemap (with news titles and dates), or the child sitemaps of a sitemap index."""
    try:
        if content.startswith(b"\x1f\x8b"):
            content = _gunzip(content, limit)
    except (ValueError, zlib.error) as exc:
        return Listing("sitemap", error=f"corrupt sitemap: {exc}")
    if _ENTITY.search(content[:65536]):
        return Listing("sitemap", error="refused: sitemap declares XML entities")
    listing = Listing(listing_kind(content) or "sitemap")
    try:
        for _, elem in ET.iterparse(io.BytesIO(content), events=("end",)):
            name = _local(elem.tag)
            if name == "sitemap":
                url = _http_url(_child_text(elem, "loc"), base_url)
                if url:
                    listing.children.append(url)
                elem.clear()
            elif name == "url":
                url = _http_url(_child_text(elem, "loc"), base_url)
                if url:
                    # a news sitemap names the article's title, publication date and outlet
                    listing.items.append(Item(
                        url=url, title=_child_text(elem, "news", "title"),
                        published=_date(_child_text(elem, "news", "publication_date") or _child_text(elem, "lastmod")),
                        outlet=_child_text(elem, "news", "publication", "name"),
                        tags=[t.strip() for t in (_child_text(elem, "news", "keywords") or "").split(",") if t.strip()],
                        source=base_url))
                elem.clear()
    except ET.ParseError as exc:
        if not listing.items and not listing.children:
            listing.error = f"malformed sitemap: {exc}"
    return listing


def parse_listing(content: bytes, base_url: str, content_type: str | None, limit: int) -> Listing | None:
    """The listing in a fetched body, or None when the body is not a feed or sitemap (then it is a page)."""
    kind = listing_kind(content, content_type)
    if kind is None:
        return None
    if kind == "feed":
        return parse_feed(content, base_url, content_type)
    return parse_sitemap(content, base_url, limit)
