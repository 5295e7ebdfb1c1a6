"""Politeness per host: a minimum gap between request starts (the rate limit) and a cap on parallel requests.

A host that answers 429/503 with Retry-After, or whose robots.txt asks for a Crawl-delay, is given a longer gap;
the limiter is shared by every worker thread, so the limit holds for the whole process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostLimiter:
    """Spaces request starts to each host by ``1 / rate`` seconds and lets ``concurrency`` run at once per host."""

    def __init__(self, rate: float, concurrency: int, *, clock=time.monotonic, sleep=time.sleep) -> None:  # type: ignore[no-untyped-def]
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.concurrency = max(1, concurrency)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._gap: dict[str, float] = {}
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._turns: dict[str, threading.Lock] = {}

    def _sem(self, host: str) -> tuple[threading.BoundedSemaphore, threading.Lock]:
        with self._lock:
            sem = self._sems.get(host)
            if sem is None:
                sem = self._sems[host] = threading.BoundedSemaphore(self.concurrency)
                self._turns[host] = threading.Lock()
            return sem, self._turns[host]

    def set_gap(self, host: str, seconds: float) -> None:
        """Ask for at least ``seconds`` between requests to ``host`` (robots.txt Crawl-delay)."""
        with self._lock:
            self._gap[host] = max(seconds, self.interval)

    def block(self, host: str, seconds: float) -> None:
        """Send nothing to ``host`` for ``seconds`` (a Retry-After)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self._clock() + seconds)

    def wait_time(self, host: str) -> float:
        """Seconds until ``host`` may be asked again (0 when it may be asked now)."""
        with self._lock:
            return max(0.0, self._next.get(host, 0.0) - self._clock())

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's parallel slots, starting no sooner than the host's next allowed time."""
        sem, turn = self._sem(host)
        sem.acquire()
        try:
            # one thread at a time waits for the host's turn, and the next turn counts from the moment this one
            # actually starts: a thread that wakes late pushes the next start back instead of crowding it
            with turn:
                while True:
                    with self._lock:
                        now = self._clock()
                        wait = self._next.get(host, 0.0) - now
                        if wait <= 0:
                            self._next[host] = now + self._gap.get(host, self.interval)
                            break
                    self._sleep(wait)
            yield
        finally:
            sem.release()
