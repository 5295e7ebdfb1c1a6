"""Printing records for the CLI: a rich table for people, a JSON array or CSV rows for programs.

Every listing command funnels through ``emit`` so that ``--format table|json|csv`` means the same everywhere:
data goes to stdout, everything else (progress, logs, warnings) to stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from rich.console import Console
from rich.table import Table

from newstrace.model import to_dict

out = Console(soft_wrap=False)
err = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


ATOMIC_COLUMNS = frozenset({"verdict", "type", "mode", "modality", "source_kind", "published", "first_seen",
                            "outlet", "country", "sector", "stage", "kind"})


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    widths: Mapping[str, int] | None = None,
) -> None:
    """Print records as a table (the given columns), a JSON array (whole records) or CSV (the given columns).

    ``records`` are plain dicts (or dataclasses); JSON keeps every field, table and CSV show ``columns``.
    """
    fmt = Format(fmt)
    rows = [to_dict(r) if not isinstance(r, Mapping) else dict(r) for r in records]
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt is Format.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(cols)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in cols])
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in cols:
        # ids are copied into the next command, and a code broken over two lines ("single-sourc/e") misreads:
        # neither wraps; the free text columns take the wrapping
        keep = c == "id" or c.endswith("_id") or c in ATOMIC_COLUMNS
        # a header is for people: "independent outlets" wraps between its words, "independent_outlets" mid-word
        table.add_column(c.replace("_", " "), max_width=(widths or {}).get(c), overflow="fold", no_wrap=keep,
                         min_width=None)
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in cols))
    out.print(table)
    if not rows:
        err.print("[dim](no records)[/dim]")
