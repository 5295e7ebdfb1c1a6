"""Local documents: one file or one byte stream (stdin) as ``RawDocument`` s, whatever its format.

A file is framed by its extension when it has a known one and by sniffing its first bytes otherwise; gzip is
unwrapped while streaming. Nothing here raises for bad input: an unreadable, empty, binary, oversized or cut file
becomes a document with ``error`` set, so the failure is recorded against its uri and the run goes on.
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from newstrace.collect.jsonl import iter_jsonl
from newstrace.collect.sniff import HEAD_BYTES, binary_kind, format_from_content, format_from_name, is_gzip
from newstrace.collect.streams import read_head, read_head_partial, rejoin
from newstrace.collect.warc import iter_warc
from newstrace.model import RawDocument

log = logging.getLogger(__name__)

# the content_type a document of each format travels with (a WARC yields HTML pages)
CONTENT_TYPES = {"html": "html", "text": "text", "jsonl": "json", "warc": "html"}
GZIP_ERRORS = (EOFError, OSError, zlib.error)


def _mtime(path: Path) -> str | None:
    try:
        ts = path.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).replace(microsecond=0).isoformat()


def failed(uri: str, reason: str, content_type: str = "text", meta: dict | None = None) -> RawDocument:
    """A document that could not be read: no content, and the reason it is recorded with."""
    return RawDocument(uri, b"", content_type, None, dict(meta or {}), error=reason)


def _gzip_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip: compressed stream ended before its end marker"
    return f"corrupt gzip: {exc}"


def _read_single(body: BinaryIO, uri: str, fmt: str, max_bytes: int, fetched_at: str | None,
                 meta: dict) -> Iterator[RawDocument]:
    """One HTML or text document from ``body`` (already past any gzip layer), bounded by ``max_bytes``."""
    ctype = CONTENT_TYPES[fmt]
    chunks: list[bytes] = []
    got = 0
    try:
        while got <= max_bytes:
            # read1: one underlying read at a time, so bytes decoded before a gzip error are not lost with it
            chunk = body.read1(min(1 << 20, max_bytes + 1 - got))  # type: ignore[attr-defined]
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except GZIP_ERRORS as exc:
        # a cut archive: what decompressed cleanly is still a (partial) document, the rest is a recorded failure
        if chunks:
            yield RawDocument(uri, b"".join(chunks), ctype, fetched_at, {**meta, "truncated": True})
        yield failed(uri, _gzip_reason(exc), ctype, meta)
        return
    if got > max_bytes:
        yield failed(uri, f"too large: decompressed content > {max_bytes} bytes", ctype, meta)
        return
    yield RawDocument(uri, b"".join(chunks), ctype, fetched_at, meta)


def iter_stream(stream: BinaryIO, uri: str, name: str, max_bytes: int, *, fetched_at: str | None = None,
                meta: dict | None = None, seekable: bool = False) -> Iterator[RawDocument]:
    """Yield the documents in one byte stream: a single HTML/text page, JSONL lines or WARC records.

    ``name`` gives the declared format (its extension); the first bytes decide when the extension is unknown and
    always catch binary content. gzip is recognised by its magic number whatever the name says.
    """
    meta = dict(meta or {})
    declared, _ = format_from_name(name)
    try:
        head = read_head(stream, HEAD_BYTES)
    except OSError as exc:
        yield failed(uri, f"unreadable: {exc.strerror or exc}", meta=meta)
        return
    if not head:
        yield failed(uri, "empty file", CONTENT_TYPES.get(declared or "text", "text"), meta)
        return
    body: BinaryIO = rejoin(head, stream)
    if is_gzip(head):
        meta["compression"] = "gzip"
        gz = gzip.GzipFile(fileobj=body, mode="rb")
        try:
            inner, after = read_head_partial(gz, HEAD_BYTES, GZIP_ERRORS)
        except GZIP_ERRORS as exc:
            yield failed(uri, _gzip_reason(exc), CONTENT_TYPES.get(declared or "text", "text"), meta)
            return
        if not inner:
            yield failed(uri, "empty file (gzip holds no content)", CONTENT_TYPES.get(declared or "text", "text"), meta)
            return
        fmt = declared or format_from_content(inner)
        if fmt == "warc" and seekable:
            # warcio reads gzip members itself, which keeps record boundaries exact
            stream.seek(0)
            body = stream
        else:
            body = rejoin(inner, after)
        head = inner
    else:
        fmt = declared or format_from_content(head)
    if fmt == "warc":
        # WARC payloads may hold binary bytes anywhere; the archive itself must open with a record header
        if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
            kind = binary_kind(head)
            yield failed(uri, f"binary content ({kind})" if kind else "not a WARC archive: no WARC header",
                         "html", meta)
            return
    else:
        kind = binary_kind(head)
        if kind:
            yield failed(uri, f"binary content ({kind})", CONTENT_TYPES[fmt], meta)
            return
    try:
        if fmt == "warc":
            yield from iter_warc(body, uri, max_bytes)
        elif fmt == "jsonl":
            for doc in iter_jsonl(body, uri, max_bytes, fetched_at):
                doc.meta.setdefault("source", uri)
                yield doc
        else:
            yield from _read_single(body, uri, fmt, max_bytes, fetched_at, meta)
    except GZIP_ERRORS as exc:
        yield failed(uri, _gzip_reason(exc), CONTENT_TYPES[fmt], meta)


def _container(path: Path, declared: str | None) -> str | None:
    """``warc`` or ``jsonl`` when the file holds many documents (by its name, else by its first bytes)."""
    if declared in ("warc", "jsonl"):
        return declared
    if declared is not None:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if is_gzip(head):
                fh.seek(0)
                head, _ = read_head_partial(gzip.GzipFile(fileobj=fh), HEAD_BYTES, GZIP_ERRORS)
    except (OSError, EOFError, zlib.error):
        return None
    fmt = format_from_content(head)
    return fmt if fmt in ("warc", "jsonl") else None


def iter_file(path: Path, max_bytes: int) -> Iterator[RawDocument]:
    """Yield the documents of one file, after checking it can be read and is not larger than ``max_bytes``.

    The size is checked on the file system before a byte is read, so a 50 MB file under a 1 MB limit costs a
    ``stat`` and is recorded as too large. (For gzip the limit also bounds the decompressed size.)
    """
    uri = str(path)
    meta = {"path": uri}
    declared, _ = format_from_name(path.name)
    ctype = CONTENT_TYPES.get(declared or "text", "text")
    try:
        st = path.stat()
    except FileNotFoundError:
        yield failed(uri, "no such file", ctype, meta)
        return
    except OSError as exc:
        yield failed(uri, f"unreadable: {exc.strerror or exc}", ctype, meta)
        return
    if not path.is_file():
        yield failed(uri, "not a regular file", ctype, meta)
        return
    if st.st_size == 0:
        yield failed(uri, "empty file", ctype, meta)
        return
    # WARC and JSONL are containers: the limit applies to each record or line, not to the whole file
    if st.st_size > max_bytes and _container(path, declared) is None:
        yield failed(uri, f"too large: {st.st_size} bytes > {max_bytes}", ctype, meta)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the generator is drained
    except PermissionError:
        yield failed(uri, "permission denied", ctype, meta)
        return
    except OSError as exc:
        yield failed(uri, f"unreadable: {exc.strerror or exc}", ctype, meta)
        return
    try:
        yield from iter_stream(handle, uri, path.name, max_bytes, fetched_at=_mtime(path), meta=meta, seekable=True)
    finally:
        handle.close()


def iter_stdin(stream: BinaryIO, max_bytes: int, uri: str = "<stdin>") -> Iterator[RawDocument]:
    """Yield the documents piped on stdin; the format is sniffed since there is no name to go by."""
    fetched = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    yield from iter_stream(stream, uri, "", max_bytes, fetched_at=fetched, meta={"path": "-"})


# a folder of news often carries its own documentation and scripts: those are not documents to ingest
# (a file named explicitly on the command line is always read)
NOT_NEWS_SUFFIXES = {".md", ".rst", ".py", ".sh", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".lock"}
NOT_NEWS_NAMES = {"readme", "license", "licence", "copying", "changelog", "makefile", "notice"}


def is_corpus_file(name: str) -> bool:
    """Whether a file found inside a folder is taken as a document (not hidden, not docs or code)."""
    if name.startswith("."):
        return False
    path = Path(name)
    return path.suffix.lower() not in NOT_NEWS_SUFFIXES and path.stem.lower() not in NOT_NEWS_NAMES


def walk(root: Path) -> Iterator[Path]:
    """The files under ``root``, recursively, in a stable sorted order; hidden files and folders, and the
    documentation and code files a corpus folder may carry (``is_corpus_file``), are passed over."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: log.warning("cannot list %s", e.filename)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if is_corpus_file(name):
                yield Path(dirpath) / name
