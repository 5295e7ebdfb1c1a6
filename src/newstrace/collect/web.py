"""Fetching web pages safely: httpx with redirect, size, decompression and time limits, and no SSRF.

``Fetcher.get`` follows redirects itself (each hop is checked and counted), sends conditional headers when
asked, and reads the body within limits: the bytes on the wire, the bytes after decompression (a gzip bomb stops
at the limit, it is never inflated whole) and the total time (a server that drips bytes stops at the deadline).
It never raises for a network problem: the ``Response`` says what went wrong. ``page_document`` turns a response
into a ``RawDocument`` with the final URL, HTTP status, declared charset and fetch time in ``meta``.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from newstrace.collect.safety import GuardedBackend, HostPolicy, UnsafeAddress
from newstrace.collect.sniff import binary_kind, format_from_content
from newstrace.model import RawDocument
from newstrace.reasons import describe
from newstrace.settings import Settings, get_settings

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 65536


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def normalise_url(url: str) -> str:
    """A URL as compared for identity: scheme and host lower-cased, the fragment dropped, an empty path as ``/``."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def host_of(url: str) -> str:
    """The host:port a URL is fetched from (the unit of politeness)."""
    parts = urlsplit(url)
    return parts.netloc.lower()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def charset_of(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


@dataclass
class Response:
    """What one fetch gave: the body within limits, or the reason there is none."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    fetched_at: str = field(default_factory=utcnow)
    redirects: list[str] = field(default_factory=list)
    error: str | None = None
    transient: bool = False  # worth retrying later (timeouts, 5xx, 429, connection errors)
    retry_after: float | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class _Limited(Exception):
    """The body broke a limit while it was read."""

    def __init__(self, reason: str, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


class _Decoder:
    """Content-Encoding decoding with a bound on the output: a compressed bomb stops at ``limit`` bytes."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        enc = (encoding or "identity").strip().lower()
        self.limit = limit
        self.size = 0
        if enc in ("", "identity"):
            self._d = None
        elif enc in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._d = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise _Limited(f"unsupported content encoding: {enc}")

    def feed(self, data: bytes) -> bytes:
        if self._d is None:
            out = data
        else:
            try:
                out = self._d.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                raise _Limited(f"corrupt compressed body: {exc}") from exc
        self.size += len(out)
        if self.size > self.limit:
            raise _Limited(f"too large: decompressed body > {self.limit} bytes")
        return out

    def flush(self) -> bytes:
        if self._d is None:
            return b""
        out = self._d.flush()
        self.size += len(out)
        if self.size > self.limit:
            raise _Limited(f"too large: decompressed body > {self.limit} bytes")
        return out



_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


def _timeout_reason(exc: BaseException, limit: float | None) -> str:
    """A timeout in words: which part of the exchange took longer than the limit."""
    within = f" within {limit:g}s" if limit else ""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"the server did not accept a connection{within}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the server stopped sending{within}"
    if isinstance(exc, httpx.PoolTimeout):
        return f"no connection was free{within}"
    return f"the server did not answer{within}"


def network_reason(exc: BaseException) -> str:
    """A failed fetch in words ("could not connect to the server: connection refused"), from the transport's
    exception; an unknown one is named as the internal error it is."""
    detail = _ERRNO.sub("", str(exc).strip()).rstrip(".")
    low = detail.casefold()
    if isinstance(exc, httpx.ConnectError) or isinstance(exc, ConnectionError):
        if "name or service not known" in low or "nodename nor servname" in low or "name resolution" in low:
            return "the host name could not be resolved"
        if "certificate" in low or "ssl" in low or "tls" in low:
            return f"no secure connection could be set up ({detail})"
        return f"could not connect to the server ({detail[:1].lower()}{detail[1:]})" if detail \
            else "could not connect to the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke off or answered with malformed HTTP ({detail})"
    if isinstance(exc, httpx.DecodingError):
        return f"the server's response could not be decoded ({detail})"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"the address cannot be fetched ({detail})"
    return describe(exc)

class Fetcher:
    """A safe HTTP client for one process: one connection pool, the SSRF guard, and the limits of ``Settings``."""

    def __init__(self, settings: Settings | None = None, *, max_bytes: int | None = None,
                 timeout: float | None = None, max_redirects: int | None = None, user_agent: str | None = None,
                 allow_hosts: Iterable[str] | None = None) -> None:
        s = settings or get_settings()
        self.max_bytes = max_bytes if max_bytes is not None else s.max_bytes
        self.timeout = timeout if timeout is not None else s.fetch_timeout
        self.max_redirects = max_redirects if max_redirects is not None else s.max_redirects
        self.user_agent = user_agent or s.user_agent
        self.policy = HostPolicy.from_list(allow_hosts if allow_hosts is not None else s.allow_hosts)
        step = min(10.0, self.timeout)
        transport = httpx.HTTPTransport(retries=0)
        # the guarded backend checks every address at connect time; the pool is rebuilt around it
        transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
            ssl_context=httpx.create_ssl_context(), max_connections=64, max_keepalive_connections=32,
            keepalive_expiry=30.0, network_backend=GuardedBackend(self.policy))
        self.client = httpx.Client(
            transport=transport, trust_env=False, follow_redirects=False,
            timeout=httpx.Timeout(step, connect=step, read=step, write=step, pool=self.timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None, accept: str | None = None) -> Response:
        """Fetch ``url``, following at most ``max_redirects`` redirects, each hop checked; never raises."""
        start = time.monotonic()
        deadline = start + self.timeout
        resp = Response(url=url, final_url=url)
        current = url
        seen = {normalise_url(url)}
        req_headers = dict(headers or {})
        if accept:
            req_headers["Accept"] = accept
        try:
            for _hop in range(self.max_redirects + 1):
                parts = urlsplit(current)
                if parts.scheme not in ("http", "https") or not parts.hostname:
                    resp.error = f"refused: not an http(s) URL: {current}"
                    return resp
                resp.final_url = current
                with self.client.stream("GET", current, headers=req_headers) as r:
                    resp.status = r.status_code
                    resp.headers = {k.lower(): v for k, v in r.headers.items()}
                    if r.status_code in REDIRECTS and "location" in resp.headers:
                        nxt = urljoin(current, resp.headers["location"])
                        key = normalise_url(nxt)
                        if key in seen:
                            resp.error = f"redirect loop: {nxt} again after {len(resp.redirects) + 1} hops"
                            return resp
                        seen.add(key)
                        resp.redirects.append(nxt)
                        current = nxt
                        continue
                    if r.status_code == 304:
                        return resp
                    if r.status_code == 429 or r.status_code >= 500:
                        resp.retry_after = parse_retry_after(resp.headers.get("retry-after"))
                        resp.error = f"HTTP {r.status_code}"
                        resp.transient = True
                        return resp
                    if r.status_code >= 400:
                        resp.error = f"HTTP {r.status_code}"
                        resp.transient = r.status_code == 408
                        return resp
                    resp.content = self._read_body(r, deadline)
                    return resp
            resp.error = f"too many redirects: more than {self.max_redirects}"
            return resp
        except UnsafeAddress as exc:
            resp.error = f"refused: {exc}"
        except _Limited as exc:
            resp.error = str(exc)
            resp.transient = exc.transient
            resp.content = b""
        except httpx.TimeoutException as exc:
            resp.error = f"timeout: {_timeout_reason(exc, self.timeout)}"
            resp.transient = True
        except httpx.HTTPError as exc:
            resp.error = f"fetch error: {network_reason(exc)}"
            resp.transient = True
        except (OSError, ValueError) as exc:
            resp.error = f"fetch error: {network_reason(exc)}"
            resp.transient = True
        finally:
            resp.elapsed = time.monotonic() - start
        return resp

    def _read_body(self, r: httpx.Response, deadline: float) -> bytes:
        """The decoded body within the byte, decompression and time limits (raises ``_Limited`` past one)."""
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _Limited(f"too large: Content-Length {declared} > {self.max_bytes} bytes")
        decoder = _Decoder(r.headers.get("content-encoding"), self.max_bytes)
        raw = 0
        parts: list[bytes] = []
        for chunk in r.iter_raw():
            raw += len(chunk)
            if raw > self.max_bytes:
                raise _Limited(f"too large: response body > {self.max_bytes} bytes")
            parts.append(decoder.feed(chunk))
            if time.monotonic() > deadline:
                raise _Limited(f"timeout: body not complete after {self.timeout:g}s", transient=True)
        parts.append(decoder.flush())
        return b"".join(parts)


def page_document(resp: Response, meta: Mapping[str, Any] | None = None) -> RawDocument:
    """The ``RawDocument`` of a fetched page: HTML content, or the recorded reason it is not one.

    ``meta`` (a feed item's title, date, author) is kept beside the fetch facts: ``url`` (final), ``requested_url``,
    ``http_status``, ``charset`` (as declared by HTTP), ``content_type`` and ``redirects``.
    """
    info: dict[str, Any] = dict(meta or {})
    info.update({"url": resp.final_url, "requested_url": resp.url, "http_status": resp.status,
                 "fetched_at": resp.fetched_at})
    if resp.redirects:
        info["redirects"] = list(resp.redirects)
    ctype = resp.content_type
    if ctype:
        info["content_type"] = ctype
    charset = charset_of(ctype)
    if charset:
        info["charset"] = charset
    uri = resp.final_url
    if resp.error:
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error=resp.error)
    if not resp.ok:
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error=f"HTTP {resp.status}")
    media = media_type(ctype)
    if media and media not in HTML_TYPES:
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error=f"skipped: content type {media} is not HTML")
    if not resp.content:
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error="empty response body")
    kind = binary_kind(resp.content[:8192])
    if kind:
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error=f"binary content ({kind})")
    if not media and format_from_content(resp.content[:8192]) != "html":
        return RawDocument(uri, b"", "html", resp.fetched_at, info, error="skipped: no content type and not HTML")
    return RawDocument(uri, resp.content, "html", resp.fetched_at, info)


def collect_urls(urls: Iterable[str], *, max_bytes: int | None = None, fetcher: Fetcher | None = None,
                 settings: Settings | None = None) -> Iterator[RawDocument]:
    """Yield the documents behind URLs: a page is one document; a feed or sitemap yields its items' pages.

    Requests go out one at a time, within the per-host rate of ``Settings.host_rate`` and as robots.txt allows.
    """
    from newstrace.collect.crawl import Crawler

    s = settings or get_settings()
    own = fetcher is None
    f = fetcher or Fetcher(s, max_bytes=max_bytes)
    try:
        yield from Crawler(f, s).documents(urls)
    finally:
        if own:
            f.close()
