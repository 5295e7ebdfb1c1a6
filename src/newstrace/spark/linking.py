"""The corpus-wide link step at scale: the link code's own rules, applied group by group, the groups found in Spark.

1. Entities (``spark.entities``): each connected group of entities that share resolution keys is resolved on its
   own by ``link.resolve.resolve_entities``; the canonical ids are written into the records' analyses.
2. Story links, block by block (``block_tasks``): each story blocking key's block of mentions (``link.stories``'
   ``load_mentions`` and ``blocking_keys``, on the resolved records), cut by blocks of days and with the keys hot in
   a block of days left out there (``link.stories.hot_blocks``: over ``story_key_cap`` mentions), is scored by
   ``link.blocks.block_links``, which keeps the pairs whose ``link_score`` reaches the story threshold: the links
   ``link_stories`` stores. No task holds more than about three times the cap.
3. Reuse links, bucket by bucket (``verified_links``): the pairs the reuse and rewrite passes compare
   (``candidate_pairs``: ``MIN_BAND_HITS`` shared MinHash-LSH band keys of ``link.reuse.fingerprint``, or
   ``MIN_LEAD_KEYS`` shared rare lead words of ``link.paraphrase.lead_keys`` within ``LEAD_DAYS``; keys over their
   bucket caps are boilerplate and dropped, as the link code drops them) are hashed into buckets with both their
   articles, and each pair is checked by the rule of the pass that compares it (``link.pairs``: exact passages,
   or a rewording), with no store.
   Article groups (``components.components``): articles joined by a story link or a reuse link, directly or through
   others. Stories are cut from groups of story links and corroboration reads a story's reports and their reuse
   links, so two articles in different groups never meet in any rule; a candidate pair that is no link, or a key
   every report naming a country shares, joins nothing.
4. ``link_bin`` (``applyInPandas``): groups are packed into bins (``bins.pack``), and each bin is linked by
   ``newstrace.link.link_store(resolve=False)`` on an in-memory store holding the bin's resolved articles with
   their corpus-wide ``seq``. The link code is the single-machine code; Spark only decides which articles meet.
5. Out come the linked records (the analysis JSON with canonical ids, each event's story), the link export tables,
   and every row the link code wrote to the store's link tables (``link_rows``, for ``load``).

The keys that are hot in the corpus (band keys, lead words, story keys in a block of days) are marked hot in every
bin (``bins.seed_hot``), so a bin drops them as the whole corpus does, and each bin's text reuse step compares the
band pairs the whole corpus ranks among each article's best (``candidate_pairs``, ``bin_pairs``). One
``link_store`` over the whole store counts and ranks over the whole run too (it indexes every new article before it
compares any), so the two paths compare the same pairs and give the same rows (``tests/spark/test_split.py``).
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
# of its mentions (``blob``: the pickled mention; ``day`` its date, ``bucket`` its block of days, ``ref`` its id)
KEYS = pa.schema([("seq", pa.int64()), ("key", pa.string()), ("blob", pa.binary()), ("day", pa.string()),
                  ("bucket", pa.int64()), ("ref", pa.string())])
# a mention's story key in one task of its key's block (``task``: a block of days, or ``blocks.UNDATED``), with the
# mention's keys that are hot in its block
TASKS = pa.schema([("key", pa.string()), ("task", pa.int64()), ("blob", pa.binary()), ("ref", pa.string()),
                   ("hot", pa.list_(pa.string()))])
EDGES = pa.schema([("seq", pa.int64()), ("key", pa.string())])


# -- 2-3. keys and story links ---------------------------------------------------------------------------------------
def key_batches(batches: Iterable[pa.RecordBatch], kinds: str = "rl") -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records (``seq``, ``article_id``, ``row``) in; their candidate keys of ``kinds``
    (``link.candidates.candidate_keys``) and each mention's story blocking keys with the mention out (``KEYS``)."""
    from newstrace.link.candidates import candidate_keys
    from newstrace.link.stories import blocking_keys, key_bucket, load_config, load_mentions, to_date

    cfg = load_config()
    for batch in batches:
        records = batch.to_pylist()
        seq_of = {r["article_id"]: r["seq"] for r in records}
        day_of = {r["seq"]: to_date(json.loads(r["row"]).get("published")) for r in records}
        with Store(":memory:") as store:
            insert_records(store, records)
            rows = [{"seq": s, "key": k, "blob": None, "day": day_of[s].isoformat() if day_of[s] else None,
                     "bucket": None, "ref": None}
                    for s, k in sorted({(seq_of[a], k) for a, k in candidate_keys(store.conn, list(seq_of), kinds)})]
            # only what an article states happened (or denies) is a report (``link_stories``)
            for m in load_mentions(store.conn, list(seq_of), cfg):
                if m.modality in cfg.modalities:
                    blob, day = pickle.dumps(m), m.date.isoformat() if m.date else None
                    rows += [{"seq": m.seq, "key": f"s:{k}", "blob": blob, "day": day,
                              "bucket": key_bucket(m.date, cfg), "ref": f"{m.article_id}\t{m.event_id}"}
                             for k in sorted(blocking_keys(m))]
        yield pa.RecordBatch.from_pylist(rows, schema=KEYS)


def block_group(pdf: Any) -> Any:
    """``applyInPandas`` body: one task of one story blocking key's block in (``TASKS``: its mentions, each with its
    hot keys); an edge (``seq``, ``key``) for each end of each story link between two articles it owns
    (``link.blocks.block_links``) out."""
    import pandas as pd

    from newstrace.link.blocks import block_links

    mentions = [pickle.loads(b) for b in pdf["blob"]]
    hot = {m.ref: frozenset(str(k)[2:] for k in (h if h is not None else ())) for m, h in zip(mentions, pdf["hot"])}
    seq_of = {m.ref: m.seq for m in mentions}
    rows = []
    for link in block_links(str(pdf["key"].iloc[0])[2:], mentions, hot=hot, bucket=int(pdf["task"].iloc[0])):
        a, b = seq_of[link.a], seq_of[link.b]
        if a != b:
            rows += [(a, f"t:{min(a, b)}:{max(a, b)}"), (b, f"t:{min(a, b)}:{max(a, b)}")]
    return pd.DataFrame(rows, columns=EDGES.names)


def block_tasks(blocks: Any) -> tuple[Any, Any]:
    """The tasks of the story blocks (``TASKS``), from the story key rows of ``KEYS``: a key hot in a block of days
    (more than ``story_key_cap`` mentions there: ``link.stories`` does not compare through it) is left out there and
    noted in each of its mentions' hot keys; the task of block ``b`` gets the key's mentions of ``b``, of ``b + 1``
    and the undated ones; the task ``UNDATED`` the undated ones (``link.blocks``). Returns the tasks and, for the
    bins, (``seq``, ``key``) of each article's hot story keys (``bins.story_hot_key``)."""
    from pyspark.sql import functions as F

    from newstrace.link.blocks import UNDATED
    from newstrace.link.stories import load_config

    cap = load_config().key_cap
    counts = blocks.groupBy("key", "bucket").count()
    hot = counts.where(F.col("count") > cap).select(F.col("key").alias("hk"), F.col("bucket").alias("hb"),
                                                      F.lit(True).alias("is_hot"))
    flagged = (blocks.join(hot, (F.col("key") == F.col("hk")) & F.col("bucket").eqNullSafe(F.col("hb")), "left")
               .drop("hk", "hb"))
    mention_hot = (flagged.where(F.col("is_hot")).groupBy("ref").agg(F.sort_array(F.collect_set("key")).alias("hot")))
    live = flagged.where(F.col("is_hot").isNull()).join(mention_hot, "ref", "left") \
        .select("key", "bucket", "blob", "ref", "hot")
    own = live.withColumn("task", F.coalesce(F.col("bucket"), F.lit(UNDATED)))
    tasks = own.select("key", "task").distinct()
    nxt = (live.where(F.col("bucket").isNotNull()).withColumn("task", F.col("bucket") - 1)
           .join(tasks, ["key", "task"], "left_semi"))
    undated = (live.where(F.col("bucket").isNull()).drop("bucket")
               .join(tasks.where(F.col("task") != UNDATED), "key"))
    cols = TASKS.names
    hot_rows = (flagged.where(F.col("is_hot"))
                .select("seq", F.concat(F.col("key"), F.lit("\t"), F.coalesce(F.col("bucket").cast("string"),
                                                                              F.lit(""))).alias("key")).distinct())
    return own.select(*cols).unionByName(nxt.select(*cols)).unionByName(undated.select(*cols)), hot_rows


# -- 4. one bin ------------------------------------------------------------------------------------------------------
def link_bin(records: list[dict[str, Any]], bin_id: int, hot: Iterable[str] = (),
             pairs: dict[int, list[int]] | None = None) -> Iterator[dict[str, Any]]:
    """Link one bin's (resolved) articles with ``link_store`` and yield every output row (``OUT``); ``hot``: the
    band keys, lead words and story keys in blocks of days (``bins.story_hot_key``) of these articles that are hot
    in the corpus; ``pairs``: the band pairs the corpus ranks among each article's best (``candidate_pairs``), which
    the text reuse step compares instead of the bin's own ranking."""
    from newstrace.link import link_store

    with Store(":memory:") as store:
        insert_records(store, records)
        seed_hot(store, hot)
        link_store(store, 0, resolve=False, clear=False, reuse_pairs=pairs)
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
    pairs = {int(s): [int(p) for p in ps] if ps is not None else [] for s, ps in zip(pdf["seq"], pdf["partners"])}
    rows = list(link_bin(records, int(pdf["bin"].iloc[0]), hot, pairs))
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
    sharing ``MIN_BAND_HITS`` band keys among the ``MAX_CANDIDATES`` best of either article (``link.reuse.candidates``:
    most shared keys first, then the smallest ``seq``), or ``MIN_LEAD_KEYS`` lead words within ``LEAD_DAYS``
    (``link.paraphrase.lead_pairs``: undated leads are near every lead), hot keys left out. A self-join per key,
    which the caps keep small."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from newstrace.link.paraphrase import LEAD_DAYS, MIN_LEAD_KEYS
    from newstrace.link.reuse import MAX_CANDIDATES, MIN_BAND_HITS

    kept = capped(keys.select("seq", "key", "day"))
    a, b = kept.alias("a"), kept.alias("b")
    lead = F.col("a.key").startswith("l:")
    near = (F.col("a.day").isNull() | F.col("b.day").isNull()
            | (F.abs(F.datediff(F.to_date(F.col("a.day")), F.to_date(F.col("b.day")))) <= LEAD_DAYS))
    pairs = (a.join(b, (F.col("a.key") == F.col("b.key")) & (F.col("a.seq") < F.col("b.seq")))
             .where(~lead | near)
             .groupBy(F.col("a.seq").alias("x"), F.col("b.seq").alias("y"), lead.alias("lead")).count()
             .where(F.col("count") >= F.when(F.col("lead"), MIN_LEAD_KEYS).otherwise(MIN_BAND_HITS)))
    band = pairs.where(~F.col("lead"))
    # each article ranks all its partners, smaller and larger seq alike
    both = band.select(F.col("x").alias("a"), F.col("y").alias("b"), "count").unionByName(
        band.select(F.col("y").alias("a"), F.col("x").alias("b"), "count"))
    best = (both.withColumn("rank", F.row_number().over(Window.partitionBy("a").orderBy(F.desc("count"), "b")))
            .where(F.col("rank") <= MAX_CANDIDATES)
            .select(F.least("a", "b").alias("x"), F.greatest("a", "b").alias("y"), F.lit(False).alias("lead"))
            .distinct())
    return pairs.where(F.col("lead")).select("x", "y", "lead").unionByName(best)


def verify_group(pairs: Any, members: Any) -> Any:
    """``cogroup.applyInPandas`` body: one bucket's candidate pairs (``x``, ``y``, ``lead``) and its articles'
    records in; an edge (``seq``, ``key``) for each end of each pair that is a reuse link out (exact passages for a
    band pair, a rewording for a lead pair: ``link.pairs``, the rules of ``link_store``'s two reuse passes)."""
    import pandas as pd

    from newstrace.link.pairs import PairChecker, article_ref_of

    check = PairChecker({int(s): article_ref_of(int(s), json.loads(r)) for s, r in zip(members["seq"], members["row"])})
    rows = []
    for x, y, lead in sorted(zip(pairs["x"].astype(int), pairs["y"].astype(int), pairs["lead"].astype(bool))):
        if check.link(x, y, lead) is not None:
            key = f"v:{x}:{y}"
            rows += [(x, key), (y, key)]
    return pd.DataFrame(rows, columns=EDGES.names)


def verified_links(recs: Any, pairs: Any, buckets: int) -> Any:
    """(``seq``, ``key``) edges of the reuse links among candidate pairs, found bucket by bucket: each pair goes to
    the bucket of its first article, with both articles' records, so every pair the link code compares is compared in
    one bucket (an article paired with many lands in several); a pair that is no link joins nothing. A superset of
    the links ``link_store`` finds (it verifies each article's ``MAX_CANDIDATES`` best pairs), so no group is cut."""
    from pyspark.sql import functions as F

    from newstrace.spark.schema import spark_schema

    bucketed = pairs.withColumn("bucket", F.pmod(F.xxhash64("x"), F.lit(buckets)))
    ends = pairs.select(F.pmod(F.xxhash64("x"), F.lit(buckets)).alias("mb"), F.col("x").alias("seq")).union(
        pairs.select(F.pmod(F.xxhash64("x"), F.lit(buckets)).alias("mb"), F.col("y").alias("seq")))
    members = ends.distinct().join(recs.select("seq", "row"), "seq")
    return (bucketed.groupBy("bucket").cogroup(members.groupBy("mb"))
            .applyInPandas(verify_group, spark_schema(EDGES)).distinct())


def article_edges(spark: Any, recs: Any, work: Path, buckets: int) -> tuple[Any, Any, dict[str, int], Any]:
    """(``seq``, ``key``) edges of the article groups: the ends of story links and of reuse links (found among the
    candidate pairs of reuse and rewrites); returns them, each article's hot keys (``seq``, ``hot``) and counts."""
    from pyspark.sql import functions as F

    from newstrace.spark.schema import spark_schema

    recs.mapInArrow(key_batches, spark_schema(KEYS)).write.mode("overwrite").parquet(str(work / "keys"))
    keys = spark.read.parquet(str(work / "keys"))
    blocks = keys.where(F.col("blob").isNotNull())
    tasks, story_hot = block_tasks(blocks)
    tasks.write.mode("overwrite").parquet(str(work / "story_tasks"))
    tasks = spark.read.parquet(str(work / "story_tasks"))
    links = tasks.groupBy("key", "task").applyInPandas(block_group, spark_schema(EDGES)).distinct()
    links.write.mode("overwrite").parquet(str(work / "story_links"))
    links = spark.read.parquet(str(work / "story_links"))
    plain = keys.where(F.col("blob").isNull()).select("seq", "key", "day")
    candidate_pairs(plain).write.mode("overwrite").parquet(str(work / "pairs"))
    pairs = spark.read.parquet(str(work / "pairs"))
    hot = (plain.join(hot_keys(plain.select("seq", "key")), "key").select("seq", "key").unionByName(story_hot)
           .groupBy("seq").agg(F.collect_list("key").alias("hot")))
    hot.write.mode("overwrite").parquet(str(work / "hot"))
    hot = spark.read.parquet(str(work / "hot"))
    verified_links(recs, pairs, buckets).write.mode("overwrite").parquet(str(work / "reuse_links"))
    reuse = spark.read.parquet(str(work / "reuse_links"))
    counts = {"candidate_pairs": pairs.count(), "reuse_links": reuse.count() // 2, "story_links": links.count() // 2,
              **block_sizes(blocks, spark.read.parquet(str(work / "story_tasks")))}
    return reuse.unionByName(links), hot, counts, pairs


def block_sizes(blocks: Any, tasks: Any) -> dict[str, int]:
    """The sizes that bound the story step's tasks: the largest block of one story key (all its days), the largest
    task (one key's block of days with its neighbours), and how many (key, block of days) are hot."""
    from pyspark.sql import functions as F

    from newstrace.link.stories import load_config

    per_key = blocks.groupBy("key").count().agg(F.max("count")).collect()[0][0]
    per_task = tasks.groupBy("key", "task").count().agg(F.max("count")).collect()[0][0]
    hot = (blocks.groupBy("key", "bucket").count().where(F.col("count") > load_config().key_cap).count())
    return {"largest_story_key": int(per_key or 0), "largest_story_task": int(per_task or 0), "hot_story_blocks": hot}


def bin_pairs(pairs: Any, binned: Any) -> Any:
    """(``seq``, ``partners``): each article's band pairs (``candidate_pairs``) with articles of its own bin, which
    its bin's text reuse step compares (a reuse link never joins two bins)."""
    from pyspark.sql import functions as F

    return (pairs.where(~F.col("lead")).select(F.col("x").alias("seq"), F.col("y").alias("partner"))
            .join(binned, "seq")
            .join(binned.select(F.col("seq").alias("partner"), F.col("bin").alias("pbin")), "partner")
            .where(F.col("bin") == F.col("pbin"))
            .groupBy("seq").agg(F.sort_array(F.collect_list("partner")).alias("partners")))


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
    grouped = resolved.join(binned, "seq").join(hot, "seq", "left").join(bin_pairs(pairs, binned), "seq", "left")
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
