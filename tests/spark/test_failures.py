"""Documents that cannot be read (binary, too large, a broken WARC record) become ledger rows with their stage
and reason; the other documents of the same partition are stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.spark.read import read_table

pytestmark = [pytest.mark.slow, pytest.mark.spark]

PAGE = ("<html><head><title>Ferry strike in {town}</title></head><body><article><h1>Ferry strike in {town}</h1>"
        "<p>Ferry crews in {town} walked off the job on Tuesday after talks over night-shift pay broke down, the "
        "union said, leaving {n} passengers stranded at the pier.</p><p>The harbour commissioner, Elena Marchetti, "
        "said the port would hire relief crews if the strike lasted beyond the weekend.</p></article></body></html>")


def warc(pages: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()


def test_failing_documents_are_recorded_and_the_partition_goes_on(spark, tmp_path: Path) -> None:
    from newstrace.spark.job import run

    src = tmp_path / "in"
    src.mkdir()
    pages = [(f"http://harbourwire.test/{i}", PAGE.format(town=t, n=40 + i).encode())
             for i, t in enumerate(["Velmora", "Port Caskel", "Drennick"])]
    # a WARC whose third record is garbage: the two before it are stored, the break is a recorded failure
    (src / "a-crawl.warc").write_bytes(warc(pages[:2]) + b"<html>this is not a record</html>\n" + warc(pages[2:]))
    (src / "b-image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (src / "c-huge.txt").write_bytes(b"word " * (21 * 1024 * 1024 // 5))  # over the 20 MiB default limit
    (src / "d-page.html").write_bytes(PAGE.format(town="Ossaly", n=77).encode())

    stats = run([str(src)], tmp_path / "out", spark=spark, partitions=1, link=False)
    docs = read_table(tmp_path / "out", "documents").to_pylist()
    failed = {d["uri"].rsplit("/", 1)[-1]: d for d in docs if d["status"] == "failed"}
    assert failed["b-image.html"]["stage"] == "collect" and "binary" in failed["b-image.html"]["reason"]
    assert failed["c-huge.txt"]["reason"].startswith("too large")
    assert "WARC" in failed["a-crawl.warc"]["reason"], failed["a-crawl.warc"]
    titles = sorted(a["title"] for a in read_table(tmp_path / "out", "articles").to_pylist())
    assert titles == ["Ferry strike in Ossaly", "Ferry strike in Port Caskel", "Ferry strike in Velmora"]
    assert stats.failed == 3 and stats.articles == 3


def test_a_run_where_every_document_fails_still_writes_every_table(spark, tmp_path: Path) -> None:
    from newstrace.export.tables import TABLES
    from newstrace.spark.job import run

    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    stats = run([str(tmp_path / "image.html")], tmp_path / "out", spark=spark, partitions=1)
    assert stats.failed == 1 and stats.articles == 0
    for table in TABLES:
        assert read_table(tmp_path / "out", table).num_rows == 0, table
