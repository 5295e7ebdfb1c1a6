"""Export-table rows from a Spark run's records, with the export's own code (``newstrace.export.tables``).

A record is one stored article row (JSON) with its ``seq`` and, after linking, the story of each of its events.
``all_rows_batches`` rebuilds the ``Item`` that ``newstrace export`` reads from a store (``Selection._item``) and
yields ``article_rows(item)``, so every column means and holds what the export writes; ``typed_batches`` turns one
table's staged rows into the export's Arrow schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newstrace.export.select import Item, StoryLink
from newstrace.export.tables import TABLES, article_rows, report_row, story_row
from newstrace.spark.schema import PARTITION, pub_date, with_partition
from newstrace.store.sqlite import article_from_row


def item_of(seq: int, row: dict[str, Any], links: dict[str, Any] | None) -> Item:
    """The export's ``Item`` for one stored article row, its events' stories attached."""
    analysis = json.loads(row["analysis"]) if row.get("analysis") else None
    it = Item(seq, article_from_row(row), analysis, row.get("ingested_at"))
    for event_id, link in (links or {}).items():
        it.stories[event_id] = StoryLink(**link)
    return it


ROWS = pa.schema([("table", pa.string()), (PARTITION, pa.string()), ("row", pa.string())])


def all_rows_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records in, the rows of every article-level table out as (table, pub_date, row JSON),
    so each record is parsed and turned into rows once for all seven tables."""
    for batch in batches:
        cols = batch.to_pydict()
        out: list[dict[str, Any]] = []
        for seq, row_json, links_json in zip(cols["seq"], cols["row"], cols["links"]):
            row = json.loads(row_json)
            it = item_of(seq, row, json.loads(links_json) if links_json else None)
            date = pub_date(row.get("published"))
            out.extend({"table": name, PARTITION: date, "row": json.dumps(r, ensure_ascii=False)}
                       for name, r in article_rows(it))
        yield pa.RecordBatch.from_pylist(out, schema=ROWS)


def typed_batches(table: str, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: one table's rows as JSON (``row``, ``pub_date``) in, typed rows of the table out (JSON
    keeps every value these tables hold exactly: strings, integers, floats, booleans, lists of strings)."""
    schema = with_partition(TABLES[table])
    for batch in batches:
        cols = batch.to_pydict()
        rows = []
        for row, date in zip(cols["row"], cols[PARTITION]):
            r = json.loads(row)
            r[PARTITION] = date
            rows.append(r)
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def story_table_rows(story: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) pairs of one stored story as ``Selection.story`` reads it: its ``stories`` row and its
    ``story_reports`` rows, each with its partition date."""
    row = story_row(story)
    row[PARTITION] = pub_date(story.get("first_seen"))
    yield "stories", row
    for rep in story["report_rows"]:
        r = report_row(rep)
        r[PARTITION] = pub_date(rep.get("published"))
        yield "story_reports", r
