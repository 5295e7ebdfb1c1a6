"""The corpus-wide link step at scale: candidate keys in Spark, the link rules per component, unchanged.

1. ``key_batches`` (``mapInArrow``): every article's candidate keys, computed by the link code's own functions:
   the MinHash-LSH band keys of its text (``link.reuse.fingerprint``; a band key more than ``BUCKET_CAP``
   articles share is boilerplate and dropped, as ``link.reuse.candidates`` drops it), the rare words of its lead
   (``link.paraphrase.lead_keys``, with its bucket cap), the story blocking keys of its events
   (``link.stories.blocking_keys`` over ``load_mentions``) and the blocking keys of its entities
   (``link.resolve.block_keys``).
2. ``components.components``: articles that share a key, directly or through others, form one component. Two
   articles in different components share no candidate key, so no rule ever compares them: linking each
   component alone gives what linking the whole corpus gives.
3. ``link_bin`` (``applyInPandas``): components are packed into bins (a large one alone, small ones hashed
   together: a union of components is closed too), and each bin is linked by ``newstrace.link.link_store`` on
   an in-memory SQLite ``Store`` holding just the bin's articles, with their corpus-wide ``seq``. The link code
   is the single-machine code; Spark only decides which articles meet.
4. Out come the linked records (the analysis JSON with canonical entity ids, each event's story), the link
   export tables, and every row ``link_store`` wrote to the store's link tables (``link_rows``, for ``load``).

What can still differ from one ``link_store`` over the whole store: the hot-key cap of reuse counts a key's
articles corpus-wide here and store-wide there (the same once everything is ingested), and a component too large
for one executor is linked on one executor all the same (the entity keys of very common names — a country —
can join much of a corpus into one component; ``benchmarks/README.md`` gives the sizes measured).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow as pa

from newstrace.spark.schema import LINK_TABLES, PARTITION, TABLES, pub_date, with_partition
from newstrace.store.sqlite import Store, analysis_from_row, utcnow

PACK = 2000  # articles per bin of small components
KEYS = pa.schema([("seq", pa.int64()), ("key", pa.string())])
OUT = pa.schema([("kind", pa.string()), ("bin", pa.int64()), ("seq", pa.int64()), ("article_id", pa.string()),
                 ("name", pa.string()), ("row", pa.string()), ("links", pa.string()), (PARTITION, pa.string())])
# store tables besides the derived ones that link_store writes (cross-article entities, outlet groups)
EXTRA_LINK_TABLES = ("canonical_entities", "canonical_members", "canonical_keys", "outlet_groups")


# -- a store of some articles ----------------------------------------------------------------------------------
def insert_records(store: Store, records: Iterable[dict[str, Any]]) -> None:
    """Put stored article rows into ``store`` with their corpus-wide ``seq`` (what ``add_article`` writes, and
    the same seq, so every tie the link rules break by ``seq`` breaks the same way)."""
    conn = store.conn
    with store.transaction():
        for rec in sorted(records, key=lambda r: r["seq"]):
            row = json.loads(rec["row"])
            cols = [c for c in row if c not in ("seq", "ingested_at")]
            conn.execute(f"INSERT INTO articles(seq, ingested_at, {', '.join(cols)}) VALUES (?, ?, "
                         f"{', '.join('?' * len(cols))})", [rec["seq"], utcnow(), *(row[c] for c in cols)])
            if row.get("analysis"):
                store._write_analysis(row["id"], analysis_from_row(row))


# -- 1. candidate keys -----------------------------------------------------------------------------------------
def article_keys(store: Store, records: list[dict[str, Any]]) -> Iterator[tuple[int, str]]:
    """(seq, key) for every candidate key of these articles (already in ``store``): the link stage's own
    ``link.candidates.candidate_keys``, so the components hold every pair the single-machine link compares."""
    from newstrace.link.candidates import candidate_keys

    seq_of = {r["article_id"]: r["seq"] for r in records}
    for aid, key in candidate_keys(store.conn, list(seq_of)):
        yield seq_of[aid], key


def key_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records (``seq``, ``article_id``, ``row``) in, (``seq``, ``key``) out."""
    for batch in batches:
        records = batch.to_pylist()
        with Store(":memory:") as store:
            insert_records(store, records)
            pairs = sorted(set(article_keys(store, records)))
        yield pa.RecordBatch.from_pylist([{"seq": s, "key": k} for s, k in pairs], schema=KEYS)


# -- 3. one bin ---------------------------------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    return {"$b64": base64.b64encode(value).decode("ascii")} if isinstance(value, (bytes, memoryview)) else value


def store_rows(store: Store) -> Iterator[tuple[str, str]]:
    """(table, row JSON) of every row ``link_store`` wrote into the link tables (bytes as ``{"$b64": ...}``)."""
    from newstrace.link import DERIVED_TABLES

    conn = store.conn
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in (*DERIVED_TABLES, *EXTRA_LINK_TABLES):
        if table not in have:
            continue
        for r in conn.execute(f"SELECT * FROM {table}"):
            yield table, json.dumps({k: _cell(r[k]) for k in r.keys()}, ensure_ascii=False)


def export_rows(store: Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) of the link export tables, read through the export's own ``Selection``."""
    from newstrace.export.select import Selection
    from newstrace.spark.tables import story_table_rows

    sel = Selection(store)
    if sel.linked:
        for (sid,) in store.conn.execute("SELECT id FROM stories ORDER BY id"):
            story = sel.story(sid)
            if story is not None:
                yield from story_table_rows(story)
    if sel.has_reuse:
        for r in store.conn.execute("SELECT * FROM reuse_links ORDER BY copy_id, origin_id"):
            yield "reuse_links", {k: dict(r).get(k) for k in TABLES["reuse_links"].names}
    if sel.has_canonical:
        for r in store.conn.execute("SELECT * FROM canonical_entities ORDER BY id"):
            out = {k: dict(r).get(k) for k in TABLES["canonical_entities"].names}
            out["aliases"] = json.loads(out.get("aliases") or "[]")
            yield "canonical_entities", out


def linked_records(store: Store) -> Iterator[dict[str, Any]]:
    """Each article of the store after linking: its row (analysis with canonical ids) and its events' stories."""
    from newstrace.export.select import Selection

    for batch in Selection(store).batches():
        ids = [it.article.id for it in batch]
        rows = {r["id"]: dict(r) for r in store.conn.execute(
            f"SELECT * FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}
        for it in batch:
            row = rows[it.article.id]
            row.pop("seq", None)
            row.pop("ingested_at", None)
            links = {ev: asdict(s) for ev, s in sorted(it.stories.items())}
            yield {"seq": it.seq, "article_id": it.article.id, "row": json.dumps(row, ensure_ascii=False),
                   "links": json.dumps(links, ensure_ascii=False) if links else None,
                   PARTITION: pub_date(row.get("published"))}


def link_bin(records: list[dict[str, Any]], bin_id: int) -> Iterator[dict[str, Any]]:
    """Link one bin's articles with ``link_store`` and yield every output row (``OUT``)."""
    from newstrace.link import link_store

    with Store(":memory:") as store:
        insert_records(store, records)
        link_store(store, 0)
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


# -- the step ------------------------------------------------------------------------------------------------------
def _lead_cap() -> int | None:
    try:
        from newstrace.link.paraphrase import LEAD_BUCKET_CAP
    except ImportError:
        return None
    return int(LEAD_BUCKET_CAP)


def link_records(spark: Any, records: Any, work: Path, out: Path, partitions: int) -> dict[str, Any]:
    """Link the run's records; writes ``work/linked`` (the records after linking), the link export tables and
    ``link_rows`` under ``out``; returns a summary (components, bins, rounds, largest component)."""
    from functools import partial

    from pyspark.sql import functions as F

    from newstrace.link.reuse import BUCKET_CAP
    from newstrace.spark.components import components
    from newstrace.spark.job import write
    from newstrace.spark.schema import spark_schema
    from newstrace.spark.tables import typed_batches

    recs = records.select("seq", "article_id", "row")
    keys = recs.mapInArrow(key_batches, spark_schema(KEYS))
    keys.write.mode("overwrite").parquet(str(work / "keys"))
    keys = spark.read.parquet(str(work / "keys"))
    # a band key shared by more than BUCKET_CAP articles is boilerplate: link.reuse drops it, so it joins nothing;
    # so is a lead word in more than LEAD_BUCKET_CAP leads (link.paraphrase.lead_pairs)
    hot = (keys.where(F.col("key").startswith("r:")).groupBy("key").count()
           .where(F.col("count") > BUCKET_CAP).select("key"))
    lead_cap = _lead_cap()
    if lead_cap is not None:
        hot = hot.union(keys.where(F.col("key").startswith("l:")).groupBy("key").count()
                        .where(F.col("count") > lead_cap).select("key"))
    keys = keys.join(hot, "key", "left_anti")
    comp, rounds = components(keys, recs)
    sizes = comp.groupBy("component").agg(F.count("*").alias("size"))
    total = recs.count()
    bins_small = max(1, -(-total // PACK))
    binned = (comp.join(sizes, "component")
              .withColumn("bin", F.when(F.col("size") > PACK, F.col("component"))
                          .otherwise(-1 - F.pmod(F.xxhash64("component"), F.lit(bins_small))))
              .select("seq", "bin"))
    grouped = records.select("seq", "article_id", "row").join(binned, "seq")
    linked = grouped.groupBy("bin").applyInPandas(link_group, spark_schema(OUT))
    linked.write.mode("overwrite").parquet(str(work / "link_out"))
    done = spark.read.parquet(str(work / "link_out"))

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
            "label_rounds": rounds, "bins": done.select("bin").distinct().count()}
