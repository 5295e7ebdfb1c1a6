"""Executor side of the analysis: units -> documents -> ``process_batch`` -> ledger rows with stored article rows.

Every function here runs inside a Spark Python worker. The work per document is exactly ``newstrace ingest``'s:
``newstrace.ingest.process_batch`` extracts and analyses a batch (``analyze_many``, ``nlp.pipe``), with the
spaCy pipeline from ``load_nlp`` (cached per process, so one model load per Python worker, which Spark reuses
across tasks). Each article then goes through ``Store.add_article`` into an in-memory store and its row is read
back, so the row a Spark run keeps is the one ``ingest`` would have written. A document that fails at any stage
(unreadable, binary, too large, a broken WARC record, an extractor or analyzer crash) is a ledger row with its
stage and reason; the rest of the partition goes on.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from newstrace.collect.files import _mtime, failed, iter_file
from newstrace.collect.jsonl import iter_jsonl, parse_record
from newstrace.ingest import content_sha, process_batch
from newstrace.model import Failure, RawDocument
from newstrace.settings import get_settings

log = logging.getLogger(__name__)

BATCH = 32  # documents per process_batch call: ingest's default batch, so nlp.pipe sees the same batches

# the columns of one ledger row (the Spark schema is in ``newstrace.spark.schema.DOCUMENTS``)
DOC_FIELDS = ("unit", "doc", "uri", "sha", "status", "stage", "reason", "size", "fetched_at", "article_id",
              "published", "row")
_LINE = re.compile(r"#L(\d+)$")


def jsonl_range_documents(unit: dict[str, Any], max_bytes: int) -> Iterator[RawDocument]:
    """The documents of one line range of a JSONL dump, with the uris and metadata a whole-file read gives."""
    path = Path(unit["path"])
    with path.open("rb") as fh:
        fh.seek(unit["start"])
        data = fh.read(unit["end"] - unit["start"])
    uri = str(path)
    shift = unit["first_line"] - 1
    if shift and data.startswith(b"\xef\xbb\xbf"):
        data = b" " + data[3:]  # a BOM counts only at the very start of the file
    for doc in iter_jsonl(io.BytesIO(data), uri, max_bytes, _mtime(path)):
        if shift:
            doc.uri = _LINE.sub(lambda m: f"#L{int(m.group(1)) + shift}", doc.uri)
        doc.meta.setdefault("source", uri)
        yield doc


def parquet_documents(unit: dict[str, Any], max_bytes: int) -> Iterator[RawDocument]:
    """The documents of one row group of a Parquet file whose rows look like JSONL records (``url``, ``title``,
    ``text`` or ``html``, ``published``, ...): each row goes through the JSONL record parser, uri ``file#R<n>``."""
    import pyarrow.parquet as pq

    path = Path(unit["path"])
    pf = pq.ParquetFile(str(path))
    first = sum(pf.metadata.row_group(g).num_rows for g in range(unit["start"]))
    fetched = _mtime(path)
    for i, rec in enumerate(pf.read_row_group(unit["start"]).to_pylist()):
        uri = f"{path}#R{first + i + 1}"
        line = json.dumps({k: v for k, v in rec.items() if v is not None}, ensure_ascii=False, default=str)
        if len(line) > max_bytes:
            yield RawDocument(uri, b"", "json", fetched, {}, error=f"too large: row longer than {max_bytes} bytes")
            continue
        doc = parse_record(line.encode("utf-8"), uri, fetched)
        doc.meta.setdefault("source", str(path))
        yield doc


def unit_documents(unit: dict[str, Any], max_bytes: int) -> Iterator[RawDocument]:
    """The raw documents of one unit, as ``collect`` would yield them; never raises (a reading error is a failed
    document for the unit's file)."""
    kind = unit["kind"]
    try:
        if kind == "error":
            yield failed(unit["source"], unit["error"], meta={"path": unit["source"]})
        elif kind == "jsonl":
            yield from jsonl_range_documents(unit, max_bytes)
        elif kind == "parquet":
            yield from parquet_documents(unit, max_bytes)
        else:
            yield from iter_file(Path(unit["path"]), max_bytes)
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not end the partition
        log.exception("reading %s failed", unit["path"])
        yield failed(unit["path"], f"unreadable: {type(exc).__name__}: {exc}", meta={"path": unit["path"]})


def stored_rows(outcomes: list[Any]) -> dict[str, dict[str, Any]]:
    """The ``articles`` rows ``Store.add_article`` writes for the batch's articles, by article id (``seq`` and
    ``ingested_at`` left out: a Spark run numbers articles after deduplication, and stamps them when loaded)."""
    from newstrace.store.sqlite import Store

    rows: dict[str, dict[str, Any]] = {}
    with Store(":memory:") as store:
        for _raw, _sha, art, analysis, fail in outcomes:
            if fail is None and art is not None and store.add_article(art, analysis):
                row = dict(store.conn.execute("SELECT * FROM articles WHERE id=?", (art.id,)).fetchone())
                row.pop("seq", None)
                row.pop("ingested_at", None)
                rows[art.id] = row
    return rows


def outcome_rows(keys: list[tuple[int, int]], outcomes: list[Any]) -> Iterator[dict[str, Any]]:
    """One ledger row per document: ``ok`` with the stored article row (JSON), or ``failed`` with stage/reason."""
    rows = stored_rows(outcomes)
    for (unit, doc), (raw, sha, art, _analysis, fail) in zip(keys, outcomes):
        base = {"unit": unit, "doc": doc, "uri": raw.uri, "sha": sha, "fetched_at": raw.fetched_at}
        if fail is not None:
            yield {**base, "status": "failed", "stage": fail.stage, "reason": fail.reason, "size": fail.size,
                   "article_id": None, "published": None, "row": None}
        else:
            row = rows.get(art.id)
            yield {**base, "status": "ok", "stage": None, "reason": None, "size": None, "article_id": art.id,
                   "published": art.published, "row": json.dumps(row, ensure_ascii=False) if row else None}


def analyse_units(units: Iterable[dict[str, Any]], *, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Ledger rows for every document of ``units``, analysed in batches of ``batch`` (one ``process_batch`` each).

    A batch that crashes as a whole (it should not: ``process_batch`` isolates documents) is retried one
    document at a time, so only the culprit becomes a failure row.
    """
    max_bytes = get_settings().max_bytes

    def numbered() -> Iterator[tuple[tuple[int, int], RawDocument]]:
        for unit in units:
            for i, raw in enumerate(unit_documents(unit, max_bytes)):
                yield (unit["unit"], i), raw

    stream = numbered()
    while chunk := list(islice(stream, batch)):
        keys = [k for k, _ in chunk]
        raws = [r for _, r in chunk]
        try:
            outcomes = process_batch(raws)
        except Exception:  # noqa: BLE001 - find the document that breaks the batch
            outcomes = [one for raw in raws for one in _process_alone(raw)]
        yield from outcome_rows(keys, outcomes)


def _process_alone(raw: RawDocument) -> list[Any]:
    sha = content_sha(raw)
    size = len(raw.content)
    try:
        return process_batch([raw])
    except Exception as exc:  # noqa: BLE001
        log.exception("document %s failed", raw.uri)
        return [(raw, sha, None, None, Failure(raw.uri, "analyze", f"{type(exc).__name__}: {exc}", sha, size))]
