"""WARC archives: the HTML responses inside, one ``RawDocument`` each (via warcio, gzip members or plain)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from newstrace.collect.sniff import binary_kind, format_from_content
from newstrace.collect.streams import CountingStream
from newstrace.model import RawDocument

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header, lower-cased, or None."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _status(rec) -> int | None:  # type: ignore[no-untyped-def]
    if rec.http_headers is None:
        return None
    code = (rec.http_headers.get_statuscode() or "").strip()
    return int(code) if code.isdigit() else None


def _drain(rec) -> bool:  # type: ignore[no-untyped-def]
    """Read past a record that is not kept; True when the archive ended before the record's declared length."""
    while rec.raw_stream.read(1 << 16):
        pass
    return (getattr(rec.raw_stream, "limit", 0) or 0) > 0


def iter_warc(stream: BinaryIO, uri: str, max_bytes: int) -> Iterator[RawDocument]:
    """Yield the HTML documents of a WARC stream, then an error document if the archive is truncated or corrupt.

    Response records (and resource records) whose payload is HTML become documents; other records (requests,
    metadata, images, redirects) are framing, not documents, and are passed over. A record whose declared length
    is above ``max_bytes`` is recorded as too large without being read into memory; a record shorter than its
    declared length means the archive was cut, which is recorded against the archive with the record's offset.
    """
    index = 0
    counted = CountingStream(stream)
    try:
        archive = ArchiveIterator(counted, no_record_parse=False, arc2warc=True)
        for rec in archive:
            index += 1
            if not (rec.rec_headers.get_header("Content-Length") or "").strip().isdigit() \
                    or not rec.rec_headers.get_header("WARC-Record-ID"):
                # every WARC record declares its id and length; a header block without them was cut off
                yield RawDocument(uri, b"", "html", None, {"warc": uri},
                                  error=f"truncated WARC: record {index} has an incomplete header block")
                return
            if rec.rec_type not in ("response", "resource"):
                if _drain(rec):
                    yield RawDocument(uri, b"", "html", None, {"warc": uri},
                                      error=f"truncated WARC: {rec.rec_type} record {index} is cut short")
                    return
                continue
            target = rec.rec_headers.get_header("WARC-Target-URI") or f"{uri}#record{index}"
            date = rec.rec_headers.get_header("WARC-Date")
            if rec.rec_type == "response":
                if rec.http_headers is None:
                    # a response record cut before its HTTP headers ended
                    yield RawDocument(target, b"", "html", date, {"warc": uri},
                                      error=f"truncated WARC: record {index} ends inside its HTTP headers")
                    return
                status = _status(rec)
                if status is not None and not 200 <= status < 300:
                    if _drain(rec):
                        yield RawDocument(uri, b"", "html", None, {"warc": uri},
                                          error=f"truncated WARC: record {index} is cut short")
                        return
                    continue
                content_type = rec.http_headers.get_header("Content-Type")
            else:
                status = None
                content_type = rec.rec_headers.get_header("Content-Type")
            media = _media_type(content_type)
            if media and media not in HTML_TYPES:
                if _drain(rec):
                    yield RawDocument(uri, b"", "html", None, {"warc": uri},
                                      error=f"truncated WARC: record {index} ({target}) is cut short")
                    return
                continue
            declared = rec.rec_headers.get_header("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                yield RawDocument(target, b"", "html", date, {"warc": uri},
                                  error=f"too large: {declared} bytes > {max_bytes}")
                continue
            content = rec.content_stream().read(max_bytes + 1)
            left = getattr(rec.raw_stream, "limit", 0) or 0
            meta = {"url": target, "warc": uri, "warc_record": index}
            charset = _charset(content_type)
            if charset:
                meta["charset"] = charset
            if status is not None:
                meta["http_status"] = status
            if left > 0:
                # fewer bytes than the record declared: the archive ends inside this record
                if content and not media and format_from_content(content[:8192]) != "html":
                    content = b""
                if content:
                    meta["truncated"] = True
                    yield RawDocument(target, content, "html", date, meta)
                yield RawDocument(uri, b"", "html", date, {"warc": uri},
                                  error=f"truncated WARC: record {index} ({target}) is missing {left} bytes")
                return
            if len(content) > max_bytes:
                yield RawDocument(target, b"", "html", date, meta, error=f"too large: decoded payload > {max_bytes} bytes")
                continue
            if not content:
                continue
            kind = binary_kind(content[:8192])
            if kind:
                yield RawDocument(target, b"", "html", date, meta, error=f"binary content ({kind})")
                continue
            if not media and format_from_content(content[:8192]) != "html":
                continue
            yield RawDocument(target, content, "html", date, meta)
        # the archive ran out inside a record's headers (warcio stops quietly there): bytes are left over after the
        # last whole record, beyond the blank lines that close it
        end = sum(archive.member_info) if archive.member_info else 0
        if counted.count - end > 4:
            yield RawDocument(uri, b"", "html", None, {"warc": uri},
                              error=f"truncated WARC: {counted.count - end} bytes after record {index} are not a whole record")
    except Exception as exc:  # noqa: BLE001 - a corrupt archive is recorded, never raised
        log.warning("WARC %s unreadable after record %d: %s", uri, index, exc)
        yield RawDocument(uri, b"", "html", None, {"warc": uri},
                          error=f"corrupt WARC after record {index}: {type(exc).__name__}: {exc}")
