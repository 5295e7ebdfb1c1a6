"""robots.txt, fetched once per site through the same safe fetcher and cached, read with urllib.robotparser.

Following RFC 9309: a robots.txt that does not exist (any 4xx) allows everything; one that cannot be fetched
(5xx, timeout, network error) disallows the whole site until it can be fetched again.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from newstrace.collect.crawl import Crawler

OK_TTL = 3600.0
UNREACHABLE_TTL = 60.0


class RobotsCache:
    """Per-site robots rules for one user agent."""

    def __init__(self, crawler: Crawler, user_agent: str) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._site_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None, bool]] = {}

    def _site_lock(self, origin: str) -> threading.Lock:
        with self._lock:
            return self._site_locks.setdefault(origin, threading.Lock())

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this user agent fetch ``url``."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._site_lock(origin):
            cached = self._rules.get(origin)
            if cached is None or cached[0] < time.monotonic():
                cached = self._load(origin)
                self._rules[origin] = cached
        _, parser, allow_all = cached
        if parser is None:
            return allow_all
        return parser.can_fetch(self.user_agent, url)

    def _load(self, origin: str) -> tuple[float, urllib.robotparser.RobotFileParser | None, bool]:
        resp = self.crawler.fetch_raw(origin + "/robots.txt", accept="text/plain")
        now = time.monotonic()
        if resp.status is not None and 400 <= resp.status < 500 and resp.status != 429:
            return now + OK_TTL, None, True
        if not resp.ok:
            return now + UNREACHABLE_TTL, None, False
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(resp.content.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self.crawler.limiter.set_gap(urlsplit(origin).netloc.lower(), float(delay))
        return now + OK_TTL, parser, True
