"""``newstrace export``: the store as files other tools read (JSONL, Parquet, CSV, GDELT, STIX, GraphML, GEXF)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from newstrace.cli import DbOpt, app, open_store
from newstrace.output import err, escape, print_error


class ExportFormatName(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    csv = "csv"
    gdelt = "gdelt"
    stix = "stix"
    graphml = "graphml"
    gexf = "gexf"


@app.command("export")
def export_command(
    fmt: Annotated[ExportFormatName, typer.Option("--format", "-f", help="What to write.")],
    db: DbOpt = "newstrace.db",
    out_path: Annotated[Optional[str], typer.Option(
        "--out", "-o", help="File to write (jsonl, stix, graphml, gexf; default stdout) or directory "
                            "(parquet, csv, gdelt: required).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Articles published on or after this date (YYYY-MM-DD).")] = None,
    entity: Annotated[Optional[str], typer.Option(help="Only articles naming this actor (name, alias or canonical id); "
                                                       "only events it takes part in.")] = None,
    event_type: Annotated[Optional[str], typer.Option("--type", help="Only events of these PLOVER types "
                                                                     "(comma-separated, e.g. CONSULT,ASSAULT).")] = None,
    verdict: Annotated[Optional[str], typer.Option(help="Only events whose story is corroborated, single-source or "
                                                        "contested (needs a linked store).")] = None,
    header: Annotated[bool, typer.Option(help="gdelt: add a header row (GDELT's own files have none).")] = False,
) -> None:
    """Export the store (or the filtered part of it) as JSONL, Parquet, CSV, GDELT 2.0, STIX 2.1, GraphML or GEXF."""
    from newstrace.export import FORMATS, ExportFilter, FilterError, export

    spec = FORMATS[fmt.value]
    if spec.target == "dir" and (not (out_path or "").strip() or out_path == "-"):
        print_error(f"--format {fmt.value} writes one file per table: give a directory with --out")
        raise typer.Exit(2)
    if out_path is not None and not out_path.strip():  # Path("") is the current folder, which no file can be
        print_error("--out takes a file name (leave --out out, or give -, to write to stdout)")
        raise typer.Exit(2)
    try:
        flt = ExportFilter.make(since=since, entity=entity, type=event_type, verdict=verdict)
    except FilterError as exc:
        print_error(str(exc))
        raise typer.Exit(2) from exc
    store = open_store(db, readonly=True)
    try:
        options = {"header": header} if fmt.value == "gdelt" else {}
        stats = export(store, fmt.value, out_path, flt, **options)
    except ValueError as exc:
        print_error(str(exc))
        raise typer.Exit(2) from exc
    except OSError as exc:  # a folder where a file goes, a folder that does not exist, no permission
        print_error(f"cannot write {out_path}: {exc.strerror or exc}")
        raise typer.Exit(2) from exc
    finally:
        store.close()
    err.print(escape(f"exported {stats.summary()} -> {', '.join(stats.files) if spec.target == 'file' else out_path}"))
