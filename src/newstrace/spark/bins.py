"""Bins of the Spark link step: some articles in an in-memory store, and what the link code wrote there, read back.

A bin is a union of groups (of entities, or of articles) that share no key with any other group, so the link code
run on the bin's articles alone gives what it gives on the whole corpus. ``pack`` assigns groups to bins: a group of
more than ``PACK`` members alone, smaller ones hashed together. ``insert_records`` stores a bin's articles with
their corpus-wide ``seq`` (every tie the link rules break by ``seq`` breaks the same way); ``store_rows``,
``export_rows`` and ``linked_records`` read back the link tables, the link export tables and the linked articles.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

import pyarrow as pa

from newstrace.spark.schema import PARTITION, TABLES, pub_date
from newstrace.store.sqlite import Store, analysis_from_row, utcnow

PACK = 2000  # members per bin of small groups
OUT = pa.schema([("kind", pa.string()), ("bin", pa.int64()), ("seq", pa.int64()), ("article_id", pa.string()),
                 ("name", pa.string()), ("row", pa.string()), ("links", pa.string()), (PARTITION, pa.string())])
# store tables besides the derived ones that link_store writes (cross-article entities, outlet groups)
EXTRA_LINK_TABLES = ("canonical_entities", "canonical_members", "canonical_keys", "outlet_groups")


def pack(comp: Any, total: int, tasks: int = 1, size: int = PACK) -> tuple[Any, Any]:
    """(``seq``, ``bin``) for each member of ``comp`` (``seq``, ``component``), and the groups' sizes
    (``component``, ``size``): a group of more than ``size`` members is a bin of its own (its component id), the
    others are hashed into ``ceil(total / size)`` bins (negative ids), and at least ``tasks`` (so a small corpus
    keeps every core busy too)."""
    from pyspark.sql import functions as F

    sizes = comp.groupBy("component").agg(F.count("*").alias("size"))
    bins_small = max(1, tasks, -(-total // size))
    binned = (comp.join(sizes, "component")
              .withColumn("bin", F.when(F.col("size") > size, F.col("component"))
                          .otherwise(-1 - F.pmod(F.xxhash64("component"), F.lit(bins_small))))
              .select("seq", "bin"))
    return binned, sizes


def insert_records(store: Store, records: Iterable[dict[str, Any]]) -> None:
    """Put stored article rows into ``store`` with their corpus-wide ``seq`` (what ``add_article`` writes)."""
    conn = store.conn
    with store.transaction():
        for rec in sorted(records, key=lambda r: r["seq"]):
            row = json.loads(rec["row"])
            cols = [c for c in row if c not in ("seq", "ingested_at")]
            conn.execute(f"INSERT INTO articles(seq, ingested_at, {', '.join(cols)}) VALUES (?, ?, "
                         f"{', '.join('?' * len(cols))})", [rec["seq"], utcnow(), *(row[c] for c in cols)])
            if row.get("analysis"):
                store._write_analysis(row["id"], analysis_from_row(row))


HOT = "~hot~"  # the article id (negative seq) of the placeholder rows that mark a key hot


def story_hot_key(key: str, bucket: int | None) -> str:
    """How a story blocking key hot in a block of days travels with its articles: ``s:<key>\t<block>``."""
    return f"s:{key}\t{'' if bucket is None else bucket}"


def seed_hot(store: Store, keys: Iterable[str]) -> None:
    """Mark these candidate keys hot in a bin's store, as they are in the corpus: a band key (``r:``) gets
    ``BUCKET_CAP`` + 1 placeholder articles in ``reuse_bands``, a lead word (``l:``) ``LEAD_BUCKET_CAP`` + 1 in
    ``lead_keys``, a story key in a block of days (``s:``, ``story_hot_key``) ``story_key_cap`` + 1 placeholder
    mentions in ``mention_keys`` on that block's first day, so ``link.reuse.candidates``, ``link.paraphrase.lead_pairs``
    and ``link.stories`` drop them in the bin too (a bin holds fewer of the key's articles than the corpus).
    ``unseed`` takes the placeholders out again."""
    from newstrace.link.paraphrase import LEAD_BUCKET_CAP
    from newstrace.link.reuse import BUCKET_CAP
    from newstrace.link.stories import bucket_days, load_config

    bands = sorted({int(k[2:]) for k in keys if k.startswith("r:")})
    leads = sorted({k[2:] for k in keys if k.startswith("l:")})
    cfg = load_config()
    stories = []
    for k in sorted({k for k in keys if k.startswith("s:")}):
        key, _, bucket = k[2:].rpartition("\t")
        day = bucket_days(int(bucket), cfg)[0] if bucket else None
        stories += [(key, day, f"{HOT}{i}", bucket or "-") for i in range(cfg.key_cap + 1)]
    with store.transaction():
        store.conn.executemany("INSERT OR IGNORE INTO mention_keys(key, day, article_id, event_id) VALUES (?,?,?,?)",
                               stories)
        store.conn.executemany("INSERT OR IGNORE INTO reuse_bands(band_key, article_seq) VALUES (?,?)",
                               [(b, -1 - i) for b in bands for i in range(BUCKET_CAP + 1)])
        store.conn.executemany("INSERT OR IGNORE INTO lead_keys(key, article_id, day) VALUES (?,?,NULL)",
                               [(k, f"{HOT}{i}") for k in leads for i in range(LEAD_BUCKET_CAP + 1)])


def unseed(store: Store) -> None:
    """Take ``seed_hot``'s placeholder rows out of the store."""
    with store.transaction():
        store.conn.execute("DELETE FROM reuse_bands WHERE article_seq < 0")
        store.conn.execute("DELETE FROM lead_keys WHERE article_id LIKE ?", (HOT + "%",))
        store.conn.execute("DELETE FROM mention_keys WHERE article_id LIKE ?", (HOT + "%",))


def _cell(value: Any) -> Any:
    return {"$b64": base64.b64encode(value).decode("ascii")} if isinstance(value, (bytes, memoryview)) else value


def store_rows(store: Store) -> Iterator[tuple[str, str]]:
    """(table, row JSON) of every row the link code wrote into the link tables (bytes as ``{"$b64": ...}``)."""
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
