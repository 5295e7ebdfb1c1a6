"""The Spark link step on a corpus where one country is named in every article: the articles fall into many small
groups (entities are resolved over groups of entities, stories over story links), and the result is still the
single-machine ``link_store``'s, table for table."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

import pytest

from newstrace.export import export
from newstrace.spark.read import read_table
from newstrace.spark.schema import LINK_TABLES
from newstrace.store.sqlite import Store

from .split_corpus import build, records
from .tables import differences, export_table, sorted_rows

pytestmark = [pytest.mark.slow, pytest.mark.spark]
HAPPENINGS, REPORTS = 8, 3


def _largest(pairs: list[tuple[str, str]]) -> int:
    """The size of the largest group of articles sharing keys (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for aid, key in pairs:
        parent[find(aid)] = find(first.setdefault(key, aid))
    return max(Counter(find(a) for a in parent).values())


@pytest.fixture(scope="module")
def linked(spark, tmp_path_factory) -> tuple[Path, Path, dict, Path]:
    """(the Spark output, the single-machine export, the Spark summary, the single-machine store)."""
    from newstrace.link import link_store
    from newstrace.spark.linking import link_records

    base = tmp_path_factory.mktemp("spark-split")
    db = base / "single.db"
    with Store(db) as store:
        build(store, HAPPENINGS, REPORTS)
        recs = spark.createDataFrame(records(store), "seq long, article_id string, row string")
        summary = link_records(spark, recs, base / "work", base / "spark", 2)
        link_store(store, 0)
        export(store, "parquet", base / "export")
    return base / "spark", base / "export", summary, db


def test_one_country_in_every_article_joins_them_all_by_entity_keys(tmp_path: Path) -> None:
    """The corpus has the problem: by the keys of every link step together, all its articles are one group."""
    from newstrace.link.candidates import candidate_keys

    with Store(tmp_path / "t.db") as store:
        ids = build(store, HAPPENINGS, REPORTS)
        everything = list(candidate_keys(store.conn, ids))
    assert _largest(everything) == len(ids)


def test_the_largest_group_is_one_story_and_its_copy(linked) -> None:
    _, _, summary, _ = linked
    assert summary["articles"] == HAPPENINGS * REPORTS + 1
    assert summary["largest_component"] == REPORTS + 1, summary  # the first happening's reports and the copy
    assert summary["components"] == HAPPENINGS, summary
    # the "United States" of every article are resolved together, apart from the people and councils
    assert summary["largest_entity_group"] == HAPPENINGS * REPORTS + 1, summary


@pytest.mark.parametrize("table", LINK_TABLES)
def test_link_tables_equal_the_single_machine_link(linked, table: str) -> None:
    spark_out, exported, _, _ = linked
    _same_table(spark_out, exported, table)


def _same_table(spark_out: Path, exported: Path, table: str) -> None:
    got, want = read_table(spark_out, table).to_pylist(), export_table(exported, table)
    assert want, f"the single-machine link wrote no {table}"
    assert sorted_rows(got) == sorted_rows(want), differences(got, want)


def test_every_link_row_equals_the_single_machine_store(linked) -> None:
    """Every row the link code wrote (story links, claims, reuse passages, canonical members ...), as in the store."""
    spark_out, _, _, db = linked
    _same_rows(spark_out, db)


def _same_rows(spark_out: Path, db: Path) -> None:
    from newstrace.link import DERIVED_TABLES
    from newstrace.spark.bins import EXTRA_LINK_TABLES

    got: dict[str, set[str]] = {}
    data = read_table(spark_out, "link_rows")
    for table, raw in zip(data.column("table").to_pylist(), data.column("row").to_pylist()):
        row = {k: v for k, v in json.loads(raw).items() if not k.endswith("_at")}  # timestamps of the run
        got.setdefault(table, set()).add(json.dumps(row, sort_keys=True))
    with Store(db) as store:
        for table in (*DERIVED_TABLES, *EXTRA_LINK_TABLES):
            want = {json.dumps({k: (v.hex() if isinstance(v, bytes) else v) for k, v in dict(r).items()
                                if not k.endswith("_at")}, sort_keys=True)
                    for r in store.conn.execute(f"SELECT * FROM {table}")}
            have = {json.dumps({k: (base64.b64decode(v["$b64"]).hex() if isinstance(v, dict) else v)
                                for k, v in json.loads(x).items()}, sort_keys=True) for x in got.get(table, set())}
            assert have == want, (table, sorted(have ^ want)[:2])


def test_linked_records_carry_the_single_machine_analyses(linked) -> None:
    """The records after linking hold the analyses the store holds: canonical ids written as resolution writes them."""
    import pyarrow.parquet as pq

    spark_out, _, _, db = linked
    got = {r["article_id"]: json.loads(r["row"])["analysis"]
           for r in pq.read_table(str(spark_out.parent / "work" / "linked")).to_pylist()}
    with Store(db) as store:
        want = dict(store.conn.execute("SELECT id, analysis FROM articles"))
        usa = {r[0] for r in store.conn.execute("SELECT canonical FROM entities WHERE name='United States'")}
    assert got == want
    assert len(usa) == 1 and None not in usa


def test_keys_hot_in_the_corpus_are_hot_in_a_bin(tmp_path: Path) -> None:
    """A band key or lead word over its cap in the whole corpus is dropped in a bin that holds few of its articles:
    a copy found by its shared bands is not found once they are all marked hot, and the marks leave no rows."""
    from newstrace.link import link_store
    from newstrace.link.candidates import candidate_keys
    from newstrace.spark.bins import seed_hot, unseed

    for hot in (False, True):
        with Store(tmp_path / f"hot{hot}.db") as store:
            ids = build(store, 1, 1)  # one report and its republished copy
            keys = {k for _, k in candidate_keys(store.conn, ids, "rl")}
            if hot:
                seed_hot(store, keys)
            found = link_store(store, 0, clear=not hot)["reuse"]
            unseed(store)
            marks = store.conn.execute("SELECT count(*) FROM reuse_bands WHERE article_seq < 0").fetchone()[0]
            # the rewrite pass still compares the two reports of one story, sentence by sentence
            assert ("duplicate" not in found) == hot and marks == 0, found


@pytest.fixture(scope="module")
def capped(spark, tmp_path_factory) -> tuple[Path, Path, Path, int]:
    """The corpus with Washington's welcome coded in every report, linked with ``story_key_cap: 2`` (a user's
    lexicon file): its key is hot in every week. (The Spark output, the single-machine export and store, and the
    number of story links the single machine made without the cap.)"""
    from newstrace.link import link_store
    from newstrace.link.stories import load_config
    from newstrace.spark.linking import link_records

    base = tmp_path_factory.mktemp("spark-capped")
    with Store(base / "loose.db") as store:
        build(store, HAPPENINGS, REPORTS, welcome=True)
        link_store(store, 0)
        loose = store.conn.execute("SELECT count(*) FROM story_links").fetchone()[0]
    (base / "cap.yaml").write_text("story_key_cap: 2\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSTRACE_LEXICONS", str(base / "cap.yaml"))
        load_config.cache_clear()
        try:
            with Store(base / "single.db") as store:
                build(store, HAPPENINGS, REPORTS, welcome=True)
                recs = spark.createDataFrame(records(store), "seq long, article_id string, row string")
                link_records(spark, recs, base / "work", base / "spark", 2)
                link_store(store, 0)
                export(store, "parquet", base / "export")
        finally:
            load_config.cache_clear()
    return base / "spark", base / "export", base / "single.db", loose


def test_a_story_key_hot_in_the_corpus_is_hot_in_every_task_and_bin(capped) -> None:
    """Washington's key is over the cap in every week: neither path compares reports through it (fewer story links
    than without the cap), and the Spark output still equals the single-machine link, row for row."""
    spark_out, exported, db, loose = capped
    with Store(db) as store:
        tight = store.conn.execute("SELECT count(*) FROM story_links").fetchone()[0]
        welcomes = store.conn.execute("SELECT count(DISTINCT story_id) FROM story_members WHERE event_id='v2'"
                                      ).fetchone()[0]
    assert tight < loose
    assert welcomes == HAPPENINGS * REPORTS + 1  # each welcome a story of its own: nothing rarer brings them together
    for table in LINK_TABLES:
        _same_table(spark_out, exported, table)
    _same_rows(spark_out, db)
