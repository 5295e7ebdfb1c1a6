"""The example corpus on real Spark (local[2]) gives the tables that ``ingest`` + ``export -f parquet`` give,
row for row (order aside), and ``newstrace load`` turns them back into a store that exports the same again."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.export import export
from newstrace.export.tables import TABLES
from newstrace.ingest import ingest
from newstrace.spark.read import read_table
from newstrace.spark.schema import ARTICLE_TABLES, PARTITION
from newstrace.store.sqlite import Store

from .tables import differences, export_table, sorted_rows

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def unlinked(spark, tmp_path_factory) -> tuple[Path, Path]:
    """(the Spark output folder, the export folder of ingest) for the corpus, without the link step."""
    from newstrace.spark.job import run

    base = tmp_path_factory.mktemp("spark-unlinked")
    stats = run([str(CORPUS)], base / "spark", spark=spark, partitions=2, link=False)
    assert stats.failed == 0 and stats.articles >= 12, stats
    with Store(base / "ingest.db") as store:
        ingest([str(CORPUS)], store)
        export(store, "parquet", base / "export")
    return base / "spark", base / "export"


@pytest.mark.parametrize("table", ARTICLE_TABLES)
def test_article_tables_equal_ingest_then_export(unlinked, table: str) -> None:
    spark_out, exported = unlinked
    got = read_table(spark_out, table)
    assert got.schema.names == TABLES[table].names
    want = export_table(exported, table)
    assert sorted_rows(got.to_pylist()) == sorted_rows(want), differences(got.to_pylist(), want)


def test_tables_are_partitioned_by_publication_date(unlinked) -> None:
    spark_out, _ = unlinked
    dates = {p.name for p in (spark_out / "articles").iterdir() if p.name.startswith(PARTITION + "=")}
    assert f"{PARTITION}=2026-09-05" in dates, dates
    arts = read_table(spark_out, "articles", keep_partition=True).to_pylist()
    assert all(a[PARTITION] == (a["published"] or "")[:10] or a[PARTITION] == "unknown" for a in arts)


def test_load_builds_a_store_that_exports_the_same_tables(unlinked, tmp_path: Path) -> None:
    from newstrace.spark.load import load

    spark_out, exported = unlinked
    with Store(tmp_path / "loaded.db") as store:
        stats = load(spark_out, store)
        assert stats.articles == read_table(spark_out, "articles").num_rows
        export(store, "parquet", tmp_path / "again")
    for table in ARTICLE_TABLES:
        assert sorted_rows(export_table(tmp_path / "again", table)) == sorted_rows(export_table(exported, table))
