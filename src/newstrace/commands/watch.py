"""``newstrace watch SOURCES.yaml`` follows feeds and sitemaps into the store; ``newstrace sources`` shows them.

``watch`` runs until interrupted (Ctrl-C or SIGTERM finish the fetches in flight, store them, and exit), or with
``--once`` until every source was polled and every new item handled. Progress goes to stderr as JSON lines.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Annotated, Optional

import typer

from newstrace.cli import DbOpt, FormatOpt, LimitOpt, app, open_store
from newstrace.output import Format, emit, print_error

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


@app.command()
def watch(
    sources_file: Annotated[str, typer.Argument(metavar="SOURCES.yaml", help="The feeds and sitemaps to follow.")],
    db: DbOpt = "newstrace.db",
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Parallel fetches (all hosts together).")] = 2,
    once: Annotated[bool, typer.Option("--once", help="Poll each due source once, fetch every pending item, then exit.")] = False,
    user_agent: Annotated[Optional[str], typer.Option("--user-agent", help="User agent (default NEWSTRACE_USER_AGENT).")] = None,
    rate: Annotated[Optional[float], typer.Option("--rate", help="Requests per second per host (NEWSTRACE_HOST_RATE).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Pages per store transaction.")] = 16,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No JSON progress lines on stderr.")] = False,
) -> None:
    """Follow feeds and sitemaps: poll each on its interval, fetch new items politely, ingest them."""
    import dataclasses

    from newstrace.collect.sources import SourcesError, load_sources
    from newstrace.settings import get_settings
    from newstrace.watch import Watcher

    try:
        specs = load_sources(sources_file)
    except SourcesError as exc:
        print_error(str(exc))
        raise typer.Exit(EXIT_USAGE) from exc
    settings = get_settings()
    changes = {}
    if user_agent:
        changes["user_agent"] = user_agent
    if rate:
        changes["host_rate"] = rate
    if changes:
        settings = dataclasses.replace(settings, **changes)
    wlog = logging.getLogger("newstrace.watch")
    if not quiet:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_JsonLines())
        wlog.addHandler(handler)
        wlog.setLevel(logging.INFO)
        wlog.propagate = False
    store = open_store(db)
    watcher = Watcher(store, specs, settings=settings, workers=workers, batch_size=batch_size, once=once)
    previous = signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    try:
        stats = watcher.run()
    except KeyboardInterrupt:
        watcher.stop()
        stats = watcher.stats
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()
    raise typer.Exit(EXIT_PARTIAL if stats.failed else EXIT_OK)


@app.command()
def sources(db: DbOpt = "newstrace.db", fmt: FormatOpt = Format.table, limit: LimitOpt = 100) -> None:
    """The followed feeds and sitemaps: last poll, status, new items, pending and failed items, errors."""
    from newstrace.watch import list_sources

    store = open_store(db, readonly=True)
    rows = list_sources(store)[:limit]
    emit(rows, fmt, columns=["url", "name", "last_poll", "last_status", "new_last", "new_total", "pending",
                             "failed_items", "failures", "last_error", "next_poll"],
         title=f"sources in {db}", widths={"url": 40, "last_error": 30})
