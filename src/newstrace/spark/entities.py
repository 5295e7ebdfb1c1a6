"""Step 1 of the Spark link: cross-article entities, resolved over groups of entities, not of articles.

Entity resolution compares an entity only with the canonical entities that share one of its keys
(``link.resolve.resolution_keys``), and a canonical entity holds the keys of the entities it absorbed. So entities
that share no key, directly or through others, never meet: each connected group of entities (the "Pakistan" of
every article and its spellings; a person's full name, surname and initials) is resolved on its own by
``link.resolve.resolve_entities`` (``only`` the group's entities, each article's other entities still present for
the rules that read them), with the articles' corpus-wide ``seq``, and gives the canonical ids one resolution over
the whole corpus gives. An article's entities fall in many groups, so a country named in every article joins its
"Pakistan" entities to each other, never the articles themselves.

``resolve_records`` yields the canonical id of every resolved entity, and the rows of the canonical tables (for the
``canonical_entities`` export table and ``link_rows``); ``apply_batches`` writes the ids into the records' analyses
as resolution writes them (``link.resolve.with_canonical``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newstrace.spark.bins import OUT, export_rows, insert_records, pack, store_rows
from newstrace.store.sqlite import Store

# kind "key": (node, key) of one entity; kind "row": the article's entities, as a stored row (``value``)
NODES = pa.schema([("kind", pa.string()), ("node", pa.int64()), ("seq", pa.int64()), ("article_id", pa.string()),
                   ("entity_id", pa.string()), ("value", pa.string())])
ENTITY_BITS = 20  # a node is seq << ENTITY_BITS | the entity's place in its article


def entity_row(row: dict[str, Any]) -> dict[str, Any] | None:
    """The stored row of an article cut to what resolution reads (its id and its analysis's entities), or None when
    it names no entity."""
    try:
        analysis = json.loads(row["analysis"]) if row.get("analysis") else None
    except ValueError:
        return None
    if not isinstance(analysis, dict) or not analysis.get("entities"):
        return None
    return {"id": row["id"], "text": "", "analysis": json.dumps({"entities": analysis["entities"]},
                                                                ensure_ascii=False)}


def node_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records (``seq``, ``article_id``, ``row``) in; each resolvable entity's keys
    (``link.candidates.entity_keys``) and each article's entity row out (``NODES``)."""
    from newstrace.link.candidates import entity_keys

    for batch in batches:
        cut = []
        for rec in batch.to_pylist():
            erow = entity_row(json.loads(rec["row"]))
            if erow is not None:
                cut.append({"seq": rec["seq"], "article_id": rec["article_id"], "row": json.dumps(erow)})
        out: list[dict[str, Any]] = []
        with Store(":memory:") as store:
            insert_records(store, cut)
            seq_of = {r["article_id"]: r["seq"] for r in cut}
            place = {(r["article_id"], e["id"]): i for r in cut
                     for i, e in enumerate(json.loads(json.loads(r["row"])["analysis"])["entities"])}
            for aid, eid, key in entity_keys(store.conn, list(seq_of)):
                node = seq_of[aid] << ENTITY_BITS | place[(aid, eid)]
                out.append({"kind": "key", "node": node, "seq": seq_of[aid], "article_id": aid, "entity_id": eid,
                            "value": key})
        out += [{"kind": "row", "node": None, "seq": r["seq"], "article_id": r["article_id"], "entity_id": None,
                 "value": r["row"]} for r in cut]
        yield pa.RecordBatch.from_pylist(out, schema=NODES)


def resolve_bin(records: list[dict[str, Any]], only: set[tuple[str, str]], bin_id: int) -> Iterator[dict[str, Any]]:
    """Resolve one bin's entities (``only``) with ``resolve_entities`` over a store of their articles; yields the
    canonical id of each (kind ``assign``: article, entity id as ``name``, canonical id as ``row``) and the rows of
    the canonical tables (kinds ``export`` and ``store``, as ``linking.link_bin`` yields them)."""
    from newstrace.link.resolve import resolve_entities

    blank = {"seq": None, "article_id": None, "links": None, "pub_date": None}
    with Store(":memory:") as store:
        insert_records(store, records)
        resolve_entities(store, 0, only)
        for aid, eid, cid in store.conn.execute("SELECT article_id, entity_id, canonical FROM canonical_members"):
            yield {**blank, "kind": "assign", "bin": bin_id, "article_id": aid, "name": eid, "row": cid}
        for table, row in export_rows(store):
            row.pop("pub_date", None)
            yield {**blank, "kind": "export", "bin": bin_id, "name": table, "row": json.dumps(row, ensure_ascii=False)}
        for table, row in store_rows(store):
            yield {**blank, "kind": "store", "bin": bin_id, "name": table, "row": row}


def resolve_group(pdf: Any) -> Any:
    """``applyInPandas`` body: one bin's articles (``seq``, ``article_id``, ``row``, ``entity_ids``) in, its ``OUT``
    rows out."""
    import pandas as pd

    records = pdf[["seq", "article_id", "row"]].to_dict("records")
    only = {(aid, eid) for aid, eids in zip(pdf["article_id"], pdf["entity_ids"]) for eid in eids}
    return pd.DataFrame(list(resolve_bin(records, only, int(pdf["bin"].iloc[0]))), columns=OUT.names)


def apply_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: records with their entities' canonical ids (``ids``: JSON entity id -> canonical id)
    in, records whose analysis carries them out (``seq``, ``article_id``, ``row``)."""
    from newstrace.link.resolve import with_canonical

    schema = pa.schema([("seq", pa.int64()), ("article_id", pa.string()), ("row", pa.string())])
    for batch in batches:
        out = []
        for rec in batch.to_pylist():
            row = json.loads(rec["row"])
            if row.get("analysis"):
                row["analysis"] = with_canonical(row["analysis"], json.loads(rec["ids"] or "{}"))
            out.append({"seq": rec["seq"], "article_id": rec["article_id"], "row": json.dumps(row, ensure_ascii=False)})
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def resolve_records(spark: Any, recs: Any, work: Any, tasks: int = 1) -> tuple[Any, Any, dict[str, Any]]:
    """Resolve the entities of ``recs`` (``seq``, ``article_id``, ``row``); returns the records with their canonical
    ids, the canonical tables' ``OUT`` rows, and a summary (entities, groups, the largest group, label rounds)."""
    from pyspark.sql import functions as F

    from newstrace.spark.components import components
    from newstrace.spark.schema import spark_schema

    recs.mapInArrow(node_batches, spark_schema(NODES)).write.mode("overwrite").parquet(str(work / "entity_nodes"))
    nodes = spark.read.parquet(str(work / "entity_nodes"))
    keys = nodes.where(F.col("kind") == "key")
    entities = keys.select("node", "seq", "article_id", "entity_id").distinct()
    comp, rounds = components(keys.select(F.col("node").alias("seq"), F.col("value").alias("key")),
                              entities.select(F.col("node").alias("seq")))
    binned, sizes = pack(comp, entities.count(), tasks)
    per_article = (entities.join(binned.withColumnRenamed("seq", "node"), "node")
                   .groupBy("bin", "seq", "article_id").agg(F.collect_list("entity_id").alias("entity_ids")))
    rows = nodes.where(F.col("kind") == "row").select("seq", F.col("value").alias("row"))
    grouped = per_article.join(rows, "seq").select("bin", "seq", "article_id", "row", "entity_ids")
    out = grouped.groupBy("bin").applyInPandas(resolve_group, spark_schema(OUT))
    out.write.mode("overwrite").parquet(str(work / "entity_out"))
    done = spark.read.parquet(str(work / "entity_out"))
    ids = (done.where(F.col("kind") == "assign")
           .groupBy("article_id").agg(F.to_json(F.map_from_entries(F.collect_list(F.struct("name", "row"))))
                                      .alias("ids")))
    schema = pa.schema([("seq", pa.int64()), ("article_id", pa.string()), ("row", pa.string())])
    resolved = recs.join(ids, "article_id", "left").mapInArrow(apply_batches, spark_schema(schema))
    stats = sizes.agg(F.count("*").alias("groups"), F.max("size").alias("largest"),
                      F.sum("size").alias("entities")).collect()[0]
    summary = {"entities": stats["entities"] or 0, "entity_groups": stats["groups"],
               "largest_entity_group": stats["largest"] or 0, "entity_rounds": rounds}
    return resolved, done.where(F.col("kind") != "assign"), summary
