"""WARC archives: the HTML responses inside, one ``RawDocument`` each (via warcio, gzip members or plain)."""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newstrace.collect.sniff import binary_kind, format_from_content
from newstrace.collect.streams import CountingStream
from newstrace.model import RawDocument
from newstrace.reasons import describe

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")

# warcio's complaint about bytes that are no record: "Unknown archive format, first line: ['<the line>']"
_FIRST_LINE = re.compile(r"first line: \[['\"](.*)['\"]\]", re.DOTALL)


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


def _at_end(counted: CountingStream) -> bool:
    """Whether the archive's bytes are all read: a parse error there means the file was cut, not garbled."""
    try:
        return not counted.read(1)
    except Exception:  # noqa: BLE001 - a stream that fails to read on is as good as ended
        return True


def _more_records(records: Iterator[Any]) -> bool:
    """Whether the archive goes on with another record (read to find out: the iterator is used up after)."""
    try:
        return next(records, None) is not None
    except Exception:  # noqa: BLE001 - more bytes that are no record are more all the same
        return True


def _records(n: int) -> str:
    return "no whole record" if n == 0 else "1 whole record" if n == 1 else f"{n} whole records"


def unreadable_record(index: int, exc: BaseException, *, at_end: bool) -> str:
    """The reason for an archive whose record after ``index`` whole ones could not be parsed (warcio raised).

    At the end of the file the archive was cut inside that record's header block (warcio then trips over a
    missing field, often as an ``AttributeError``); elsewhere the bytes there are no WARC record.
    """
    where = f"record {index + 1}, after {_records(index)}"
    if isinstance(exc, ArchiveLoadFailed):
        first = _FIRST_LINE.search(str(exc))
        # a first line that is the start of "WARC/1.x" at the end of the file is a header cut after a few bytes
        if not (at_end and first and "WARC/1.1".startswith(first.group(1)[:8])):
            line = first.group(1)[:24] if first else ""
            found = f" (it starts {line!r})" if line.isprintable() and "\\x" not in line and line.strip() else ""
            return f"corrupt WARC: {where}, does not start with a WARC header line{found}"
    if at_end or isinstance(exc, EOFError):
        return f"truncated WARC: the archive ends inside the header block of {where}"
    if isinstance(exc, zlib.error):
        return f"corrupt WARC: the compressed data of {where} is damaged"
    return f"corrupt WARC: the header block of {where} is malformed ({describe(exc)})"


def unreadable_payload(index: int, exc: BaseException, *, at_end: bool) -> str:
    """The reason for an archive whose record ``index`` could not be read to its end."""
    if at_end or isinstance(exc, EOFError):
        return f"truncated WARC: the archive ends inside record {index}"
    if isinstance(exc, zlib.error):
        return f"corrupt WARC: the compressed data of record {index} is damaged"
    return f"corrupt WARC: record {index} could not be read ({describe(exc)})"


def iter_warc(stream: BinaryIO, uri: str, max_bytes: int) -> Iterator[RawDocument]:
    """Yield the HTML documents of a WARC stream, then an error document if the archive is truncated or corrupt.

    Response records (and resource records) whose payload is HTML become documents; other records (requests,
    metadata, images, redirects) are framing, not documents, and are passed over. A record whose declared length
    is above ``max_bytes`` is recorded as too large without being read into memory; a record shorter than its
    declared length means the archive was cut, which is recorded against the archive with the record's offset.
    Every failure is one document whose reason says, in words, where the archive stops and how: cut inside a
    record, inside a header block, inside a gzip member or before a record's closing lines ("truncated WARC: ..."),
    or holding bytes that are no record ("corrupt WARC: ..."); the whole records before it are yielded first.
    """
    index = 0
    member = None
    rec_format = ""
    counted = CountingStream(stream)
    try:
        archive = ArchiveIterator(counted, no_record_parse=False, arc2warc=True)
        records = iter(archive)
        while True:
            try:
                rec = next(records)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - warcio could not parse the next record's headers
                log.warning("WARC %s: record %d unreadable: %r", uri, index + 1, exc)
                yield RawDocument(uri, b"", "html", None, {"warc": uri},
                                  error=unreadable_record(index, exc, at_end=_at_end(counted)))
                return
            index += 1
            member = getattr(archive.reader, "decompressor", None)  # the gzip member this record is read from
            rec_format = rec.format or ""
            if not (rec.rec_headers.get_header("Content-Length") or "").strip().isdigit() \
                    or not rec.rec_headers.get_header("WARC-Record-ID"):
                # every WARC record declares its id and length; a header block without them was cut off when
                # nothing follows it, and is damage in the middle of the archive when more records do
                if _more_records(records):
                    error = (f"corrupt WARC: record {index}, after {_records(index - 1)}, has a damaged header block "
                             f"(no record id or length)")
                else:
                    error = f"truncated WARC: the archive ends inside the header block of record {index}, " \
                            f"after {_records(index - 1)}"
                yield RawDocument(uri, b"", "html", None, {"warc": uri}, error=error)
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
        if index and member is not None and not getattr(member, "eof", True):
            # the last gzip member stops before its trailer: its record is whole, what followed it is lost
            yield RawDocument(uri, b"", "html", None, {"warc": uri},
                              error=f"truncated WARC: the archive ends inside the gzip member of record {index}, "
                                    f"so whatever followed record {index} is lost")
        elif member is None and index and rec_format.startswith("warc") and counted.count - end < 4:
            # every WARC record closes with two CRLF lines, outside its length in an uncompressed archive
            yield RawDocument(uri, b"", "html", None, {"warc": uri},
                              error=f"truncated WARC: the archive ends before the blank lines that close record "
                                    f"{index}, so whatever followed record {index} is lost")
        elif counted.count - end > (0 if member is not None else 4):  # a gzip member holds its closing lines
            yield RawDocument(uri, b"", "html", None, {"warc": uri},
                              error=f"truncated WARC: the archive ends inside the header block of record {index + 1}, "
                                    f"after {_records(index)} ({counted.count - end} bytes left over)")
    except Exception as exc:  # noqa: BLE001 - a corrupt archive is recorded, never raised
        log.warning("WARC %s unreadable in record %d: %r", uri, index, exc)
        yield RawDocument(uri, b"", "html", None, {"warc": uri},
                          error=unreadable_payload(index, exc, at_end=_at_end(counted)))
