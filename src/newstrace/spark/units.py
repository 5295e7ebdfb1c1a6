"""Units of work: what the driver hands the executors, in the order ``newstrace.collect.collect`` reads.

A unit is one file, one line range of a large plain JSONL dump (split on line ends, so each executor reads only
its bytes), or one row group of a Parquet file of JSONL-shaped records. Units are numbered in collect order, and
each document within a unit is numbered too, so ``(unit, doc)`` orders documents exactly as one ``ingest`` run
meets them; that order decides which copy of a duplicate is kept and the ``seq`` each article gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newstrace.collect import expand_paths, is_url
from newstrace.collect.sniff import format_from_name

SPLIT_BYTES = 8 * 1024 * 1024  # a plain JSONL dump larger than this is read in line ranges of about this size


@dataclass(frozen=True)
class Unit:
    """One piece of input: ``kind`` is ``file``, ``jsonl`` (a line range), ``parquet`` (a row group) or ``error``
    (a source that names nothing readable: recorded as a failed document, like ``collect`` does)."""

    unit: int
    source: str
    kind: str
    path: str = ""
    start: int = 0  # jsonl: first byte; parquet: row group
    end: int = -1  # jsonl: byte after the last
    first_line: int = 1  # jsonl: the number of the range's first line in the whole file
    error: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


UNIT_FIELDS = ("unit", "source", "kind", "path", "start", "end", "first_line", "error")


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def jsonl_ranges(path: Path, split_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(start byte, end byte, first line number) of line-aligned ranges of about ``split_bytes`` each.

    The driver reads the file once to count line ends (no parsing), so each range knows its lines' numbers and
    the documents keep the ``file#L<n>`` uris that ``collect`` gives them.
    """
    size = path.stat().st_size
    start, line = 0, 1
    with path.open("rb") as fh:
        while start < size:
            fh.seek(start)
            target = min(size, start + split_bytes)
            data = fh.read(target - start)
            if target < size:
                rest = fh.readline()  # run on to the end of the line the cut falls in
                data += rest
            end = start + len(data)
            yield start, end, line
            line += data.count(b"\n")
            start = end


def file_units(source: str, path: Path, split_bytes: int) -> Iterator[dict[str, Any]]:
    """The units one file stands for (without their numbers)."""
    declared, gz = format_from_name(path.name)
    if is_parquet(path):
        import pyarrow.parquet as pq

        try:
            groups = pq.ParquetFile(str(path)).num_row_groups
        except Exception as exc:  # noqa: BLE001 - a broken Parquet file is one failed document
            yield {"source": source, "kind": "error", "path": str(path), "error": f"unreadable Parquet: {exc}"}
            return
        for g in range(groups):
            yield {"source": source, "kind": "parquet", "path": str(path), "start": g}
        return
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if declared == "jsonl" and not gz and size > split_bytes:
        for start, end, line in jsonl_ranges(path, split_bytes):
            yield {"source": source, "kind": "jsonl", "path": str(path), "start": start, "end": end,
                   "first_line": line}
        return
    yield {"source": source, "kind": "file", "path": str(path)}


def plan_units(sources: Iterable[str], *, split_bytes: int = SPLIT_BYTES) -> list[Unit]:
    """Every unit of ``sources``, numbered in collect order; a source that names nothing is an ``error`` unit.

    Spark collects files only: URLs, feeds and stdin are for ``newstrace ingest``/``watch`` (a fetch from many
    executors would break the per-host politeness limits), so they become error units with that reason.
    """
    out: list[dict[str, Any]] = []
    for source in sources:
        if source == "-" or is_url(source):
            out.append({"source": source, "kind": "error", "path": source,
                        "error": "spark reads files only (fetch URLs and stdin with newstrace ingest)"})
            continue
        for item in expand_paths(source):
            if isinstance(item, str):
                out.append({"source": source, "kind": "error", "path": source, "error": item})
            else:
                out.extend(file_units(source, item, split_bytes))
    return [Unit(unit=i, **u) for i, u in enumerate(out)]
