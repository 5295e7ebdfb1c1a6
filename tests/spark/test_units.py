"""Units of work read the documents ``collect`` reads, in its order: a JSONL dump cut into line ranges gives the
same documents (uris ``file#L<n>`` included) as reading it whole; a Parquet file of JSONL-shaped rows gives one
document per row; a source that names nothing is a failed document. No Spark needed: this is executor code."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newstrace.collect import collect
from newstrace.ingest import extract_one
from newstrace.model import Article
from newstrace.spark.documents import unit_documents
from newstrace.spark.units import plan_units

MAX = 20 * 1024 * 1024


def records(n: int) -> list[dict[str, str]]:
    return [{"url": f"https://harbourwire.test/{i}", "title": f"Ferry strike day {i}", "published": "2026-09-05",
             "text": f"Ferry crews walked off the job for the {i}th day, the union said. " * 3} for i in range(n)]


def docs_of(units: list) -> list[tuple[str, bytes, dict]]:
    return [(d.uri, d.content, d.meta) for u in units for d in unit_documents(u.as_row(), MAX)]


def test_a_jsonl_dump_read_in_line_ranges_gives_what_collect_gives(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps(r) for r in records(30)]
    lines.insert(7, "")  # a blank line keeps the numbering of the lines after it
    lines.insert(12, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = plan_units([str(path)], split_bytes=400)
    assert len(units) > 5 and all(u.kind == "jsonl" for u in units)
    whole = [(d.uri, d.content, d.meta) for d in collect([str(path)])]
    assert docs_of(units) == whole


def test_a_parquet_file_gives_one_document_per_row(tmp_path: Path) -> None:
    path = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(records(5)), str(path), row_group_size=2)
    units = plan_units([str(tmp_path / "*.parquet")])
    assert [u.kind for u in units] == ["parquet"] * 3
    docs = [d for u in units for d in unit_documents(u.as_row(), MAX)]
    assert [d.uri for d in docs] == [f"{path}#R{i}" for i in range(1, 6)]
    arts = [extract_one(d) for d in docs]
    assert all(isinstance(a, Article) for a in arts)
    assert [a.title for a in arts] == [f"Ferry strike day {i}" for i in range(5)]


def test_a_source_that_names_nothing_is_a_failed_document(tmp_path: Path) -> None:
    units = plan_units([str(tmp_path / "nothing-here.html"), "https://outlet.test/feed.xml"])
    docs = [d for u in units for d in unit_documents(u.as_row(), MAX)]
    assert [d.error for d in docs][0] == next(iter(collect([str(tmp_path / "nothing-here.html")]))).error
    assert "spark reads files only" in docs[1].error
