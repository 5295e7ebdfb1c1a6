"""Format detection: what a document is, from its name and from its first bytes.

The extension decides when it is one we know; otherwise (and to catch binary files under a text name) the first
few kilobytes decide. Detection only frames the document; decoding the text is extract's job.
"""

from __future__ import annotations

import json
import re

HEAD_BYTES = 8192

# magic numbers of formats that are never news text; the name goes into the recorded reason
MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x7fELF", "elf"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh91AY&SY", "bzip2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"wOFF", "woff"),
    (b"wOF2", "woff2"),
]

GZIP_MAGIC = b"\x1f\x8b"
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
}

# an HTML document announces itself with one of these tags near its start
_HTML_TAG = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|meta|title|article|div|p|script|style|link|main|section|h1)\b", re.I
)


def format_from_name(name: str) -> tuple[str | None, bool]:
    """The format a file name declares (html, text, jsonl, warc, or None) and whether it is gzip-compressed."""
    lower = name.lower()
    gz = False
    if lower.endswith(".gz") or lower.endswith(".gzip"):
        gz = True
        lower = lower.rsplit(".", 1)[0]
    dot = lower.rfind(".")
    ext = lower[dot:] if dot >= 0 and "/" not in lower[dot:] else ""
    return EXTENSIONS.get(ext), gz


def binary_kind(head: bytes) -> str | None:
    """The kind of binary content these first bytes show (``png``, ``NUL bytes``...), or None for text.

    A byte-order mark means text in a Unicode encoding (UTF-16 legitimately contains NUL bytes); otherwise a known
    magic number or NUL bytes mean the document is not text at all.
    """
    if head.startswith(BOMS):
        return None
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    if b"\x00" in head:
        return "NUL bytes"
    return None


def is_gzip(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC)


def format_from_content(head: bytes) -> str:
    """The format these first bytes look like: warc, jsonl, html, or text (the fallback)."""
    body = head
    for bom in BOMS:
        if body.startswith(bom):
            body = body[len(bom):]
            break
    stripped = body.lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            # a first line cut by the sniff window still looks like JSON lines when it is long and brace-opened
            if b"\n" not in stripped and len(head) >= HEAD_BYTES and stripped.startswith(b'{"'):
                return "jsonl"
    if _HTML_TAG.search(body[:4096]):
        return "html"
    return "text"
