"""Corrupt and truncated input: every recorded failure reason is a sentence a reader understands, the readable
part is still collected, the run goes on, and nothing already stored changes (issue 17)."""

from __future__ import annotations

import gzip
import io
import re
import sqlite3
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.collect import collect
from newstrace.ingest import ingest
from newstrace.reasons import failure_reason
from newstrace.store.sqlite import Store

PAGE = ("<html><head><title>Ferry strike in {town}</title></head><body><article><h1>Ferry strike in {town}</h1>"
        "<p>Ferry crews in {town} walked off the job on Tuesday after talks over night-shift pay broke down, the "
        "union said, leaving {n} passengers stranded at the pier.</p><p>The harbour commissioner, Elena Marchetti, "
        "said the port would hire relief crews if the strike lasted beyond the weekend.</p></article></body></html>")
TOWNS = ["Velmora", "Port Caskel", "Drennick", "Ossaly"]

# what a Python exception looks like when it leaks into a reason
RAW_PYTHON = re.compile(r"NoneType|object has no attribute|Traceback|\b[A-Z][a-zA-Z]+(Error|Exception|Failed): ")
READABLE = re.compile(r"^(truncated WARC|corrupt WARC|truncated gzip|not a WARC archive): [a-z]")


def write_warc(pages: list[tuple[str, bytes]], *, gz: bool) -> bytes:
    """A WARC of request + response records, as a crawler writes them."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body in pages:
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def pages(n: int = 4) -> list[tuple[str, bytes]]:
    return [(f"http://harbourwire.test/{i}", PAGE.format(town=TOWNS[i % 4], n=40 + i).encode()) for i in range(n)]


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_every_cut_of_a_warc_is_reported_in_words(tmp_path: Path, gz: bool) -> None:
    """Cut the archive at many points: the whole records before the cut come out in order, then one failure
    whose reason names what happened, never warcio's exception (it raised AttributeError on a cut header)."""
    src = pages()
    data = write_warc(src, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    step = max(1, len(data) // 300)
    for cut in range(9, len(data), step):
        if data[cut:].startswith((b"WARC/1.", b"\x1f\x8b\x08")):
            continue  # a cut between two records leaves a shorter archive that is whole: nothing to tell
        path.write_bytes(data[:cut])
        got = list(collect([str(path)]))
        failures = [d for d in got if d.error]
        assert len(failures) == 1 and got[-1] is failures[0], (cut, [d.error for d in got])
        reason = failures[0].error
        assert READABLE.match(reason) and not RAW_PYTHON.search(reason), (cut, reason)
        whole = [d.uri for d in got if d.error is None and not d.meta.get("truncated")]
        assert whole == [u for u, _ in src[: len(whole)]], cut


def test_a_cut_header_block_names_the_record(tmp_path: Path) -> None:
    data = write_warc(pages(), gz=False)
    # cut inside the header block of the seventh record (the fourth request), before its target URI
    starts = [i for i in range(len(data)) if data.startswith(b"WARC/1.0\r\n", i)]
    start = starts[6]
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: start + 40])
    got = list(collect([str(path)]))
    assert [d.uri for d in got[:-1]] == [u for u, _ in pages()[:3]]
    assert got[-1].error == ("truncated WARC: the archive ends inside the header block of record 7, "
                             "after 6 whole records")


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_garbage_between_records_is_corrupt_not_truncated(tmp_path: Path, gz: bool) -> None:
    src = pages()
    data = write_warc(src[:2], gz=gz) + b"<html>this is not a record</html>\n" + write_warc(src[2:], gz=gz)
    path = tmp_path / ("mixed.warc.gz" if gz else "mixed.warc")
    path.write_bytes(data)
    got = list(collect([str(path)]))
    assert [d.uri for d in got[:-1]] == [u for u, _ in src[:2]]
    assert got[-1].error.startswith("corrupt WARC: record 5, after 4 whole records, ")
    assert got[-1].error.endswith(("does not start with a WARC header line (it starts '<html>this is not a rec')",
                                   "has a damaged header block (no record id or length)"))


def test_generic_reasons_name_the_stage_in_words() -> None:
    reason = failure_reason("extract", AttributeError("'NoneType' object has no attribute 'startswith'"))
    assert reason == ("extraction error: an internal error in newstrace (AttributeError: 'NoneType' object has no "
                      "attribute 'startswith') while extracting the article")
    too_long = ValueError("[E088] Text of length 1200345 exceeds maximum of 1000000. The parser and NER models ...")
    assert failure_reason("analyze", too_long) == (
        "analysis error: the text is 1,200,345 characters long, more than the spaCy pipeline takes at once "
        "(1,000,000) while analysing the text")
    assert failure_reason("analyze", MemoryError()).startswith("analysis error: the document needs more memory")


def _rows(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("articles", "entities", "events", "quotes")}
    finally:
        con.close()


def test_a_run_over_corrupt_inputs_goes_on_and_stores_readable_reasons(tmp_path: Path, nlp) -> None:
    db = tmp_path / "store.db"
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.html").write_text(PAGE.format(town="Tessin Bay", n=12), encoding="utf-8")
    with Store(db) as store:
        assert ingest([str(good)], store).stored == 1
    before = _rows(db)

    bad = tmp_path / "bad"
    bad.mkdir()
    src = pages()
    full = write_warc(src, gz=True)
    (bad / "cut.warc.gz").write_bytes(full[: int(len(full) * 0.8)])
    plain = write_warc(src, gz=False)
    (bad / "cut.warc").write_bytes(plain[: plain.rindex(b"WARC/1.") + 30])
    (bad / "noise.warc").write_bytes(b"WARC/1.0\r\n" + bytes(range(256)) * 8)
    (bad / "page.html.gz").write_bytes(gzip.compress(PAGE.format(town="Ossaly", n=3).encode())[:70])
    (bad / "lines.jsonl").write_text('{"url": "https://harbourwire.test/x", "text": "Half a\n[1, 2]\n',
                                     encoding="utf-8")
    with Store(db) as store:
        stats = ingest([str(bad)], store)
        failures = [(r["uri"], r["stage"], r["reason"]) for r in store.failures()]
    assert stats.stored == 3 and stats.duplicates >= 2  # the whole records of both archives (the same pages)
    assert failures and stats.failed == len(failures)
    for uri, stage, reason in failures:
        assert reason and not RAW_PYTHON.search(reason), (uri, reason)
        assert reason[0].isalpha() and (": " not in reason or reason.split(": ")[-1][:1].islower()), (uri, reason)
    by_file = {Path(uri).name: reason for uri, _, reason in failures}
    assert by_file["lines.jsonl#L1"] == "malformed JSON line: invalid control character at column 54"
    assert by_file["lines.jsonl#L2"] == "JSON line is an array, not an object"
    assert by_file["cut.warc"].startswith("truncated WARC: the archive ends inside the header block of record 8")
    assert by_file["cut.warc.gz"].startswith("truncated WARC")
    after = _rows(db)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), table  # what was stored before is still there, unchanged


def test_a_refused_connection_is_said_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is not there: the reason says the connection was refused, not httpx's class name."""
    import socket

    from newstrace.collect.web import Fetcher
    from newstrace.settings import Settings

    monkeypatch.setenv("NEWSTRACE_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSTRACE_FETCH_TIMEOUT", "2")
    with socket.socket() as sock:  # a port that was free a moment ago and has nobody listening now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(Settings()) as fetcher:
        resp = fetcher.get(f"http://127.0.0.1:{port}/news/ferry-strike")
    assert resp.error is not None and resp.transient
    assert resp.error.startswith("fetch error: could not connect to the server (")
    assert "refused" in resp.error and not RAW_PYTHON.search(resp.error), resp.error
