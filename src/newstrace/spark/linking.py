"""The corpus-wide link step at scale: the link code's own rules, applied group by group, the groups found in Spark.

1. Entities (``spark.entities``): each connected group of entities that share resolution keys is resolved on its
   own by ``link.resolve.resolve_entities``; the canonical ids are written into the records' analyses.
2. Story links, block by block (``story_links``): each story blocking key's block of mentions (``link.stories``'
   ``load_mentions`` and ``blocking_keys``, on the resolved records) is scored by ``link.blocks.block_links``, which
   keeps the pairs whose ``link_score`` reaches the story threshold: the links ``link_stories`` stores.
3. Article groups (``components.components``): articles joined by a story link, or sharing a MinHash-LSH band key
   (``link.reuse.fingerprint``; a band key more than ``BUCKET_CAP`` articles share is boilerplate and dropped, as
   ``link.reuse.candidates`` drops it) or a rare word of their leads (``link.paraphrase.lead_keys``, with its bucket
   cap), directly or through others. Reuse and rewrites are only looked for among articles sharing those keys,
   stories are cut from groups of story links, and corroboration reads a story's reports and their reuse links: two
   articles in different groups never meet in any rule. A story blocking key shared by every report naming a
   country joins no group: only the pairs it scores above the threshold do.
4. ``link_bin`` (``applyInPandas``): groups are packed into bins (``bins.pack``), and each bin is linked by
   ``newstrace.link.link_store(resolve=False)`` on an in-memory store holding the bin's resolved articles with
   their corpus-wide ``seq``. The link code is the single-machine code; Spark only decides which articles meet.
5. Out come the linked records (the analysis JSON with canonical ids, each event's story), the link export tables,
   and every row the link code wrote to the store's link tables (``link_rows``, for ``load``).

What can still differ from one ``link_store`` over the whole store: the hot-key caps of reuse bands and lead words
count a key's articles corpus-wide here, and in the store as far as it has indexed there (the same once every article
is indexed in one batch); a key under the cap in a bin but over it in the corpus would be used in the bin.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from newstrace.spark.bins import OUT, export_rows, insert_records, linked_records, pack, store_rows
from newstrace.spark.schema import LINK_TABLES, PARTITION, TABLES, with_partition
from newstrace.store.sqlite import Store

__all__ = ["insert_records", "link_records", "link_bin", "KEYS"]

# an article's key (``blob`` null), or one story blocking key of one of its mentions (``blob``: the pickled mention)
KEYS = pa.schema([("seq", pa.int64()), ("key", pa.string()), ("blob", pa.binary())])
EDGES = pa.schema([("seq", pa.int64()), ("key", pa.string())])


# -- 2-3. keys and story links ----------------------------------------------------------------------------------------
def key_batches(batches: Iterable[pa.RecordBatch], kinds: str = "rl") -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records (``seq``, ``article_id``, ``row``) in; their candidate keys of ``kinds``
    (``link.candidates.candidate_keys``) and each mention's story blocking keys with the mention out (``KEYS``)."""
    from newstrace.link.candidates import candidate_keys
    from newstrace.link.stories import blocking_keys, load_config, load_mentions

    cfg = load_config()
    for batch in batches:
        records = batch.to_pylist()
        seq_of = {r["article_id"]: r["seq"] for r in records}
        with Store(":memory:") as store:
            insert_records(store, records)
            rows = [{"seq": s, "key": k, "blob": None}
                    for s, k in sorted({(seq_of[a], k) for a, k in candidate_keys(store.conn, list(seq_of), kinds)})]
            # only what an article states happened (or denies) is a report (``link_stories``)
            for m in load_mentions(store.conn, list(seq_of), cfg):
                if m.modality in cfg.modalities:
                    blob = pickle.dumps(m)
                    rows += [{"seq": m.seq, "key": f"s:{k}", "blob": blob} for k in sorted(blocking_keys(m))]
        yield pa.RecordBatch.from_pylist(rows, schema=KEYS)


def block_group(pdf: Any) -> Any:
    """``applyInPandas`` body: one story blocking key's mentions in; an edge (``seq``, ``key``) for each end of each
    story link between two articles it owns (``link.blocks.block_links``) out."""
    import pandas as pd

    from newstrace.link.blocks import block_links

    mentions = [pickle.loads(b) for b in pdf["blob"]]
    seq_of = {m.ref: m.seq for m in mentions}
    rows = []
    for link in block_links(str(pdf["key"].iloc[0])[2:], mentions):
        a, b = seq_of[link.a], seq_of[link.b]
        if a != b:
            rows += [(a, f"t:{min(a, b)}:{max(a, b)}"), (b, f"t:{min(a, b)}:{max(a, b)}")]
    return pd.DataFrame(rows, columns=EDGES.names)


# -- 4. one bin ---------------------------------------------------------------------------------------------------------
def link_bin(records: list[dict[str, Any]], bin_id: int) -> Iterator[dict[str, Any]]:
    """Link one bin's (resolved) articles with ``link_store`` and yield every output row (``OUT``)."""
    from newstrace.link import link_store

    with Store(":memory:") as store:
        insert_records(store, records)
        link_store(store, 0, resolve=False)
        for rec in linked_records(store):
            yield {"kind": "record", "bin": bin_id, "name": None, **rec}
        for table, row in export_rows(store):
            date = row.pop(PARTITION, None)
            yield {"kind": "export", "bin": bin_id, "name": table, "row": json.dumps(row, ensure_ascii=False),
                   PARTITION: date, "seq": None, "article_id": None, "links": None}
        for table, row in store_rows(store):
            yield {"kind": "store", "bin": bin_id, "name": table, "row": row, "seq": None, "article_id": None,
                   "links": None, PARTITION: None}


def link_group(pdf: Any) -> Any:
    """``applyInPandas`` body: one bin's records (a pandas frame) in, its ``OUT`` rows out."""
    import pandas as pd

    records = pdf[["seq", "article_id", "row"]].to_dict("records")
    rows = list(link_bin(records, int(pdf["bin"].iloc[0])))
    return pd.DataFrame(rows, columns=OUT.names)


# -- the step ------------------------------------------------------------------------------------------------------------
def capped(keys: Any) -> Any:
    """``keys`` (``seq``, ``key``) without the hot ones: a band key shared by more than ``BUCKET_CAP`` articles is
    boilerplate (``link.reuse`` drops it), so is a lead word in more than ``LEAD_BUCKET_CAP`` leads."""
    from pyspark.sql import functions as F

    from newstrace.link.paraphrase import LEAD_BUCKET_CAP
    from newstrace.link.reuse import BUCKET_CAP

    hot = None
    for prefix, cap in (("r:", BUCKET_CAP), ("l:", LEAD_BUCKET_CAP)):
        part = (keys.where(F.col("key").startswith(prefix)).groupBy("key").count()
                .where(F.col("count") > cap).select("key"))
        hot = part if hot is None else hot.union(part)
    return keys.join(hot, "key", "left_anti")


def article_edges(spark: Any, recs: Any, work: Path) -> tuple[Any, int]:
    """(``seq``, ``key``) edges of the article groups: capped band and lead keys, and the story links' ends;
    returns them and the number of story links between articles."""
    from pyspark.sql import functions as F

    from newstrace.spark.schema import spark_schema

    recs.mapInArrow(key_batches, spark_schema(KEYS)).write.mode("overwrite").parquet(str(work / "keys"))
    keys = spark.read.parquet(str(work / "keys"))
    blocks = keys.where(F.col("blob").isNotNull())
    links = blocks.groupBy("key").applyInPandas(block_group, spark_schema(EDGES)).distinct()
    links.write.mode("overwrite").parquet(str(work / "story_links"))
    links = spark.read.parquet(str(work / "story_links"))
    edges = capped(keys.where(F.col("blob").isNull()).select("seq", "key")).unionByName(links)
    return edges, links.count() // 2


def link_records(spark: Any, records: Any, work: Path, out: Path, partitions: int) -> dict[str, Any]:
    """Link the run's records; writes ``work/linked`` (the records after linking), the link export tables and
    ``link_rows`` under ``out``; returns a summary (entity groups, article groups, bins, the largest of each)."""
    from pyspark.sql import functions as F

    from newstrace.spark.components import components
    from newstrace.spark.entities import resolve_records
    from newstrace.spark.job import write
    from newstrace.spark.schema import spark_schema
    from newstrace.spark.tables import typed_batches

    recs = records.select("seq", "article_id", "row")
    resolved, canonical_rows, summary = resolve_records(spark, recs, work)
    resolved.write.mode("overwrite").parquet(str(work / "resolved"))
    resolved = spark.read.parquet(str(work / "resolved"))
    edges, n_links = article_edges(spark, resolved, work)
    comp, rounds = components(edges, resolved)
    total = resolved.count()
    binned, sizes = pack(comp, total)
    grouped = resolved.join(binned, "seq")
    linked = grouped.groupBy("bin").applyInPandas(link_group, spark_schema(OUT))
    linked.write.mode("overwrite").parquet(str(work / "link_out"))
    done = spark.read.parquet(str(work / "link_out")).unionByName(canonical_rows)

    (done.where(F.col("kind") == "record").select("seq", "article_id", "row", "links", PARTITION)
     .write.mode("overwrite").parquet(str(work / "linked")))
    for table in LINK_TABLES:
        part = done.where((F.col("kind") == "export") & (F.col("name") == table)).select("row", PARTITION)
        write(part.mapInArrow(partial(typed_batches, table), spark_schema(with_partition(TABLES[table]))),
              out, table)
    write(done.where(F.col("kind") == "store").select(F.col("bin").alias("component"), F.col("name").alias("table"),
                                                      "row"), out, "link_rows")
    size_stats = sizes.agg(F.count("*").alias("components"), F.max("size").alias("largest")).collect()[0]
    return {"articles": total, "components": size_stats["components"], "largest_component": size_stats["largest"],
            "story_links": n_links, "label_rounds": rounds, "bins": done.where(F.col("kind") == "record")
            .select("bin").distinct().count(), **summary}
