"""What the README promises of every command, in-process (typer's CliRunner) on a real store built from the
corpus: exit codes (0 fine, 1 not found, 2 usage error), the order of ``articles``, and a --help that reads like
a manual (no ``<bool>`` beside a flag, the token-file format intact)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

runner = CliRunner()


def invoke(*args: str):  # noqa: ANN201 - typer's Result
    """Run one newstrace command in this process; the result carries exit_code, stdout and stderr."""
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("command", [
    ["show", "ffffffffffff"],
    ["entity", "Nobody Atall"],
    ["entities", "--why", "Nobody Atall"],
    ["story", "snosuchstory"],
    ["story", ""],  # every story id starts with "": ambiguous, so not one story found
    ["entity", ""],  # a blank name matched every entity as a substring, and showed the first
    ["entities", "--why", " "],
])
def test_not_found_exits_1_everywhere(corpus_db: Path, command: list[str]) -> None:
    res = invoke(*command, "--db", str(corpus_db))
    assert res.exit_code == 1, (command, res.output)
    assert "error:" in res.stderr and res.stdout == ""


@pytest.mark.parametrize("command", [
    ["events", "--type", "NOPE"],
    ["events", "--since", "last week"],
    ["stories", "--verdict", "probably"],
    ["articles", "--limit", "0"],
    ["articles", "--format", "xml"],
    ["entities", "--nosuchoption"],
    ["entities", "--type", "persn"],
    ["entities", "--country", "pakistan"],
])
def test_usage_errors_exit_2(corpus_db: Path, command: list[str]) -> None:
    res = invoke(*command, "--db", str(corpus_db))
    assert res.exit_code == 2, (command, res.output)


def test_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    for command in (["articles"], ["show", "abc"], ["story", "abc"], ["entity", "Awan"]):
        res = invoke(*command, "--db", str(tmp_path / "missing.db"))
        assert res.exit_code == 2 and "no database" in res.stderr, (command, res.output)


def _day(published: str) -> str:
    return published[:10]


def test_articles_newest_publication_first_undated_last(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "dated.db"
    shutil.copy(corpus_db, db)
    with sqlite3.connect(db) as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM articles ORDER BY seq")]
        # the first ingested is the newest, the last ingested undated, one in another time zone's evening
        conn.execute("UPDATE articles SET published='2031-01-01' WHERE seq=?", (seqs[0],))
        conn.execute("UPDATE articles SET published=NULL WHERE seq=?", (seqs[-1],))
        conn.execute("UPDATE articles SET published=NULL WHERE seq=?", (seqs[-2],))
        conn.execute("UPDATE articles SET published='2030-12-31T23:30:00-05:00' WHERE seq=?", (seqs[1],))
    res = invoke("articles", "--db", str(db), "-f", "json", "-n", "1000")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == len(seqs)
    # 2030-12-31 23:30 at UTC-5 is 2031-01-01 04:30 UTC: newer than the bare date 2031-01-01
    assert [r["seq"] for r in rows[:2]] == [seqs[1], seqs[0]]
    dated = [r for r in rows if r["published"]]
    assert [_day(r["published"]) for r in dated[1:]] == sorted((_day(r["published"]) for r in dated[1:]), reverse=True)
    # undated at the end, the newest ingested of them first
    assert [r["seq"] for r in rows[-2:]] == [seqs[-1], seqs[-2]]


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


@pytest.mark.parametrize("command", _commands())
def test_help_shows_values_not_python_types(command: str) -> None:
    res = invoke(command, "--help")
    assert res.exit_code == 0, res.output
    option_rows = [line for line in res.stdout.splitlines() if re.match(r"^│ (\*)?\s*--", line)]
    assert any("--help" in line for line in option_rows), res.stdout
    for typer_label in ("<bool>", "<str>", "<list[", "<path>", "<int>", "<float>"):
        assert not any(typer_label in line for line in option_rows), (command, typer_label, res.stdout)


def _help_text(*args: str, columns: int = 80) -> str:
    """The --help of a command as printed to a pipe of ``columns`` columns, box drawing and wrapping removed."""
    env = {**os.environ, "COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)}
    res = subprocess.run([sys.executable, "-m", "newstrace", *args, "--help"], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    assert max(len(line) for line in res.stdout.splitlines()) <= columns
    return re.sub(r"[\s│╭╮╰╯─]+", " ", res.stdout)


def test_serve_help_keeps_the_token_file_format_and_names_values() -> None:
    text = _help_text("serve")
    assert "'TOKEN [read|write|read,write]'" in text
    for option, metavar in (("--db", "PATH"), ("--host", "ADDRESS"), ("--port", "PORT"), ("--token", "TOKEN"),
                            ("--read-token", "TOKEN"), ("--token-file", "FILE"), ("--log-level", "LEVEL")):
        assert f"{option} {metavar} " in text, (option, text)
    assert "--help Show this message" in text


def test_serve_rejects_an_unknown_log_level(corpus_db: Path) -> None:
    res = invoke("serve", "--db", str(corpus_db), "--log-level", "loud")
    assert res.exit_code == 2


def test_entity_types_are_the_ones_analysis_gives() -> None:
    from newstrace.analyze.entities import ACTOR_LABELS
    from newstrace.commands.entities import ENTITY_TYPES

    assert set(ENTITY_TYPES) == ACTOR_LABELS


@pytest.mark.parametrize("command", _commands())
def test_help_keeps_every_bracket_an_option_help_holds(command: str) -> None:
    """rich reads "[read|write]" in a help text as markup and drops it: every option's help must print whole."""
    import typer.main

    cmd = typer.main.get_command(app).commands[command]
    res = invoke(command, "--help")
    squeezed = re.sub(r"[\s│╭╮╰╯─]+", "", res.stdout)
    for param in cmd.params:
        text = (getattr(param, "help", None) or "").replace("\\[", "[")
        if "[" in text:
            assert re.sub(r"\s+", "", text) in squeezed, (command, param.name, text)


def test_events_show_their_source_and_sentence(corpus_db: Path) -> None:
    """README: "PLOVER events with modality and their source"; --help: "with the sentence that says so"."""
    import csv
    import io

    res = invoke("events", "--db", str(corpus_db), "--type", "CONSULT", "--country", "PAK", "-f", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and all(r["modality"] and r["source_kind"] and r["evidence"] for r in rows)


MARKUP = "[/x] [bold]Kabul[/bold] [link=y]"  # rich markup, an unmatched closing tag included


def test_text_that_looks_like_markup_is_printed_as_it_is(corpus_db: Path, tmp_path: Path) -> None:
    """Names, titles, paths and values a user typed are printed as text: rich markup in them is neither applied
    nor a crash (an unmatched "[/x]" raised MarkupError)."""
    db = tmp_path / "[red]store[link=y].db"  # a file name cannot hold the "/" of a closing tag
    shutil.copy(corpus_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = ? WHERE seq = (SELECT min(seq) FROM articles)", (MARKUP,))
        conn.execute("UPDATE canonical_entities SET name = ? WHERE id = (SELECT id FROM canonical_entities"
                     " ORDER BY articles DESC LIMIT 1)", (MARKUP,))
        first = conn.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
    for command in (["show", MARKUP], ["entity", MARKUP + "nobody"], ["story", MARKUP], ["events", "--type", MARKUP],
                    ["articles", "--since", MARKUP], ["entities", "--type", MARKUP]):
        res = invoke(*command, "--db", str(db))
        assert res.exit_code in (1, 2) and MARKUP in " ".join(res.stderr.split()), (command, res.output)
    for command in (["articles"], ["report"], ["status"], ["sources"], ["show", first], ["entity", MARKUP],
                    ["entities"]):
        res = invoke(*command, "--db", str(db))
        assert res.exit_code == 0, (command, res.output)
    assert MARKUP in " ".join(invoke("entity", MARKUP, "--db", str(db)).stdout.split())
    assert "[red]store[link=y].db" in "".join(invoke("status", "--db", str(db)).stdout.split())


@pytest.mark.parametrize("command", [["analyze", ""], ["analyze", "  "], ["ingest", ""]])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path: Path, command: list[str]) -> None:
    """Path("") is ".": `analyze ""` read every file of the current folder, `ingest ""` stored them."""
    res = invoke(*command, *(["--db", str(tmp_path / "x.db")] if command[0] == "ingest" else []))
    assert res.exit_code == 2 and "no such file" in res.stderr, res.output
    assert not (tmp_path / "x.db").exists()


def test_export_to_a_place_it_cannot_write_is_a_usage_error(corpus_db: Path, tmp_path: Path) -> None:
    """A folder where a file goes (or an empty --out, the current folder) crashed with IsADirectoryError."""
    (tmp_path / "afolder").mkdir()
    for args in (["-f", "jsonl", "-o", ""], ["-f", "jsonl", "-o", str(tmp_path / "afolder")],
                 ["-f", "stix", "-o", str(tmp_path / "afolder")], ["-f", "csv", "-o", ""]):
        res = invoke("export", *args, "--db", str(corpus_db))
        assert res.exit_code == 2 and "error:" in res.stderr, (args, res.output)


def test_an_empty_or_folder_db_is_a_usage_error(tmp_path: Path) -> None:
    """SQLite opens "" as a private temporary database: `ingest --db ""` reported success and kept nothing."""
    page = Path(__file__).resolve().parents[2] / "examples" / "corpus" / "06-kestrelherald-geneva-election-rally.html"
    for db in ("", " ", str(tmp_path)):
        res = invoke("ingest", str(page), "--db", db, "--no-link")
        assert res.exit_code == 2 and "--db" in res.stderr, (db, res.output)
        assert invoke("articles", "--db", db).exit_code == 2
        assert invoke("serve", "--db", db, "--port", "0").exit_code == 2
