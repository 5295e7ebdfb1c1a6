"""The ``newstrace`` command line (typer + rich).

Conventions (DESIGN.md): every command that touches a store takes ``--db`` (default ``newstrace.db`` or
``NEWSTRACE_DB``); listing commands take ``--format table|json|csv`` and ``--limit``; data goes to stdout,
progress and logs to stderr; exit 0 when all is well, 1 when some documents failed or the thing asked for is not
in the store, 2 on a usage error.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
import typer._click as click  # typer 0.29 ships its own click (pinned in pyproject.toml)
from typer.core import TyperCommand, TyperGroup

from newstrace.model import record
from newstrace.output import Format, emit, err, escape, out, print_error
from newstrace.settings import get_settings


class Command(TyperCommand):
    """A typer command whose --help reads like a manual: ``--json``, ``--db PATH``, ``--port INTEGER``.

    Typer labels every option with its Python type (``--json <bool>``, ``--host <str>``, ``--token
    <list[str]>``); a flag takes no value, so any label reads as if it wanted one. ``_plain_metavars`` blanks the
    flags' labels and names the others' values as click does; a metavar declared on an option is kept.
    """

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The command's parameters, the help option included, with plain metavars."""
        return _plain_metavars(super().get_params(ctx), ctx)


class Group(TyperGroup):
    """The top-level group, with the same plain metavars as ``Command`` (``--verbose``, ``--help``)."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The group's parameters with plain metavars."""
        return _plain_metavars(super().get_params(ctx), ctx)


# typer's type labels -> the value names click and most manuals use
PLAIN_METAVARS = {"<str>": "TEXT", "<list[str]>": "TEXT", "<int>": "INTEGER", "<int range>": "INTEGER",
                  "<list[int]>": "INTEGER", "<float>": "NUMBER", "<float range>": "NUMBER", "<path>": "PATH",
                  "<list[path]>": "PATH"}


def _plain_metavars(params: list[click.Parameter], ctx: click.Context) -> list[click.Parameter]:
    """``params`` with a plain metavar on each option that declares none: empty on a flag, else a value name.

    Arguments keep theirs (their metavar is the name shown for them). Choices keep typer's ``<a|b|c>``.
    """
    for p in params:
        if p.param_type_name != "option" or p.metavar is not None:
            continue
        if getattr(p, "is_flag", False):
            p.metavar = ""
        else:
            label = p.display_type(ctx)
            p.metavar = PLAIN_METAVARS.get(label, label)
    return params


class App(typer.Typer):
    """The ``newstrace`` app: every command registered on it is a ``Command`` unless it names another class."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any):  # noqa: ANN201
        """Typer's ``command`` decorator, with ``Command`` as the default class."""
        return super().command(name, cls=cls or Command, **kwargs)


app = App(
    cls=Group,
    name="newstrace",
    help="From raw news to evidence: what happened, who says so, and who else confirms it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOpt = Annotated[str, typer.Option("--db", envvar="NEWSTRACE_DB", metavar="PATH", help="SQLite database file.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table (for people), json or csv.")]
SQLITE_MAX_INT = 2**63 - 1
ISO_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _clamp_limit(value: int) -> int:
    """``--limit`` as SQLite can bind it (a 64-bit integer): any larger number means "all" just the same."""
    return min(value, SQLITE_MAX_INT)


LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", callback=_clamp_limit,
                                       help="At most this many records.")]

# README "Exit codes": 1 is both "some documents failed" (ingest, analyze, watch) and "not found" (show, entity,
# story: no such id or name); 2 is a usage error (a bad option or argument, a missing file, no usable database)
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
EXIT_NOT_FOUND = 1


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``message`` as an error on stderr and return the exit to raise (a usage error unless told)."""
    print_error(message)
    return typer.Exit(code)


def not_found(message: str) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise when the thing asked for is not in the store."""
    return _fail(message, EXIT_NOT_FOUND)


def check_db_name(db: str) -> None:
    """Exit 2 unless ``db`` can name a database file: not empty (SQLite opens "" as a private temporary database,
    so an ingest into it would report success and keep nothing), not a folder."""
    if not db.strip():
        raise _fail("--db takes a database file name (NEWSTRACE_DB is empty or --db was given an empty value)")
    if Path(db).is_dir():
        raise _fail(f"--db {db} is a folder: give a database file in it, such as {Path(db) / 'newstrace.db'}")


def open_store(db: str, *, readonly: bool = False):  # noqa: ANN201 - Store, imported lazily for a fast --help
    """Open the store or exit 2 with the reason (``check_db_name`` first)."""
    from newstrace.store.sqlite import Store, StoreError

    check_db_name(db)

    try:
        return Store(db, readonly=readonly)
    except StoreError as exc:
        raise _fail(str(exc)) from exc


def _load_nlp():  # noqa: ANN202
    from newstrace.analyze.pipeline import ModelNotFound, load_nlp

    try:
        return load_nlp()
    except ModelNotFound as exc:
        raise _fail(str(exc)) from exc


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug messages to stderr.")] = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command()
def analyze(
    file: Annotated[str, typer.Argument(help="A file (HTML, text scrape, JSONL, WARC, .gz) or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record instead of the report.")] = False,
    as_is: Annotated[bool, typer.Option("--as-is", help="Analyse the text exactly as given (no cleaning).")] = False,
) -> None:
    """Analyse one document without a database: a readable report, or the JSON record."""
    from newstrace.analyze.pipeline import analyze_article
    from newstrace.collect import collect
    from newstrace.ingest import extract_one
    from newstrace.model import Failure
    from newstrace.report import print_report

    if file != "-" and (not file.strip() or not Path(file).exists()):  # Path("") is the current folder
        raise _fail(f"no such file: {file!r}")
    nlp = _load_nlp()
    records, failed = [], 0
    for raw in collect([file]):
        art = extract_one(raw, as_is=as_is)
        if isinstance(art, Failure):
            failed += 1
            err.print(f"[red]failed[/red] {escape(f'{art.uri}: {art.reason} ({art.stage})')}")
            continue
        an = analyze_article(art, nlp)
        if as_json:
            records.append(record(art, an))
        else:
            print_report(out, art, an)
    if as_json and records:
        payload = records[0] if len(records) == 1 else records
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, URLs, or - for stdin.")],
    db: DbOpt = "newstrace.db",
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Analysis processes, this one included.")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")] = 32,
    link: Annotated[bool, typer.Option("--link/--no-link", help="Link the new articles across outlets.")] = True,
) -> None:
    """Collect, extract, analyse and store documents; already-stored content is skipped."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from newstrace.ingest import IngestStats
    from newstrace.ingest import ingest as run_ingest

    for p in paths:
        if not p.strip() or (p != "-" and "://" not in p and not any(ch in p for ch in "*?[") and not Path(p).exists()):
            raise _fail(f"no such file or folder: {p!r}")  # Path("") would be the current folder
    _load_nlp()  # this process analyses too, with or without helpers; a missing model fails here, before any work
    store = open_store(db)
    started = time.perf_counter()
    # refreshed after each batch rather than by a timer thread: with no other thread running, analysis helpers
    # can be forked from this process and share its loaded pipeline (ingest._start_method)
    with Progress(TextColumn("[bold]ingest[/bold]"), BarColumn(bar_width=None), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=err, transient=False, auto_refresh=False) as bar:
        task = bar.add_task("starting", total=None)

        def show(s: IngestStats) -> None:
            rate = s.seen / max(time.perf_counter() - started, 1e-6)
            bar.update(task, description=f"{s.seen} docs ({rate:.1f}/s): {s.stored} stored, {s.skipped} known, "
                                         f"{s.duplicates} duplicate, [red]{s.failed} failed[/red]")
            bar.refresh()

        stats = run_ingest(paths, store, workers=workers, batch_size=batch_size, progress=show)
        show(stats)
    if link and stats.stored:
        _run_link(store, stats.first_seq)
    elapsed = time.perf_counter() - started
    err.print(f"{stats.seen} documents in {elapsed:.1f}s: {stats.stored} new articles, {stats.skipped} already "
              f"stored, {stats.duplicates} duplicate texts, {stats.failed} failed -> {escape(db)}")
    for reason, n in sorted(stats.reasons.items(), key=lambda kv: -kv[1]):
        err.print(f"  [red]{n}[/red] failed: {escape(reason)}")
    store.close()
    if stats.failed:
        raise typer.Exit(EXIT_PARTIAL)


def _run_link(store, first_seq: int | None) -> None:  # noqa: ANN001
    """Run the link stage over the new articles when it is installed."""
    try:
        from newstrace.link import link_store
    except ImportError:
        return
    summary = link_store(store, since_seq=(first_seq or 1) - 1)
    if summary:
        err.print(f"linked: {escape(str(summary))}")


@app.command()
def articles(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet (registered domain).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (YYYY-MM-DD).")] = None,
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="Full-text query (SQLite FTS5).")] = None,
) -> None:
    """List stored articles, newest publication first (undated ones last)."""
    if since and not ISO_DAY.match(since):
        raise _fail(f"--since takes a date as YYYY-MM-DD, not {since!r}")
    store = open_store(db, readonly=True)
    rows = [dict(r) for r in store.list_articles(limit=limit, outlet=outlet, since=since, query=search)]
    for r in rows:
        r["tags"] = json.loads(r["tags"])
    emit(rows, fmt, columns=["id", "published", "outlet", "title", "entities", "events", "quotes"],
         widths={"title": 60})


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Article id, id prefix or URL.")],
    db: DbOpt = "newstrace.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON record.")] = False,
) -> None:
    """Show one stored article with its analysis."""
    from newstrace.report import print_report

    store = open_store(db, readonly=True)
    found = store.article(ref)
    if found is None:
        raise not_found(f"no article {ref!r} in {db}")
    art, an = found
    if as_json:
        sys.stdout.write(json.dumps(record(art, an), ensure_ascii=False, indent=2) + "\n")
    else:
        print_report(out, art, an)
        if art.removed:
            out.print(f"[dim]removed as site chrome: {len(art.removed)} lines "
                      f"({escape(', '.join(sorted({r.reason for r in art.removed})))})[/dim]")


@app.command()
def errors(db: DbOpt = "newstrace.db", fmt: FormatOpt = Format.table, limit: LimitOpt = 100) -> None:
    """List documents that failed, with the stage and the reason."""
    store = open_store(db, readonly=True)
    emit([dict(r) for r in store.failures(limit=limit)], fmt,
         columns=["uri", "stage", "reason", "size", "ingested_at"], widths={"uri": 50})


@app.command()
def status(db: DbOpt = "newstrace.db") -> None:
    """What the store holds: counts of articles, actors, events, quotes, failures."""
    store = open_store(db, readonly=True)
    counts = store.counts()
    emit([{"table": k, "rows": v} for k, v in counts.items()], Format.table, title=f"{db} (schema v{store.schema_version})")


def _register_command_modules() -> None:
    """Import every module of ``newstrace.commands`` so that their commands join the app."""
    import importlib
    import pkgutil

    import newstrace.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        importlib.import_module(f"{pkg.__name__}.{info.name}")


_register_command_modules()


def main() -> None:
    """Console-script entry point."""
    get_settings()
    app()


if __name__ == "__main__":
    # run as a script, this module is __main__ while the command modules register on newstrace.cli's app
    from newstrace.cli import main as _main

    _main()
