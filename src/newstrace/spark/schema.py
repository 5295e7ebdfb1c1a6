"""The tables a Spark run writes, as Arrow schemas: the export tables (``newstrace.export.tables.TABLES``, the
same columns and types as ``newstrace export -f parquet``) and the run's own tables.

``records`` holds each stored article row as ``ingest`` writes it (the analysis JSON included), so ``newstrace
load`` rebuilds a store without loss; ``documents`` is the ledger (every document read: ok, duplicate or failed
with its stage and reason); ``link_rows`` holds every row the link stage wrote into its store tables (the
derived tables ``link_store`` keeps, as JSON), so a loaded store links new articles incrementally.

Tables are partitioned by ``pub_date`` (``YYYY-MM-DD`` of the article's publication, ``unknown`` when undated):
article-level tables by their article's date, ``stories`` by ``first_seen``, ``story_reports`` by the report's
``published``; ``reuse_links`` and ``canonical_entities`` span dates and are not partitioned.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa

from newstrace.export.tables import TABLES

PARTITION = "pub_date"
UNKNOWN_DATE = "unknown"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

# the export tables built from each article's record, and those the link step writes
ARTICLE_TABLES = ("articles", "entities", "mentions", "places", "events", "happenings", "quotes", "flags")
LINK_TABLES = ("stories", "story_reports", "reuse_links", "canonical_entities")
UNPARTITIONED = ("reuse_links", "canonical_entities")

S, I = pa.string(), pa.int64()
DOCUMENTS = pa.schema([
    ("unit", I), ("doc", I), ("uri", S), ("sha", S), ("status", S), ("stage", S), ("reason", S), ("size", I),
    ("fetched_at", S), ("article_id", S), ("published", S), ("row", S),
])
RECORDS = pa.schema([("seq", I), ("article_id", S), ("row", S), ("links", S)])
LINK_ROWS = pa.schema([("component", I), ("table", S), ("row", S)])
OWN_TABLES: dict[str, pa.Schema] = {"records": RECORDS, "documents": DOCUMENTS, "link_rows": LINK_ROWS}


def pub_date(published: Any) -> str:
    """The partition value of a publication date: its ``YYYY-MM-DD`` prefix, or ``unknown``."""
    if isinstance(published, str) and _DATE.match(published):
        return published[:10]
    return UNKNOWN_DATE


def schema_of(table: str) -> pa.Schema:
    """The Arrow schema of a table a Spark run writes (without the partition column)."""
    return TABLES[table] if table in TABLES else OWN_TABLES[table]


def with_partition(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field(PARTITION, pa.string()))


def partitioned(table: str) -> bool:
    return table not in UNPARTITIONED and table != "link_rows"


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark ``StructType`` of an Arrow schema (for ``mapInArrow``)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)
