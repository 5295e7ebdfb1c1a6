"""collect over local inputs: formats, folders, globs, stdin, and every kind of bad input recorded, never raised."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.collect import collect

PAGE = "<html><head><title>Harbour vote in Velmora</title></head><body><p>{}</p></body></html>"


def docs(*sources: str | Path, **kw):
    return list(collect([str(s) for s in sources], **kw))


def write_warc(path: Path, pages: list[tuple[str, bytes, str]], *, gz: bool = True) -> bytes:
    """A real WARC of response records (url, body, content type), plus a request record and an image to skip."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body, ctype in pages:
        req = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(req)
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        writer.write_record(rec)
    data = buf.getvalue()
    path.write_bytes(data)
    return data


# -- formats -----------------------------------------------------------------------------------------------------

def test_html_and_text_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE.format("The council met."), encoding="utf-8")
    (tmp_path / "b.txt").write_text("Port authority reports record tonnage.\n", encoding="utf-8")
    got = docs(tmp_path)
    assert [Path(d.uri).name for d in got] == ["a.html", "b.txt"]
    assert [d.content_type for d in got] == ["html", "text"]
    assert all(d.error is None for d in got)
    assert got[1].content == b"Port authority reports record tonnage.\n"
    assert got[0].fetched_at and got[0].meta["path"].endswith("a.html")


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page.dat").write_text("\n\n  <!DOCTYPE html>" + PAGE.format("x"), encoding="utf-8")
    (tmp_path / "notes.dat").write_text("Plain words about a ferry strike.", encoding="utf-8")
    (tmp_path / "dump.out").write_text(json.dumps({"url": "u", "text": "A line."}) + "\n", encoding="utf-8")
    write_warc(tmp_path / "crawl.bin", [("http://velmora.test/a", PAGE.format("a").encode(), "text/html")])
    by_name = {Path(d.uri.split("#")[0]).name: d for d in docs(tmp_path)}
    assert by_name["page.dat"].content_type == "html"
    assert by_name["notes.dat"].content_type == "text"
    assert by_name["dump.out"].content_type == "json" and by_name["dump.out"].meta["format"] == "text"
    warc_docs = [d for d in docs(tmp_path / "crawl.bin")]
    assert [d.uri for d in warc_docs] == ["http://velmora.test/a"]


def test_jsonl_records_and_malformed_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": "https://gazette.test/1", "title": "Dock strike ends", "text": "Workers returned.",
                    "published": "2026-03-02", "outlet": "Velmora Gazette", "author": "R. Tamsin", "tags": ["port"]}),
        '{"url": "https://gazette.test/2", "title": broken',
        "",
        json.dumps({"url": "https://gazette.test/3", "html": PAGE.format("Ferry fares rise.")}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"url": "https://gazette.test/5", "title": "no body"}),
        json.dumps({"url": "https://gazette.test/6", "text": "Último parte: la niebla cerró el puerto."}),
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = docs(path)
    assert [d.uri for d in got] == [f"{path}#L{n}" for n in (1, 2, 4, 5, 6, 7)]
    first = got[0]
    assert first.error is None and first.content_type == "json"
    assert first.content == b"Workers returned."
    assert first.meta["format"] == "text" and first.meta["outlet"] == "Velmora Gazette"
    assert first.meta["tags"] == ["port"] and "text" not in first.meta
    assert got[1].error.startswith("malformed JSON line")
    assert got[2].meta["format"] == "html" and b"Ferry fares rise." in got[2].content
    assert "not an object" in got[3].error
    assert got[4].error == "JSON line has no text or html"
    assert got[5].content.decode("utf-8") == "Último parte: la niebla cerró el puerto."


def test_jsonl_cut_mid_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text(json.dumps({"url": "a", "text": "Whole line."}) + '\n{"url": "b", "text": "Half', encoding="utf-8")
    got = docs(path)
    assert got[0].error is None
    assert got[1].uri.endswith("#L2") and "truncated" in got[1].error


def test_gzip_of_each_format(tmp_path: Path) -> None:
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(PAGE.format("Zipped page.").encode()))
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"Zipped text."))
    rows = "".join(json.dumps({"url": f"u{i}", "text": f"Row {i}."}) + "\n" for i in range(3))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    (tmp_path / "d.gz").write_bytes(gzip.compress(rows.encode()))  # no inner extension: sniffed after gunzip
    write_warc(tmp_path / "e.warc.gz", [("http://velmora.test/e", b"<html><body>E</body></html>", "text/html")])
    got = docs(tmp_path)
    assert all(d.error is None for d in got), [d.error for d in got]
    kinds = [(Path(d.uri.split("#")[0]).name if "://" not in d.uri else d.uri, d.content_type) for d in got]
    assert kinds[:2] == [("a.html.gz", "html"), ("b.txt.gz", "text")]
    assert got[1].content == b"Zipped text." and got[1].meta["compression"] == "gzip"
    assert [d.content for d in got if d.uri.startswith(str(tmp_path / "c.jsonl.gz"))] == [b"Row 0.", b"Row 1.", b"Row 2."]
    assert len([d for d in got if d.uri.startswith(str(tmp_path / "d.gz"))]) == 3
    assert kinds[-1] == ("http://velmora.test/e", "html")


def test_warc_responses_with_charset_and_date(tmp_path: Path) -> None:
    body = "<html><head><meta charset='windows-1252'></head><body>Caf\xe9 owners protest.</body></html>".encode("cp1252")
    write_warc(tmp_path / "crawl.warc", [
        ("http://velmora.test/cafe", body, "text/html; charset=Windows-1252"),
        ("http://velmora.test/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
        ("http://velmora.test/next", b"<html><body>Second</body></html>", "text/html"),
    ], gz=False)
    got = docs(tmp_path / "crawl.warc")
    assert [d.uri for d in got] == ["http://velmora.test/cafe", "http://velmora.test/next"]
    cafe = got[0]
    assert cafe.content == body and cafe.content_type == "html"
    assert cafe.meta["charset"] == "windows-1252" and cafe.meta["url"] == "http://velmora.test/cafe"
    assert cafe.meta["http_status"] == 200
    assert cafe.fetched_at and cafe.fetched_at[:2] == "20"
    assert "charset" not in got[1].meta


# -- bad input ---------------------------------------------------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (got,) = docs(tmp_path / "empty.html")
    assert got.error == "empty file" and got.content == b""


@pytest.mark.parametrize("name,data,kind", [
    ("chart.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(200), "png"),
    ("report.html", b"%PDF-1.7\n" + os.urandom(200), "pdf"),
    ("bundle.dat", b"PK\x03\x04" + os.urandom(200), "zip"),
    ("blob.txt", b"abc\x00\x00\x01def" * 20, "NUL bytes"),
])
def test_binary_content(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    (tmp_path / name).write_bytes(data)
    (got,) = docs(tmp_path / name)
    assert got.error == f"binary content ({kind})"


def test_invalid_utf8_and_mixed_encodings_are_still_collected(tmp_path: Path) -> None:
    latin = "Le maire de Velmora a démissionné.".encode("latin-1")
    mixed = "Première ligne.\n".encode("utf-8") + "Deuxième ligne.\n".encode("cp1252") + b"\xff\xfe broken\n"
    utf16 = "Die Fähre fährt wieder.".encode("utf-16")  # BOM + NUL bytes: text, not binary
    (tmp_path / "a.txt").write_bytes(latin)
    (tmp_path / "b.txt").write_bytes(mixed)
    (tmp_path / "c.txt").write_bytes(utf16)
    got = docs(tmp_path)
    assert [d.error for d in got] == [None, None, None]
    assert [d.content for d in got] == [latin, mixed, utf16]


def test_too_large_is_rejected_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper
    with open(big, "r+b") as fh:
        fh.write(b"Long scrape. ")
    read_sizes: list[int] = []
    real_open = open

    def spy_open(file, mode="r", *a, **k):  # type: ignore[no-untyped-def]
        if str(file) == str(big):
            read_sizes.append(1)
        return real_open(file, mode, *a, **k)

    monkeypatch.setattr("builtins.open", spy_open)
    (got,) = docs(big, max_bytes=1024 * 1024)
    assert got.error == f"too large: {50 * 1024 * 1024} bytes > {1024 * 1024}"
    assert read_sizes == []  # never opened
    monkeypatch.setenv("NEWSTRACE_MAX_BYTES", str(2 * 1024 * 1024))
    (got,) = docs(big)
    assert got.error.startswith("too large: 52428800 bytes > 2097152")


def test_gzip_bomb_bounded_by_decompressed_size(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (8 * 1024 * 1024)))
    (got,) = docs(tmp_path / "bomb.txt.gz", max_bytes=1024 * 1024)
    assert got.error == f"too large: decompressed content > {1024 * 1024} bytes"


def test_truncated_gzip_yields_what_was_readable(tmp_path: Path) -> None:
    rows = "".join(json.dumps({"url": f"u{i}", "text": f"Row {i} " + "pad " * 200}) + "\n" for i in range(200))
    data = gzip.compress(rows.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    got = docs(path)
    good = [d for d in got if d.error is None]
    assert 0 < len(good) < 200
    assert [d.content for d in good] == [f"Row {i} ".encode() + b"pad " * 200 for i in range(len(good))]
    assert got[-1].error.startswith("truncated gzip") and got[-1].uri == str(path)

    text = tmp_path / "cut.txt.gz"
    whole = gzip.compress(("Harbour news. " * 20000).encode())
    text.write_bytes(whole[: len(whole) // 2])
    partial, err = docs(text)
    assert partial.error is None and partial.meta["truncated"] is True
    assert partial.content and ("Harbour news. " * 20000).encode().startswith(partial.content)
    assert err.error.startswith("truncated gzip")


def test_corrupt_gzip_header(tmp_path: Path) -> None:
    (tmp_path / "x.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate" * 3)
    (got,) = docs(tmp_path / "x.html.gz")
    assert got.error and ("gzip" in got.error)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc(tmp_path: Path, gz: bool) -> None:
    pages = [(f"http://velmora.test/{i}", PAGE.format(f"Story {i} " + "word " * 1500).encode(), "text/html")
             for i in range(4)]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    data = write_warc(path, pages, gz=gz)
    path.write_bytes(data[: int(len(data) * 0.6)])
    got = docs(path)
    complete = [d for d in got if d.error is None and not d.meta.get("truncated")]
    assert [d.uri for d in complete] == [p[0] for p in pages[: len(complete)]]
    assert 1 <= len(complete) < 4
    assert got[-1].error and got[-1].error.startswith(("truncated WARC", "corrupt WARC"))
    assert got[-1].uri in (str(path),) + tuple(p[0] for p in pages)


def test_not_a_warc(tmp_path: Path) -> None:
    (tmp_path / "fake.warc").write_text("just some words", encoding="utf-8")
    (got,) = docs(tmp_path / "fake.warc")
    assert got.error == "not a WARC archive: no WARC header"


def test_missing_and_unreadable(tmp_path: Path) -> None:
    (got,) = docs(tmp_path / "nowhere.html")
    assert got.error == "no such file or directory"
    (got,) = docs(str(tmp_path / "*.nomatch"))
    assert got.error.startswith("no files match")
    locked = tmp_path / "locked.html"
    locked.write_text(PAGE.format("secret"), encoding="utf-8")
    locked.chmod(0)
    try:
        (got,) = docs(locked)
        if os.geteuid() != 0:  # root reads anything
            assert got.error == "permission denied"
    finally:
        locked.chmod(0o644)


# -- sources -----------------------------------------------------------------------------------------------------

def test_directory_recursion_and_glob_in_sorted_order(tmp_path: Path) -> None:
    for rel in ["z.txt", "a/b/deep.html", "a/first.txt", "m.html", ".hidden/x.txt", "a/.secret.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Text of {rel}.", encoding="utf-8")
    names = [Path(d.uri).relative_to(tmp_path).as_posix() for d in docs(tmp_path)]
    assert names == ["m.html", "z.txt", "a/first.txt", "a/b/deep.html"]
    globbed = [Path(d.uri).relative_to(tmp_path).as_posix() for d in docs(str(tmp_path / "**" / "*.html"))]
    assert globbed == ["a/b/deep.html", "m.html"]


def test_collect_is_lazy(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Doc {i}.", encoding="utf-8")
    it = collect([str(tmp_path)])
    first = next(it)
    (tmp_path / "2.txt").unlink()  # removed after the walk began: recorded, not raised
    rest = list(it)
    assert first.error is None and rest[-1].error == "no such file"


def test_stdin_sniffed_in_process() -> None:
    rows = (json.dumps({"url": "a", "text": "One."}) + "\n" + json.dumps({"url": "b", "text": "Two."}) + "\n").encode()
    got = list(collect(["-"], stdin=io.BytesIO(rows)))
    assert [d.uri for d in got] == ["<stdin>#L1", "<stdin>#L2"]
    got = list(collect(["-"], stdin=io.BytesIO(gzip.compress(PAGE.format("piped").encode()))))
    assert got[0].content_type == "html" and b"piped" in got[0].content
    (empty,) = collect(["-"], stdin=io.BytesIO(b""))
    assert empty.error == "empty file"


def test_stdin_through_a_real_pipe() -> None:
    code = (
        "import json\n"
        "from newstrace.collect import collect\n"
        "print(json.dumps([[d.uri, d.content_type, d.error, d.content.decode()] for d in collect(['-'])]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=b"A plain dispatch from the harbour.\n",
                          capture_output=True, timeout=60, check=True)
    assert json.loads(proc.stdout) == [["<stdin>", "text", None, "A plain dispatch from the harbour.\n"]]


def test_warc_cut_inside_a_record_header(tmp_path: Path) -> None:
    pages = [(f"http://velmora.test/{i}", PAGE.format(f"Story {i}").encode(), "text/html") for i in range(3)]
    path = tmp_path / "cut.warc"
    data = write_warc(path, pages, gz=False)
    second_response = data.index(b"WARC-Type: response", data.index(b"WARC-Type: response") + 1)
    path.write_bytes(data[: second_response + 12])
    got = docs(path)
    assert [d.uri for d in got[:-1]] == ["http://velmora.test/0"]
    assert got[-1].error.startswith("truncated WARC")


def test_warc_record_over_the_limit(tmp_path: Path) -> None:
    write_warc(tmp_path / "big.warc", [
        ("http://velmora.test/big", PAGE.format("long " * 5000).encode(), "text/html"),
        ("http://velmora.test/small", PAGE.format("short").encode(), "text/html"),
    ])
    big, small = docs(tmp_path / "big.warc", max_bytes=4096)
    assert big.uri == "http://velmora.test/big" and big.error.startswith("too large:")
    assert small.error is None and b"short" in small.content


def test_large_jsonl_dump_is_limited_per_line_not_per_file(tmp_path: Path) -> None:
    rows = "".join(json.dumps({"url": f"u{i}", "text": f"Dispatch {i}. " + "calm seas " * 40}) + "\n"
                   for i in range(400))
    (tmp_path / "dump.jsonl").write_text(rows, encoding="utf-8")
    (tmp_path / "dump.out.gz").write_bytes(gzip.compress(rows.encode()))  # sniffed as JSONL inside gzip
    limit = 16 * 1024
    assert len(rows) > limit
    got = docs(tmp_path / "dump.jsonl", max_bytes=limit)
    assert len(got) == 400 and all(d.error is None for d in got)
    assert len(docs(tmp_path / "dump.out.gz", max_bytes=limit)) == 400
    (tmp_path / "big.txt").write_text("calm seas " * 5000, encoding="utf-8")
    (big,) = docs(tmp_path / "big.txt", max_bytes=limit)
    assert big.error.startswith("too large")
