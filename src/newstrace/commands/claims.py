"""CLI of claims: ``newstrace claims``, the listing that ``GET /api/claims`` and the ``/claims`` page share.

One row per coded event (a claim as an article states it) with its source kind, flags and, on a linked store,
the story, the claim and its verdict (``newstrace.server.claimlist`` builds the rows for all three).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from newstrace.cli import DbOpt, FormatOpt, LimitOpt, app, open_store
from newstrace.model import SOURCE_KINDS, VERDICTS
from newstrace.output import Format, emit, print_error

EXIT_USAGE = 2
SQLITE_MAX_INT = 2**63 - 1
# the CLI's option for each filter the listing checks
OPTION = {"source_kind": "--source", "single_source": "--single-source"}


@app.command()
def claims(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, max=SQLITE_MAX_INT, metavar="N",
                                        help="Skip this many claims (the next page).")] = 0,
    single_source: Annotated[bool, typer.Option(
        "--single-source", help="Only claims no independent outlet confirms (verdict single-source or unverified)."
    )] = False,
    source: Annotated[Optional[str], typer.Option(
        "--source", help=f"Only claims resting on this source kind ({' | '.join(SOURCE_KINDS)}).")] = None,
    verdict: Annotated[Optional[str], typer.Option(
        "--verdict", help=f"Only claims with this verdict ({' | '.join(VERDICTS)}).")] = None,
    flag: Annotated[Optional[str], typer.Option(
        "--flag", help="Only claims carrying this flag: a flag lexicon's kind (exclusive, hedge, loaded, "
                       "overclaim, ...), anonymous, or any flag the listing shows (headline, nominal, negated, ...)."
    )] = None,
    outlet: Annotated[Optional[str], typer.Option("--outlet", help="Only claims published by this outlet.")] = None,
    entity: Annotated[Optional[str], typer.Option(
        "--entity", "-e", help="Only claims whose actor, target or source is this entity (key or part of a name).")
    ] = None,
    type_: Annotated[Optional[str], typer.Option("--type", "-t", help="Only this PLOVER event type.")] = None,
    story: Annotated[Optional[str], typer.Option("--story", help="Only the claims of this story.")] = None,
) -> None:
    """List claims (coded events) with their source kind, flags and the verdict of the claim they state."""
    from newstrace.server.claimlist import ClaimFilter, InvalidFilter, claim_rows

    f = ClaimFilter(single_source=single_source, verdict=verdict, flag=flag, source_kind=source, outlet=outlet,
                    entity=entity, type=type_, story=story)
    store = open_store(db, readonly=True)
    try:
        rows = claim_rows(store.conn, f, limit=min(limit, SQLITE_MAX_INT), offset=offset)
    except InvalidFilter as exc:
        # printed as text: the flags listed come from the store and may hold "[...]"
        print_error(f"{OPTION.get(exc.param, '--' + exc.param.replace('_', '-'))} {exc.message}")
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        store.close()
    emit(rows, fmt, columns=["article", "outlet", "type", "modality", "source_kind", "flags", "verdict", "text"],
         widths={"text": 70, "article": 16})
