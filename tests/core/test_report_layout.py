"""The ``analyze``/``show`` report at 80 columns (what a pipe gets): nothing wider than the screen, no column
squeezed to one word per line, every claim's evidence readable as prose, every date in one format."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from newstrace.report import print_report, show_date

BOX = re.compile(r"[│┃║╭╮╰╯─━┏┓┗┛┡┩┳┻╇╋┣┫┠┨┯┷┼═]")


def render(art, an, width: int = 80) -> list[str]:  # noqa: ANN001 - Article, Analysis
    """The report as a pipe of ``width`` columns shows it: plain lines, no colour codes."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    print_report(console, art, an)
    return buf.getvalue().splitlines()


def one_word_runs(lines: list[str]) -> int:
    """The longest run of consecutive lines that hold a single word once the table borders are stripped."""
    longest = run = 0
    for line in lines:
        words = BOX.sub(" ", line).split()
        run = run + 1 if len(words) == 1 else 0
        longest = max(longest, run)
    return longest


def assert_readable(art, an, lines: list[str]) -> None:  # noqa: ANN001
    assert max(len(line) for line in lines) <= 80
    assert one_word_runs(lines) < 3, "\n".join(lines)
    flat = [" ".join(BOX.sub(" ", line).split()) for line in lines]
    for ev in an.events:
        words = ev.evidence.text.split()
        if len(words) >= 6:
            # the sentence starts on one line with its first words together, as prose
            assert any(" ".join(words[:5]) in line for line in flat), ev.evidence.text
    for q in an.quotes:
        words = q.text.split()
        if len(words) >= 6:
            assert any(" ".join(words[:5]) in line for line in flat), q.text
    text = "\n".join(lines)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", text), "an ISO timestamp printed raw"


def test_the_oped_report_fits_80_columns(oped_record) -> None:  # noqa: ANN001
    art, an = oped_record
    lines = render(art, an)
    assert_readable(art, an, lines)
    assert any(line.startswith("Claims by the outlet itself") for line in lines)
    # the report is a summary, not a column of single words: the old layout ran to over a thousand lines
    assert len(lines) < 400


def test_stored_articles_report_fits_80_columns_with_dates_in_one_format(corpus_db: Path) -> None:
    from newstrace.store.sqlite import Store

    with sqlite3.connect(corpus_db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY seq")]
        timed = conn.execute("SELECT id, published FROM articles WHERE published LIKE '%T%' LIMIT 1").fetchone()
    with Store(corpus_db, readonly=True) as store:
        for aid in ids:
            art, an = store.article(aid)
            assert_readable(art, an, render(art, an))
        if timed:
            art, an = store.article(timed[0])
            shown = show_date(timed[1])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}( [+-]\d{2}:\d{2}| UTC)?", shown), shown
            assert any(re.search(rf"published\s+{re.escape(shown)}", line) for line in render(art, an))


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-09-06", "2026-09-06"),
    ("2026-09", "2026-09"),
    ("2026-09-06T11:20:00+04:30", "2026-09-06 11:20 +04:30"),
    ("2026-09-06T11:20:00.123Z", "2026-09-06 11:20 UTC"),
    ("2026-09-06 11:20", "2026-09-06 11:20"),
    ("2026-09-06T11:20:00-0500", "2026-09-06 11:20 -05:00"),
    ("Tuesday", "Tuesday"),
    (None, ""),
])
def test_show_date_prints_one_format(value: str | None, shown: str) -> None:
    assert show_date(value) == shown


LISTINGS = [["articles"], ["stories"], ["events"], ["claims"], ["quotes"], ["entities"], ["entity", "Awan"],
            ["entities", "--why", "Awan"], ["errors"], ["sources"], ["status"], ["report"]]


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_listings_fit_80_columns(corpus_db: Path, command: list[str]) -> None:
    """Piped (80 columns), a listing too wide for a table is printed one block per record, never squeezed."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80"}
    res = subprocess.run([sys.executable, "-m", "newstrace", *command, "--db", str(corpus_db), "-n", "20"]
                         if command[0] not in ("status", "report") else
                         [sys.executable, "-m", "newstrace", *command, "--db", str(corpus_db)],
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert one_word_runs(lines) < 3, res.stdout
    # headers are words ("independent outlets"), which wrap between them, not inside a field name
    assert not any("_" in line for line in lines if line.startswith("┃")), res.stdout
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", res.stdout), "an ISO timestamp printed raw"
