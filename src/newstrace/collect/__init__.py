"""Collect: turn sources (paths, folders, globs, stdin, URLs, feeds) into ``RawDocument`` s, framing only.

``collect`` is lazy: it walks one source at a time, one file at a time, so a corpus of any size streams. A bad
source never raises; it yields a document whose ``error`` says why, and the next source goes on.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from newstrace.collect.files import failed, iter_file, iter_stdin, walk
from newstrace.model import RawDocument
from newstrace.settings import get_settings

__all__ = ["collect", "expand_paths", "is_url"]

_GLOB_CHARS = set("*?[")


def is_url(source: str) -> bool:
    """Whether a source names a web address rather than a path."""
    return source.lower().startswith(("http://", "https://"))


def expand_paths(source: str) -> Iterator[Path | str]:
    """The files one path-like source stands for, in sorted order; a string in the output is an error reason.

    A folder stands for every file under it (recursively), a glob pattern for its matches (``**`` recurses), a
    file for itself.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        yield from walk(path)
        return
    if path.exists() or path.is_symlink():
        yield path
        return
    if _GLOB_CHARS & set(source):
        matches = sorted(glob.glob(str(path), recursive=True))
        if not matches:
            yield f"no files match {source}"
        for m in matches:
            p = Path(m)
            if p.is_dir():
                yield from walk(p)
            else:
                yield p
        return
    yield "no such file or directory"


def collect(sources: Iterable[str], *, max_bytes: int | None = None,
            stdin: BinaryIO | None = None) -> Iterator[RawDocument]:
    """Yield a ``RawDocument`` for every document in ``sources``, lazily and in a stable order.

    Sources are file paths, folders (recursive), glob patterns, ``-`` for stdin (format sniffed), and http(s)
    URLs of pages, feeds or sitemaps. ``max_bytes`` (default ``Settings().max_bytes``) bounds every document read.
    """
    limit = max_bytes if max_bytes is not None else get_settings().max_bytes
    crawler = None  # one crawler for all URL sources: one connection pool, one robots cache, one rate limit
    try:
        for source in sources:
            if source == "-":
                yield from iter_stdin(stdin if stdin is not None else sys.stdin.buffer, limit)
            elif is_url(source):
                if crawler is None:
                    from newstrace.collect.crawl import Crawler
                    from newstrace.collect.web import Fetcher

                    crawler = Crawler(Fetcher(max_bytes=limit))
                yield from crawler.documents([source])
            else:
                for item in expand_paths(source):
                    if isinstance(item, str):
                        yield failed(source, item, meta={"path": source})
                    else:
                        yield from iter_file(item, limit)
    finally:
        if crawler is not None:
            crawler.fetcher.close()
