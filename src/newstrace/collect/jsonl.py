"""JSON Lines dumps: one article per line (url, title, text or html, published, outlet, author, tags)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from newstrace.model import RawDocument


def _skip_line(stream: BinaryIO) -> None:
    """Read past the rest of an over-long line without keeping it."""
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


# what a JSON value that is no object is called in JSON's own words
_JSON_KINDS: dict[type, str] = {list: "an array", str: "a string", int: "a number", float: "a number",
                                bool: "true or false", type(None): "null"}


def _json_problem(exc: Exception) -> str:
    """What is wrong with a line that is no JSON, in words ("unterminated string starting at column 47")."""
    if isinstance(exc, UnicodeDecodeError):
        return f"its bytes are not valid UTF-8 (at byte {exc.start + 1})"
    if isinstance(exc, json.JSONDecodeError):
        msg = exc.msg.removesuffix(" at")  # "Invalid control character at"
        return f"{msg[:1].lower()}{msg[1:]} at column {exc.colno}"
    return str(exc)


def parse_record(line: bytes, uri: str, fetched_at: str | None) -> RawDocument:
    """One JSONL line as a document: the text or html as UTF-8 content, every other field into ``meta``.

    ``meta["format"]`` says whether the content is ``html`` or ``text``; a line that is not a JSON object, or has
    neither ``text`` nor ``html``, becomes an error document for that line alone.
    """
    try:
        obj: Any = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return RawDocument(uri, b"", "json", fetched_at, {}, error=f"malformed JSON line: {_json_problem(exc)}")
    if not isinstance(obj, dict):
        kind = _JSON_KINDS.get(type(obj), "value")
        return RawDocument(uri, b"", "json", fetched_at, {}, error=f"JSON line is {kind}, not an object")
    meta = {k: v for k, v in obj.items() if k not in ("text", "html")}
    html, text = obj.get("html"), obj.get("text")
    # html wins when both are present: it carries the structure extraction needs
    if isinstance(html, str) and html.strip():
        meta["format"] = "html"
        body = html
    elif isinstance(text, str) and text.strip():
        meta["format"] = "text"
        body = text
    else:
        return RawDocument(uri, b"", "json", fetched_at, meta, error="JSON line has no text or html")
    return RawDocument(uri, body.encode("utf-8", errors="surrogatepass"), "json", fetched_at, meta)


def iter_jsonl(stream: BinaryIO, uri: str, max_bytes: int, fetched_at: str | None = None) -> Iterator[RawDocument]:
    """Yield one document per non-blank line of a JSONL stream; a bad line is an error for that line only.

    Lines are read one at a time with a bound of ``max_bytes``, so a dump of any size streams and a runaway line
    is recorded as too large rather than read whole. Lines are numbered from 1 into ``uri#L<n>``.
    """
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        line_uri = f"{uri}#L{lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_line(stream)
            yield RawDocument(line_uri, b"", "json", fetched_at, {}, error=f"too large: line longer than {max_bytes} bytes")
            continue
        if not line.strip():
            continue
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.endswith(b"\n") and not line.rstrip().endswith(b"}"):
            # the last line stops short of its closing brace: the dump was cut here
            yield RawDocument(line_uri, b"", "json", fetched_at, {}, error="truncated JSON line at end of input")
            continue
        yield parse_record(line, line_uri, fetched_at)
