"""Printing records for the CLI: a rich table for people, a JSON array or CSV rows for programs.

Every listing command funnels through ``emit`` so that ``--format table|json|csv`` means the same everywhere:
data goes to stdout, everything else (progress, logs, warnings) to stderr. Tables are for people: dates in one
format, headers that wrap between words, and a stacked layout when the screen is too narrow for the table.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from newstrace.model import to_dict

out = Console(soft_wrap=False)
err = Console(stderr=True)

# escape is re-exported: commands put a name or a path into their own markup with it
__all__ = ["Format", "emit", "err", "escape", "out", "print_error", "print_indented", "print_stacked", "print_table",
           "show_date", "table_width"]


def print_error(message: str) -> None:
    """``error: message`` on stderr, the message as plain text: a name, a path or a value a user typed may hold
    "[...]", which rich would read as markup (and an unmatched "[/x]" would crash the command)."""
    err.print(Text.assemble(("error:", "red"), " ", message))


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
# columns that hold a date or a timestamp: shown in one format (``show_date``) in tables, as stored in JSON and CSV
DATE_COLUMNS = frozenset({"published", "first_seen", "last_seen", "day", "date", "ingested_at", "fetched_at",
                          "last_poll", "next_poll"})
# a column that wraps is never squeezed below this many characters: narrower, the listing is printed stacked
MIN_TEXT_WIDTH = 12
# an ISO 8601 date, with an optional time (seconds and fractions dropped on display) and UTC offset
ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}(?:-\d{2})?)(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def show_date(value: str | None) -> str:
    """A date as people read it everywhere in the CLI: ``YYYY-MM-DD``, then ``HH:MM`` and the UTC offset when known.

    Stored dates come as the source gave them (``2026-09-06``, ``2026-09-06T11:20:00+04:30``, ``2026-09``); a
    value that is not ISO is shown as it is.
    """
    if not value:
        return ""
    m = ISO_DATETIME.match(value.strip())
    if not m:
        return value
    day, clock, offset = m.groups()
    if not clock:
        return day
    if offset in (None, ""):
        return f"{day} {clock}"
    if offset == "Z":
        return f"{day} {clock} UTC"
    if ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    return f"{day} {clock} {offset}"


def _keeps_whole(column: str) -> bool:
    """Whether a column's cells never wrap: ids are copied into the next command, and a code broken over two lines
    ("single-sourc/e") misreads; the free text columns take the wrapping."""
    return column == "id" or column.endswith("_id") or column in ATOMIC_COLUMNS


def _label(column: str) -> str:
    """A column's header for people: "independent outlets" wraps between its words, "independent_outlets" mid-word."""
    return column.replace("_", " ")


def _display(column: str, value: Any) -> str:
    """A cell as a table shows it: dates in one format, lists joined, the rest as ``_cell`` writes it."""
    if column in DATE_COLUMNS and isinstance(value, str):
        return show_date(value)
    return _cell(value)


def table_width(cells: list[list[str]], cols: Sequence[str], widths: Mapping[str, int]) -> int:
    """The narrowest a bordered table of these cells can be without squeezing a free-text column below
    ``MIN_TEXT_WIDTH`` (or its own ``widths`` cap): whole columns at their longest cell, free text at its floor."""
    total = 3 * len(cols) + 1  # a border and a space either side of each cell
    for i, c in enumerate(cols):
        natural = max([len(row[i]) for row in cells] + [max(len(w) for w in _label(c).split())])
        if _keeps_whole(c):
            total += natural
        else:
            total += min(natural, widths.get(c, natural), MIN_TEXT_WIDTH)
    return total


def print_table(console: Console, cells: list[list[str]], cols: Sequence[str], *, title: str | None,
                widths: Mapping[str, int]) -> None:
    """The records as a bordered table: ids and codes whole, free text wrapping within its ``widths`` cap."""
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for c in cols:
        table.add_column(_label(c), max_width=widths.get(c), overflow="fold", no_wrap=_keeps_whole(c),
                         min_width=None)
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))  # stored text, not markup
    console.print(table)


def print_indented(console: Console, text: str | Text, indent: int, *, style: str = "") -> None:
    """``text`` (plain, or rich ``Text`` with its styles) wrapped as prose to the console's width, every line
    indented by ``indent`` spaces, with no padding after the last word (a pipe gets no trailing blanks)."""
    body = text if isinstance(text, Text) else Text(text, style=style)
    width = max(console.width - indent, 20)
    lines = []
    for line in body.wrap(console, width, overflow="fold"):
        line.rstrip()
        lines.append(Text(" " * indent) + line)
    console.print(Text("\n").join(lines), soft_wrap=True)


def print_stacked(console: Console, cells: list[list[str]], cols: Sequence[str], *, title: str | None) -> None:
    """The records one block each, for a screen too narrow for their table: the ids and codes on the first line,
    then ``label: value`` for the other columns, as many to a line as fit, long values wrapping as prose."""
    if title:
        console.print(Text(title, style="bold"))
    whole = [i for i, c in enumerate(cols) if _keeps_whole(c)]
    rest = [i for i, c in enumerate(cols) if not _keeps_whole(c)]
    room = max(console.width - 4, 20)
    for row in cells:
        console.print(Text("  ".join(row[i] for i in whole if row[i]), style="bold"), soft_wrap=True)
        line = ""
        for i in rest:
            if not row[i]:
                continue
            chunk = f"{_label(cols[i])}: {row[i]}"
            if line and len(line) + 3 + len(chunk) <= room:
                line += " · " + chunk
                continue
            if line:
                print_indented(console, line, 4)
            line = chunk
        if line:
            print_indented(console, line, 4)


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: Format | str = Format.table,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    widths: Mapping[str, int] | None = None,
) -> None:
    """Print records as a table (the given columns), a JSON array (whole records) or CSV (the given columns).

    ``records`` are plain dicts (or dataclasses); JSON keeps every field, table and CSV show ``columns``. A table
    that cannot fit the screen without squeezing its free text to a few characters a line (``table_width``; a
    pipe is 80 columns) is printed stacked, one block per record (``print_stacked``).
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
    cells = [[_display(c, r.get(c)) for c in cols] for r in rows]
    if table_width(cells, cols, widths or {}) > out.width:
        print_stacked(out, cells, cols, title=title)
    else:
        print_table(out, cells, cols, title=title, widths=widths or {})
    if not rows:
        err.print("[dim](no records)[/dim]")
