"""Order and deduplication: the articles one ``ingest`` run would store, numbered as it would number them.

``ingest`` reads documents in collect order and stores an article the first time its id (a hash of its text and
url) comes up; a later document with the same article is a ``duplicate``. Its ``seq`` counts stored articles in
that order. Here the order is ``(unit, doc)``; the first copy of each id is kept (a window per id), and ``seq`` is
the number of kept articles in earlier units (a small per-unit count summed on the driver) plus the article's
rank within its unit, so no step puts all articles in one partition.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from newstrace.spark.schema import PARTITION, UNKNOWN_DATE


def pub_date_col(col: str = "published") -> Any:
    """The ``pub_date`` partition value of a publication-date column (``schema.pub_date`` in Spark SQL)."""
    from pyspark.sql import functions as F

    return (F.when(F.col(col).rlike(r"^\d{4}-\d{2}-\d{2}"), F.substring(F.col(col), 1, 10))
            .otherwise(F.lit(UNKNOWN_DATE)))


def _first_copies(docs: Any) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("article_id").orderBy("unit", "doc")
    return docs.where(F.col("status") == "ok").withColumn("_copy", F.row_number().over(w))


def number(spark: Any, docs: Any) -> Any:
    """The records (``seq``, ``article_id``, ``row``, ``links``, ``pub_date``) of the kept articles."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    firsts = _first_copies(docs).where(F.col("_copy") == 1).drop("_copy")
    counts = sorted((r["unit"], r["count"]) for r in firsts.groupBy("unit").count().collect())
    bases = [0, *accumulate(n for _, n in counts)][:-1]
    offsets = spark.createDataFrame([(u, b) for (u, _), b in zip(counts, bases)] or [(-1, 0)],
                                    "unit long, base long")
    rank = F.row_number().over(Window.partitionBy("unit").orderBy("doc"))
    return (firsts.join(F.broadcast(offsets), "unit")
            .withColumn("seq", (F.col("base") + rank).cast("long"))
            .select("seq", "article_id", "row", F.lit(None).cast("string").alias("links"),
                    pub_date_col().alias(PARTITION)))


def ledger(docs: Any) -> Any:
    """The documents ledger: every document with its status (``ok``, ``duplicate`` — its article was stored
    from an earlier document — or ``failed`` with stage and reason), without the article rows."""
    from pyspark.sql import functions as F

    ranked = _first_copies(docs).select("unit", "doc", "_copy")
    return (docs.join(ranked, ["unit", "doc"], "left")
            .withColumn("status", F.when(F.col("_copy") > 1, F.lit("duplicate")).otherwise(F.col("status")))
            .withColumn("row", F.lit(None).cast("string"))
            .withColumn(PARTITION, pub_date_col())
            .drop("_copy"))
