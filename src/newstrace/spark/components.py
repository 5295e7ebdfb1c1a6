"""Connected components of articles that share a candidate key, by label propagation in Spark.

The graph is bipartite (article -- key), so no pair of articles is ever materialised: a key held by a thousand
articles costs a thousand rows, not half a million pairs. Each round gives every key the smallest ``seq`` among
its articles and every article the smallest label among its keys; it stops when no label changes (as many rounds
as the longest chain of keys, a handful on news). An article with no key is a component of its own.
"""

from __future__ import annotations

from typing import Any

MAX_ROUNDS = 50


def components(edges: Any, articles: Any, *, max_rounds: int = MAX_ROUNDS) -> tuple[Any, int]:
    """(``seq``, ``component``) for every article of ``articles`` (a frame with ``seq``), given ``edges``
    (``seq``, ``key``); the component is the smallest ``seq`` in it. Returns the frame and the rounds run."""
    from pyspark.sql import functions as F

    edges = edges.select("seq", "key").distinct().localCheckpoint()
    labels = edges.select("seq").distinct().withColumn("label", F.col("seq")).localCheckpoint()
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        by_key = edges.join(labels, "seq").groupBy("key").agg(F.min("label").alias("klabel"))
        new = (edges.join(by_key, "key").groupBy("seq").agg(F.min("klabel").alias("label"))
               .localCheckpoint())
        changed = new.join(labels.withColumnRenamed("label", "old"), "seq").where(F.col("label") != F.col("old"))
        labels = new
        if changed.limit(1).count() == 0:
            break
    out = (articles.select("seq").join(labels, "seq", "left")
           .select("seq", F.coalesce(F.col("label"), F.col("seq")).alias("component")))
    return out, rounds
