"""A whole Spark run: collect -> extract -> analyze per partition, order and deduplicate, link, write tables.

    newstrace spark corpus/ dumps/*.jsonl crawl.warc.gz --out tables/ [--master URL] [--partitions N]
    spark-submit --master URL "$(python -c 'import newstrace.spark.job as j; print(j.__file__)')" \
        corpus/ --out tables/

Steps (each reads what the previous one wrote under ``OUT/_work``, so nothing is computed twice):

1. the driver plans units (``units.plan_units``) and spreads them over ``partitions`` tasks;
2. ``mapInArrow`` runs ``documents.analyse_units`` per partition: ledger rows, one per document;
3. ``order.number``: the first copy of each article kept, ``seq`` given in collect order (as one ``ingest``);
4. ``linking.link_records`` (unless ``link=False``): entities resolved over groups of entities, story links
   scored block by block, articles grouped by story links and reuse keys, each bin linked by ``link_store``;
5. the export tables written (``tables``), partitioned by ``pub_date``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from newstrace.spark.schema import (ARTICLE_TABLES, DOCUMENTS, LINK_ROWS, LINK_TABLES, PARTITION, RECORDS,
                                    partitioned, schema_of, spark_schema, with_partition)
from newstrace.spark.units import SPLIT_BYTES, UNIT_FIELDS, plan_units

WORK = "_work"


@dataclass
class SparkRun:
    """What one Spark run did: documents read, articles kept, failures, rows per table, seconds per step."""

    out: str
    documents: int = 0
    articles: int = 0
    duplicates: int = 0
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    link: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def analyse_partition(batches: Any) -> Any:
    """``mapInArrow`` body of step 2: unit rows in, ledger rows (``DOCUMENTS``) out, a batch at a time."""
    from newstrace.spark.documents import analyse_units

    def units() -> Any:
        for batch in batches:
            yield from batch.to_pylist()

    buf: list[dict[str, Any]] = []
    for row in analyse_units(units()):
        buf.append(row)
        if len(buf) >= 64:
            yield pa.RecordBatch.from_pylist(buf, schema=DOCUMENTS)
            buf = []
    if buf:
        yield pa.RecordBatch.from_pylist(buf, schema=DOCUMENTS)


def write(df: Any, out: Path, table: str) -> None:
    """Write one table as Parquet under ``out/table`` (partitioned by ``pub_date`` when the table is)."""
    writer = df.write.mode("overwrite")
    if partitioned(table) and PARTITION in df.columns:
        writer = writer.partitionBy(PARTITION)
    writer.parquet(str(out / table))


def analyse(spark: Any, sources: list[str], work: Path, partitions: int, split_bytes: int) -> Any:
    """Steps 1-2: the ledger of every document, written to ``work/documents`` and read back."""
    units = plan_units(sources, split_bytes=split_bytes)
    rows = [tuple(u.as_row()[f] for f in UNIT_FIELDS) for u in units]
    schema = ("unit long, source string, kind string, path string, start long, `end` long, first_line long, "
              "error string")
    n = max(1, min(partitions, len(rows)))
    # parallelize, not repartition: a shuffle of a few tiny unit rows is what adaptive execution merges into one
    # partition, and the analysis would then run in one task
    df = spark.createDataFrame(spark.sparkContext.parallelize(rows, n), schema)
    docs = df.mapInArrow(analyse_partition, spark_schema(DOCUMENTS))
    docs.write.mode("overwrite").parquet(str(work / "documents"))
    return spark.read.parquet(str(work / "documents"))


def write_article_tables(spark: Any, records_path: Path, out: Path, work: Path) -> dict[str, int]:
    """Step 5 for the article-level tables: every record turned into the rows of all seven tables in one pass
    (``tables.all_rows_batches``, the export's ``article_rows``), staged by table, then each table typed and
    written; returns rows per table."""
    from pyspark.sql import functions as F

    from newstrace.spark.tables import ROWS, all_rows_batches, typed_batches

    records = spark.read.parquet(str(records_path)).select("seq", "row", "links")
    rows = records.mapInArrow(all_rows_batches, spark_schema(ROWS))
    rows.write.mode("overwrite").partitionBy("table").parquet(str(work / "rows"))
    counts = {table: 0 for table in ARTICLE_TABLES}
    if not any((work / "rows").rglob("*.parquet")):  # no article at all: every document failed
        for table in ARTICLE_TABLES:
            write_empty(out, table)
        return counts
    staged = spark.read.parquet(str(work / "rows"))
    counts.update({r["table"]: r["count"] for r in staged.groupBy("table").count().collect()})
    for table in ARTICLE_TABLES:
        part = staged.where(F.col("table") == table).select("row", PARTITION)
        write(part.mapInArrow(partial(typed_batches, table), spark_schema(with_partition(schema_of(table)))),
              out, table)
    return counts


def write_empty(out: Path, table: str) -> None:
    """An empty table folder (a run without linking still has every table, like an export of an unlinked store)."""
    import pyarrow.parquet as pq

    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema_of(table).empty_table(), str(folder / "part-00000-empty.parquet"))


def run(sources: list[str], out: str | Path, *, master: str | None = None, partitions: int | None = None,
        link: bool = True, spark: Any = None, split_bytes: int = SPLIT_BYTES, keep_work: bool = False) -> SparkRun:
    """Run the pipeline over ``sources`` on Spark and write every table under ``out``; returns what it did."""
    from pyspark.sql import functions as F

    from newstrace.spark.order import ledger, number
    from newstrace.spark.session import get_session

    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    work = outp / WORK
    spark = spark or get_session(master, partitions=partitions)
    parts = partitions or spark.sparkContext.defaultParallelism
    stats = SparkRun(str(outp))

    t = time.perf_counter()
    docs = analyse(spark, sources, work, parts, split_bytes)
    stats.seconds["analyse"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    records = number(spark, docs)
    records.write.mode("overwrite").parquet(str(work / "records"))
    led = ledger(docs)
    write(led, outp, "documents")
    for r in led.groupBy("status", "stage", "reason").count().collect():
        n = r["count"]
        stats.documents += n
        if r["status"] == "failed":
            stats.failed += n
            key = (r["reason"] or "").split(":")[0]
            stats.reasons[key] = stats.reasons.get(key, 0) + n
        elif r["status"] == "duplicate":
            stats.duplicates += n
    stats.seconds["order"] = round(time.perf_counter() - t, 2)

    records_path = work / "records"
    t = time.perf_counter()
    if link:
        from newstrace.spark.linking import link_records

        stats.link = link_records(spark, spark.read.parquet(str(records_path)), work, outp, parts)
        records_path = work / "linked"
    else:
        for table in LINK_TABLES + ("link_rows",):
            write_empty(outp, table)
    stats.seconds["link"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    write(spark.read.parquet(str(records_path)), outp, "records")
    stats.rows = write_article_tables(spark, records_path, outp, work)
    stats.articles = stats.rows.get("articles", 0)
    stats.seconds["tables"] = round(time.perf_counter() - t, 2)
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return stats


def main(argv: list[str] | None = None) -> int:
    """The ``spark-submit`` entry point: the same arguments as ``newstrace spark``; prints the run's summary."""
    import json

    p = argparse.ArgumentParser(prog="newstrace.spark.job", description=__doc__.splitlines()[0])
    p.add_argument("sources", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--master", default=None)
    p.add_argument("--partitions", type=int, default=None)
    p.add_argument("--no-link", action="store_true")
    args = p.parse_args(argv)
    stats = run(args.sources, args.out, master=args.master, partitions=args.partitions, link=not args.no_link)
    print(json.dumps(stats.as_dict(), indent=2))
    return 1 if stats.failed else 0


if __name__ == "__main__":
    sys.exit(main())
