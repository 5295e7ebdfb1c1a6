"""The crawler: polite, robots-aware fetching of pages, feeds and sitemaps, shared by ``ingest URL`` and watch.

``fetch`` is the one door to the network: robots.txt first, then the per-host limiter, then the safe fetcher; a
429/503 with Retry-After closes the host for that long. ``documents`` turns source URLs into page documents,
expanding feeds and sitemaps (sitemap indexes down to ``MAX_DEPTH`` levels) into their items.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping

from newstrace.collect.feeds import Item, Listing, parse_listing
from newstrace.collect.politeness import HostLimiter
from newstrace.collect.robots import RobotsCache
from newstrace.collect.web import Fetcher, Response, host_of, normalise_url, page_document
from newstrace.model import RawDocument
from newstrace.settings import Settings, get_settings

log = logging.getLogger(__name__)

MAX_DEPTH = 3
LISTING_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
                  "text/html;q=0.8, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class Crawler:
    """Fetching with robots.txt, a per-host rate and concurrency cap, and Retry-After, over one ``Fetcher``."""

    def __init__(self, fetcher: Fetcher, settings: Settings | None = None, *, limiter: HostLimiter | None = None,
                 obey_robots: bool = True) -> None:
        s = settings or get_settings()
        self.fetcher = fetcher
        self.limiter = limiter or HostLimiter(s.host_rate, s.host_concurrency)
        self.robots = RobotsCache(self, fetcher.user_agent) if obey_robots else None
        self.done: set[str] = set()  # pages already yielded by ``documents`` (one fetch per page per crawler)

    def fetch_raw(self, url: str, *, headers: Mapping[str, str] | None = None, accept: str | None = None) -> Response:
        """One request within the host's limits (no robots check: robots.txt itself comes through here)."""
        host = host_of(url)
        with self.limiter.slot(host):
            resp = self.fetcher.get(url, headers=headers, accept=accept)
        if resp.status in (429, 503) and resp.retry_after:
            self.limiter.block(host, resp.retry_after)
            log.info("host %s asks to wait %.0fs (HTTP %s)", host, resp.retry_after, resp.status)
        return resp

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None, accept: str | None = None) -> Response:
        """One request, refused up front when robots.txt disallows it for our user agent."""
        if self.robots is not None and not self.robots.allowed(url):
            return Response(url=url, final_url=url, error="disallowed by robots.txt")
        return self.fetch_raw(url, headers=headers, accept=accept)

    def listing(self, resp: Response) -> Listing | None:
        """The feed or sitemap in a response, or None when the response is a page (or not readable at all)."""
        if not resp.ok or not resp.content:
            return None
        return parse_listing(resp.content, resp.final_url, resp.content_type, self.fetcher.max_bytes)

    def page(self, item: Item | str) -> RawDocument:
        """The document of one article page, with a listing item's facts as meta fill-ins."""
        url = item.url if isinstance(item, Item) else item
        meta = item.meta() if isinstance(item, Item) else {}
        return page_document(self.fetch(url, accept=PAGE_ACCEPT), meta)

    def documents(self, urls: Iterable[str]) -> Iterator[RawDocument]:
        """Yield one document per page, expanding feeds and sitemaps; each page once per run."""
        for url in urls:
            yield from self._source(url, self.done, 0)

    def _source(self, url: str, done: set[str], depth: int) -> Iterator[RawDocument]:
        resp = self.fetch(url, accept=LISTING_ACCEPT)
        listing = self.listing(resp)
        if listing is None:
            key = normalise_url(resp.final_url)
            if key not in done:
                done.add(key)
                yield page_document(resp)
            return
        if listing.error:
            yield RawDocument(url, b"", "html", resp.fetched_at, {"url": url, "listing": listing.kind},
                              error=listing.error)
            return
        for child in listing.children:
            if depth + 1 > MAX_DEPTH:
                yield RawDocument(child, b"", "html", None, {"url": child},
                                  error=f"sitemap index nested deeper than {MAX_DEPTH} levels")
                continue
            yield from self._source(child, done, depth + 1)
        for item in listing.items:
            key = normalise_url(item.url)
            if key in done:
                continue
            done.add(key)
            yield self.page(item)
