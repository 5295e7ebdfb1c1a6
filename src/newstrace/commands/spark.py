"""``newstrace spark`` (the pipeline on Apache Spark, tables out) and ``newstrace load`` (those tables into a
store). pyspark comes with the ``spark`` extra: ``pip install 'newstrace[spark]'``; Java 17+ from the system."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from newstrace.cli import EXIT_PARTIAL, DbOpt, _fail, app, open_store
from newstrace.output import err


@app.command("spark")
def spark_command(
    sources: Annotated[list[str], typer.Argument(
        help="Files, folders, globs (HTML, text, JSONL, WARC, Parquet, .gz).")],
    out: Annotated[str, typer.Option("--out", "-o", help="Folder for the Parquet tables (replaced tables).")],
    master: Annotated[Optional[str], typer.Option(help="Spark master URL (default local[*]).")] = None,
    partitions: Annotated[Optional[int], typer.Option(min=1, help="Tasks for the analysis (default: cores).")] = None,
    link: Annotated[bool, typer.Option("--link/--no-link", help="Link articles across outlets (stories, copies, "
                                                                  "cross-article entities).")] = True,
) -> None:
    """Run collect -> extract -> analyze -> link on Spark and write the export tables as Parquet by date."""
    from newstrace.spark.session import SparkMissing

    try:
        from newstrace.spark.job import run

        stats = run(sources, out, master=master, partitions=partitions, link=link)
    except SparkMissing as exc:
        raise _fail(str(exc)) from exc
    err.print(f"spark: {stats.documents} documents, {stats.articles} articles, {stats.duplicates} duplicates, "
              f"{stats.failed} failed -> {out}  ({stats.seconds})")
    if stats.link:
        err.print(f"linked: {stats.link}")
    if stats.failed:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("load")
def load_command(
    folder: Annotated[str, typer.Argument(help="The --out folder of a `newstrace spark` run.")],
    db: DbOpt = "newstrace.db",
) -> None:
    """Load a Spark run's tables into a store, for serve, the CLI and the Python API."""
    from newstrace.spark.load import is_spark_output, load

    if not Path(folder).is_dir() or not is_spark_output(folder):
        raise _fail(f"{folder} is not the output folder of `newstrace spark` (it has no records/ table)")
    store = open_store(db)
    try:
        stats = load(folder, store)
    finally:
        store.close()
    err.print(f"loaded {stats.articles} articles ({stats.present} already stored), {stats.documents} ledger rows "
              f"({stats.failed} failed), link rows {stats.link_rows} -> {db}")
