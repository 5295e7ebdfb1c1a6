"""A real HTTP server on 127.0.0.1 for the collect tests: routes are plain functions that tests change at will."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# a route answers (status, headers, body) or writes to the handler itself and returns None
Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes] | None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float
    host: str


@dataclass
class LocalSite:
    """One server: ``routes`` by path, every request recorded in ``hits``."""

    server: ThreadingHTTPServer
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        return f"{self.server.server_address[0]}:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for h in self.hits if h.path == path)

    def page(self, path: str, body: str | bytes, ctype: str = "text/html; charset=utf-8", status: int = 200,
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda _h: (status, {"Content-Type": ctype, **(headers or {})}, data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(host: str = "127.0.0.1") -> LocalSite:
    """A server on a free port of ``host``, serving in a daemon thread until ``close``."""
    site: LocalSite

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path
            with site.lock:
                site.hits.append(Hit(path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic(),
                                     self.server.server_address[0]))
            route = site.routes.get(path) or site.routes.get(path.split("?")[0])
            if route is None:
                body = b"not here"
                self.send_response(404)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            try:
                answer = route(self)
            except (BrokenPipeError, ConnectionResetError):
                return
            if answer is None:
                return
            status, headers, body = answer
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda *a: None  # type: ignore[method-assign]  # clients cut off on purpose (limits, timeouts)
    site = LocalSite(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (url, title, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate><author>desk@velmora.test (Ana Ruiz)</author>"
        f"<guid>{u}</guid></item>" for u, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://velmora.test/</link><description>News</description>{entries}</channel></rss>")


def article(headline: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{headline}</title></head><body><article>"
            f"<h1>{headline}</h1><p>{body}</p></article></body></html>")
