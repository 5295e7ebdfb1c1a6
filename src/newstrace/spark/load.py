"""``newstrace load DIR``: a Spark run's output folder into a store, so ``serve``, the CLI and the Python API
read it like a store built by ``ingest``.

The store is rebuilt from the run's own tables, not from the export tables: ``records`` holds every article row as
``ingest`` writes it (the analysis JSON included), ``documents`` the ledger, ``link_rows`` every row the link
step wrote into the store's link tables. Articles go in in ``seq`` order through ``Store.add_article``, so an empty
store gets the same ``seq`` numbers as the run (a store that already holds articles gets the next ones); link rows
go in as they are (into a store that held articles before, the new ones are linked incrementally instead). Reading
needs pyarrow only, not Spark.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newstrace.spark.read import read_table
from newstrace.store.sqlite import Store, analysis_from_row, article_from_row

BATCH = 500


@dataclass
class LoadStats:
    """What one load did: articles added (or already there), ledger rows, link rows per table."""

    articles: int = 0
    present: int = 0
    documents: int = 0
    failed: int = 0
    link_rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def is_spark_output(folder: str | Path) -> bool:
    return (Path(folder) / "records").is_dir()


def load_articles(store: Store, folder: str | Path, stats: LoadStats) -> None:
    """The run's article rows, in ``seq`` order, ``BATCH`` per transaction."""
    records = read_table(folder, "records").select(["seq", "row"]).sort_by("seq")
    rows = records.column("row").to_pylist()
    for i in range(0, len(rows), BATCH):
        with store.transaction():
            for raw in rows[i : i + BATCH]:
                row = json.loads(raw)
                if store.add_article(article_from_row(row), analysis_from_row(row)):
                    stats.articles += 1
                else:
                    stats.present += 1


def load_documents(store: Store, folder: str | Path, stats: LoadStats) -> None:
    """The run's ledger: every document with its status, and the failures with stage and reason."""
    docs = read_table(folder, "documents").sort_by([("unit", "ascending"), ("doc", "ascending")]).to_pylist()
    with store.transaction():
        for d in docs:
            if store.add_document(d["uri"], d["sha"], d["status"], article_id=d["article_id"], stage=d["stage"],
                                  reason=d["reason"], size=d["size"], fetched_at=d["fetched_at"]):
                stats.documents += 1
                stats.failed += d["status"] == "failed"


def _cell(value: Any) -> Any:
    """A link-table cell from its JSON form (bytes travel as ``{"$b64": ...}``)."""
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


def link_table_order(tables: set[str]) -> list[str]:
    """The link tables in an order that inserts parents before children (``DERIVED_TABLES`` is children first)."""
    from newstrace.link import DERIVED_TABLES

    first = [t for t in ("canonical_entities", "canonical_keys", "canonical_members", "outlet_groups") if t in tables]
    rest = [t for t in reversed(DERIVED_TABLES) if t in tables and t not in first]
    return first + rest + sorted(tables - set(first) - set(rest))


def load_link_rows(store: Store, folder: str | Path, stats: LoadStats) -> None:
    """The link step's rows, into the store's link tables (replacing what a previous link wrote there)."""
    data = read_table(folder, "link_rows")
    if not data.num_rows:
        return
    by_table: dict[str, list[dict[str, Any]]] = {}
    for table, raw in zip(data.column("table").to_pylist(), data.column("row").to_pylist()):
        by_table.setdefault(table, []).append(json.loads(raw))
    order = link_table_order(set(by_table))
    conn = store.conn
    with store.transaction():
        for table in reversed(order):
            conn.execute(f"DELETE FROM {table}")
        for table in order:
            rows = by_table[table]
            cols = list(rows[0])
            sql = f"INSERT OR REPLACE INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            conn.executemany(sql, [tuple(_cell(r.get(c)) for c in cols) for r in rows])
            stats.link_rows[table] = len(rows)


def load(folder: str | Path, store: Store) -> LoadStats:
    """Load a Spark output folder into ``store``; returns what was added.

    Into an empty store the link rows go in as the run wrote them (their ``seq`` numbers are the store's). Into a
    store that already holds articles the new articles get the next ``seq`` numbers, so the run's link rows do not
    fit; the new articles are linked against the store by ``link_store`` instead (the incremental link ``ingest``
    runs).
    """
    if not is_spark_output(folder):
        raise FileNotFoundError(f"{folder} is not the output of `newstrace spark` (no records/ folder)")
    stats = LoadStats()
    last = store.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    load_articles(store, folder, stats)
    load_documents(store, folder, stats)
    if last == 0:
        load_link_rows(store, folder, stats)
    elif stats.articles:
        from newstrace.link import link_store

        stats.link_rows = {"relinked": link_store(store, since_seq=last).get("articles", 0)}
    return stats
