"""Bytes to text: byte-order mark, declared charset, UTF-8, then charset detection, never a crash.

The order follows what browsers do (WHATWG "encoding sniffing"): a BOM wins, then the charset the transport or
the page declares, then UTF-8 when the bytes are valid UTF-8, then a statistical guess. Bytes that fit no
encoding are replaced (U+FFFD) rather than raising; a payload that is mostly undecodable or is a known binary
format is refused with ``DecodeError`` so that the caller records a failure instead of analysing noise.
"""

from __future__ import annotations

import codecs
import re

# how much of a large payload the binary test and the charset guess look at (both are prefix statistics)
SNIFF_BYTES = 64 * 1024

# magic numbers of formats that are never text (PDF, images, archives, office documents, executables)
BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",
    b"\x7fELF",
    b"MZ",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
)

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

# encodings that declare nothing useful: a page "in" one of these is decoded by the other rules
_NON_DECLARATIONS = {"binary", "none", "unknown", "x-user-defined"}

# single-byte legacy code pages that statistical guessers confuse with each other on short Western texts;
# when windows-1252 decodes too, it is the more likely truth (the WHATWG default for unlabelled Western pages)
_CONFUSABLE_SINGLE_BYTE = re.compile(r"^(cp|windows-|iso-?8859|latin|mac|koi8|ibm|hp|ptcp)", re.I)


class DecodeError(ValueError):
    """The payload is not text (binary, or mostly undecodable)."""


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when the label is unknown or meaningless."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if not label or label in _NON_DECLARATIONS:
        return None
    # WHATWG: latin-1 and ascii labels mean windows-1252 on the web
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(content: bytes) -> str | None:
    """The charset an HTML meta tag or an XML declaration in the first bytes declares, if any."""
    head = content[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def looks_binary(content: bytes) -> bool:
    """True for payloads that are not text: a known binary signature, NUL bytes, or many control bytes."""
    if content.startswith(BINARY_MAGIC):
        return True
    sample = content[:SNIFF_BYTES]
    if not sample:
        return False
    if any(sample.startswith(bom) for bom, enc in BOMS if enc.startswith("utf-16") or enc.startswith("utf-32")):
        return False  # UTF-16/32 text is full of NUL bytes by design
    nul = sample.count(0)
    controls = sum(sample.count(b) for b in (*range(1, 9), 11, 14, 15, *range(16, 27), *range(28, 32)))
    return nul > 0.01 * len(sample) or (nul + controls) > 0.05 * len(sample)


def _utf8_with_fallback(content: bytes) -> str:
    """UTF-8, with each invalid byte read as windows-1252: the repair for pages that mix the two encodings."""

    def repair(err: UnicodeError) -> tuple[str, int]:
        assert isinstance(err, UnicodeDecodeError)
        bad = err.object[err.start : err.end]
        return bad.decode("windows-1252", errors="replace"), err.end

    name = "newstrace-utf8-cp1252"
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, repair)
    return content.decode("utf-8", errors=name)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _guess(content: bytes) -> str | None:
    """A statistical guess of the encoding (charset-normalizer), biased to windows-1252 among look-alikes."""
    from charset_normalizer import from_bytes

    best = from_bytes(content[:SNIFF_BYTES]).best()
    if best is None:
        return None
    enc = best.encoding
    if enc != "cp1252" and _CONFUSABLE_SINGLE_BYTE.match(enc):
        try:
            content[:SNIFF_BYTES].decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return enc


def _replacement_share(text: str) -> float:
    sample = text[:SNIFF_BYTES]
    return sample.count("\ufffd") / max(len(sample), 1)


def decode(content: bytes, declared: str | None = None, *, sniff_html: bool = False) -> tuple[str, str]:
    """The text of ``content`` and the encoding used to read it.

    ``declared`` is the charset the transport gave (HTTP header, WARC record); with ``sniff_html`` a charset in
    a meta tag counts too. Raises ``DecodeError`` for binary or mostly undecodable payloads.
    """
    if looks_binary(content):
        raise DecodeError("binary or undecodable content")
    for bom, enc in BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(enc, errors="replace"), enc
    # bytes that are valid UTF-8 with multi-byte sequences are UTF-8 whatever a header claims: legacy text
    # almost never forms valid sequences, and servers often declare latin-1 for UTF-8 pages
    sample = content[:SNIFF_BYTES]
    if _UTF8_MULTIBYTE.search(sample):
        try:
            return content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    candidates = [_codec(declared)]
    if sniff_html:
        candidates.append(_codec(declared_charset(content)))
    for enc in candidates:
        if enc is None:
            continue
        if enc == "utf-8":
            break  # a UTF-8 declaration is handled below, with the repair for mixed encodings
        try:
            return content.decode(enc), enc
        except UnicodeDecodeError:
            # a wrong declaration is common; one that still decodes with few errors is the best we have
            text = content.decode(enc, errors="replace")
            if _replacement_share(text) < 0.001:
                return text, enc
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # valid multi-byte UTF-8 sequences beside invalid bytes: a UTF-8 page with pasted legacy text
    if len(_UTF8_MULTIBYTE.findall(sample)) >= 2:
        return _utf8_with_fallback(content), "utf-8+windows-1252"
    enc = _guess(content)
    if enc:
        text = content.decode(enc, errors="replace")
        if _replacement_share(text) < 0.05:
            return text, enc
    text = _utf8_with_fallback(content)
    return text, "utf-8+windows-1252"
