"""The corpus-wide link step at scale: the link code's own rules, applied group by group, the groups found in Spark.

1. Entities (``spark.entities``): each connected group of entities that share resolution keys is resolved on its
   own by ``link.resolve.resolve_entities``; the canonical ids are written into the records' analyses.
2. Story links, block by block (``story_links``): each story blocking key's block of mentions (``link.stories``'
   ``load_mentions`` and ``blocking_keys``, on the resolved records) is scored by ``link.blocks.block_links``, which
   keeps the pairs whose ``link_score`` reaches the story threshold: the links ``link_stories`` stores.
3. Reuse links, bucket by bucket (``verified_links``): the pairs the reuse and rewrite passes compare
   (``candidate_pairs``: ``MIN_BAND_HITS`` shared MinHash-LSH band keys of ``link.reuse.fingerprint``, or
   ``MIN_LEAD_KEYS`` shared rare lead words of ``link.paraphrase.lead_keys`` within ``LEAD_DAYS``; keys over their
   bucket caps are boilerplate and dropped, as the link code drops them) are hashed into buckets with both their
   articles, and ``link_store`` on each bucket's articles finds the reuse links (copies, excerpts, rewrites).
   Article groups (``components.components``): articles joined by a story link or a reuse link, directly or through
   others. Stories are cut from groups of story links and corroboration reads a story's reports and their reuse
   links, so two articles in different groups never meet in any rule; a candidate pair that is no link, or a key
   every report naming a country shares, joins nothing.
4. ``link_bin`` (``applyInPandas``): groups are packed into bins (``bins.pack``), and each bin is linked by
   ``newstrace.link.link_store(resolve=False)`` on an in-memory store holding the bin's resolved articles with
   their corpus-wide ``seq``. The link code is the single-machine code; Spark only decides which articles meet.
5. Out come the linked records (the analysis JSON with canonical ids, each event's story), the link export tables,
   and every row the link code wrote to the store's link tables (``link_rows``, for ``load``).

The keys that are hot in the corpus are marked hot in every bin (``bins.seed_hot``), so a bin drops them as the
whole corpus does. What can still differ from one ``link_store`` over the whole store: ``link_store`` counts a band
key's articles over the articles indexed so far, in batches of 2,000 new articles, so on a larger corpus a key that
crosses ``BUCKET_CAP`` between two batches is used by the first batch there and by no article here.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from newstrace.spark.bins import (OUT, PACK, export_rows, insert_records, linked_records, pack, seed_hot, store_rows,
                                  unseed)
from newstrace.spark.schema import LINK_TABLES, PARTITION, TABLES, with_partition
from newstrace.store.sqlite import Store

__all__ = ["insert_records", "link_records", "link_bin", "KEYS"]

# an article's key (``blob`` null; ``day``: its publication day, for lead words), or one story blocking key of one
# of its mentions (``blob``: the pickled mention)
KEYS = pa.schema([("seq", pa.int64()), ("key", pa.string()), ("blob", pa.binary()), ("day", pa.string())])
EDGES = pa.schema([("seq", pa.int64()), ("key", pa.string())])


# -- 2-3. keys and story links ---------------------------------------------------------------------------------------
def key_batches(batches: Iterable[pa.RecordBatch], kinds: str = "rl") -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records (``seq``, ``article_id``, ``row``) in; their candidate keys of ``kinds``
    (``link.candidates.candidate_keys``) and each mention's story blocking keys with the mention out (``KEYS``)."""
    from newstrace.link.candidates import candidate_keys
    from newstrace.link.stories import blocking_keys, load_config, load_mentions, to_date

    cfg = load_config()
    for batch in batches:
        records = batch.to_pylist()
        seq_of = {r["article_id"]: r["seq"] for r in records}
        day_of = {r["seq"]: to_date(json.loads(r["row"]).get("published")) for r in records}
        with Store(":memory:") as store:
            insert_records(store, records)
            rows = [{"seq": s, "key": k, "blob": None, "day": day_of[s].isoformat() if day_of[s] else None}
                    for s, k in sorted({(seq_of[a], k) for a, k in candidate_keys(store.conn, list(seq_of), kinds)})]
            # only what an article states happened (or denies) is a report (``link_stories``)
            for m in load_mentions(store.conn, list(seq_of), cfg):
                if m.modality in cfg.modalities:
                    blob = pickle.dumps(m)
                    rows += [{"seq": m.seq, "key": f"s:{k}", "blob": blob, "day": None}
                             for k in sorted(blocking_keys(m))]
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


# -- 4. one bin ------------------------------------------------------------------------------------------------------
def link_bin(records: list[dict[str, Any]], bin_id: int, hot: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Link one bin's (resolved) articles with ``link_store`` and yield every output row (``OUT``); ``hot``: the
    band keys and lead words of these articles that are hot in the corpus."""
    from newstrace.link import link_store

    with Store(":memory:") as store:
        insert_records(store, records)
        seed_hot(store, hot)
        link_store(store, 0, resolve=False, clear=False)
        unseed(store)
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
    hot = {k for ks in pdf["hot"] if ks is not None for k in ks}
    rows = list(link_bin(records, int(pdf["bin"].iloc[0]), hot))
    return pd.DataFrame(rows, columns=OUT.names)


# -- the step --------------------------------------------------------------------------------------------------------
def hot_keys(keys: Any) -> Any:
    """The hot keys (``key``) of ``keys`` (``seq``, ``key``): a band key shared by more than ``BUCKET_CAP`` articles is
    boilerplate (``link.reuse`` drops it), so is a lead word in more than ``LEAD_BUCKET_CAP`` leads."""
    from pyspark.sql import functions as F

    from newstrace.link.paraphrase import LEAD_BUCKET_CAP
    from newstrace.link.reuse import BUCKET_CAP

    hot = None
    for prefix, cap in (("r:", BUCKET_CAP), ("l:", LEAD_BUCKET_CAP)):
        part = (keys.where(F.col("key").startswith(prefix)).groupBy("key").count()
                .where(F.col("count") > cap).select("key"))
        hot = part if hot is None else hot.union(part)
    return hot


def capped(keys: Any) -> Any:
    """``keys`` without the hot ones (``hot_keys``)."""
    return keys.join(hot_keys(keys), "key", "left_anti")


def candidate_pairs(keys: Any) -> Any:
    """(``x``, ``y``, ``lead``) for each pair of articles (``x < y``) the reuse and rewrite passes compare: those
    sharing ``MIN_BAND_HITS`` band keys (``link.reuse.candidates``; a superset of what its per-article cap verifies)
    or ``MIN_LEAD_KEYS`` lead words within ``LEAD_DAYS`` (``link.paraphrase.lead_pairs``: undated leads are near
    every lead), hot keys left out. A self-join per key, which the caps keep small."""
    from pyspark.sql import functions as F

    from newstrace.link.paraphrase import LEAD_DAYS, MIN_LEAD_KEYS
    from newstrace.link.reuse import MIN_BAND_HITS

    kept = capped(keys.select("seq", "key", "day"))
    a, b = kept.alias("a"), kept.alias("b")
    lead = F.col("a.key").startswith("l:")
    near = (F.col("a.day").isNull() | F.col("b.day").isNull()
            | (F.abs(F.datediff(F.to_date(F.col("a.day")), F.to_date(F.col("b.day")))) <= LEAD_DAYS))
    pairs = (a.join(b, (F.col("a.key") == F.col("b.key")) & (F.col("a.seq") < F.col("b.seq")))
             .where(~lead | near)
             .groupBy(F.col("a.seq").alias("x"), F.col("b.seq").alias("y"), lead.alias("lead")).count()
             .where(F.col("count") >= F.when(F.col("lead"), MIN_LEAD_KEYS).otherwise(MIN_BAND_HITS)))
    return pairs.select("x", "y", "lead")


def verify_group(pdf: Any) -> Any:
    """``applyInPandas`` body: one bucket of candidate pairs' articles (resolved records with their hot keys) in;
    an edge (``seq``, ``key``) for each end of each reuse link among them out (exact copies, excerpts, rewrites,
    shared origins: what ``link_store`` finds among these articles, the corpus-wide hot keys marked hot)."""
    import pandas as pd

    from newstrace.link import link_store

    hot = {k for ks in pdf["hot"] if ks is not None for k in ks}
    rows = []
    with Store(":memory:") as store:
        insert_records(store, pdf[["seq", "article_id", "row"]].to_dict("records"))
        seed_hot(store, hot)
        link_store(store, 0, resolve=False, clear=False)
        for a, b in store.conn.execute("SELECT c.seq, o.seq FROM reuse_links r JOIN articles c ON c.id = r.copy_id"
                                       " JOIN articles o ON o.id = r.origin_id"):
            key = f"v:{min(a, b)}:{max(a, b)}"
            rows += [(a, key), (b, key)]
    return pd.DataFrame(rows, columns=EDGES.names)


def verified_links(recs: Any, pairs: Any, hot: Any, buckets: int) -> Any:
    """(``seq``, ``key``) edges of the reuse links among candidate pairs, found bucket by bucket: each pair goes to
    the bucket of its first article, with both articles, so every pair the link code compares is compared in one
    bucket (an article paired with many lands in several); a pair that is no link joins nothing."""
    from pyspark.sql import functions as F

    from newstrace.spark.schema import spark_schema

    bucket = F.pmod(F.xxhash64("x"), F.lit(buckets)).alias("bucket")
    members = (pairs.select(bucket, F.col("x").alias("seq")).union(pairs.select(bucket, F.col("y").alias("seq")))
               .distinct())
    grouped = members.join(recs, "seq").join(hot, "seq", "left")
    return grouped.groupBy("bucket").applyInPandas(verify_group, spark_schema(EDGES)).distinct()


def article_edges(spark: Any, recs: Any, work: Path, buckets: int) -> tuple[Any, Any, dict[str, int], Any]:
    """(``seq``, ``key``) edges of the article groups: the ends of story links and of reuse links (found among the
    candidate pairs of reuse and rewrites); returns them, each article's hot keys (``seq``, ``hot``) and counts."""
    from pyspark.sql import functions as F

    from newstrace.spark.schema import spark_schema

    recs.mapInArrow(key_batches, spark_schema(KEYS)).write.mode("overwrite").parquet(str(work / "keys"))
    keys = spark.read.parquet(str(work / "keys"))
    blocks = keys.where(F.col("blob").isNotNull())
    links = blocks.groupBy("key").applyInPandas(block_group, spark_schema(EDGES)).distinct()
    links.write.mode("overwrite").parquet(str(work / "story_links"))
    links = spark.read.parquet(str(work / "story_links"))
    plain = keys.where(F.col("blob").isNull()).select("seq", "key", "day")
    candidate_pairs(plain).write.mode("overwrite").parquet(str(work / "pairs"))
    pairs = spark.read.parquet(str(work / "pairs"))
    hot = (plain.join(hot_keys(plain.select("seq", "key")), "key").groupBy("seq")
           .agg(F.collect_list("key").alias("hot")))
    hot.write.mode("overwrite").parquet(str(work / "hot"))
    hot = spark.read.parquet(str(work / "hot"))
    verified_links(recs, pairs, hot, buckets).write.mode("overwrite").parquet(str(work / "reuse_links"))
    reuse = spark.read.parquet(str(work / "reuse_links"))
    counts = {"candidate_pairs": pairs.count(), "reuse_links": reuse.count() // 2, "story_links": links.count() // 2}
    return reuse.unionByName(links), hot, counts, pairs


def checked_rows(pairs: Any, binned: Any, recs: Any) -> Any:
    """``OUT`` rows of ``paraphrase_checked`` for the lead-word pairs whose articles landed in different bins: the
    link code compared them (``lead_pairs``), found no rewrite, and noted the pair; a bin holds only its own."""
    from pyspark.sql import functions as F

    ids = recs.select("seq", "article_id")
    split = (pairs.where(F.col("lead"))
             .join(binned.select(F.col("seq").alias("x"), F.col("bin").alias("bx")), "x")
             .join(binned.select(F.col("seq").alias("y"), F.col("bin").alias("by")), "y")
             .where(F.col("bx") != F.col("by"))
             .join(ids.select(F.col("seq").alias("x"), F.col("article_id").alias("ax")), "x")
             .join(ids.select(F.col("seq").alias("y"), F.col("article_id").alias("ay")), "y"))
    row = F.to_json(F.struct(F.least("ax", "ay").alias("a_id"), F.greatest("ax", "ay").alias("b_id")))
    return split.select(F.lit("store").alias("kind"), F.col("bx").alias("bin"), F.lit(None).cast("long").alias("seq"),
                        F.lit(None).cast("string").alias("article_id"), F.lit("paraphrase_checked").alias("name"),
                        row.alias("row"), F.lit(None).cast("string").alias("links"),
                        F.lit(None).cast("string").alias(PARTITION))


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
    resolved, canonical_rows, summary = resolve_records(spark, recs, work, 2 * partitions)
    resolved.write.mode("overwrite").parquet(str(work / "resolved"))
    resolved = spark.read.parquet(str(work / "resolved"))
    total = resolved.count()
    edges, hot, counts, pairs = article_edges(spark, resolved, work, max(2 * partitions, -(-total // PACK)))
    comp, rounds = components(edges, resolved)
    binned, sizes = pack(comp, total, 2 * partitions)
    binned.write.mode("overwrite").parquet(str(work / "bins"))
    binned = spark.read.parquet(str(work / "bins"))
    grouped = resolved.join(binned, "seq").join(hot, "seq", "left")
    linked = grouped.groupBy("bin").applyInPandas(link_group, spark_schema(OUT))
    linked.write.mode("overwrite").parquet(str(work / "link_out"))
    done = (spark.read.parquet(str(work / "link_out")).unionByName(canonical_rows)
            .unionByName(checked_rows(pairs, binned, resolved)))

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
            **counts, "label_rounds": rounds, "bins": done.where(F.col("kind") == "record")
            .select("bin").distinct().count(), **summary}
