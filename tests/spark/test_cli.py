"""``newstrace spark`` and ``newstrace load`` as a user runs them (in-process, on the shared local[2] session:
``getOrCreate`` hands the command the session the tests started)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "examples" / "corpus" / "06-kestrelherald-geneva-election-rally.html"

pytestmark = [pytest.mark.slow, pytest.mark.spark]
runner = CliRunner()


def test_spark_then_load_then_list(spark, tmp_path: Path) -> None:
    out, db = tmp_path / "tables", tmp_path / "loaded.db"
    res = runner.invoke(app, ["spark", str(PAGE), str(tmp_path / "missing.html"), "--out", str(out), "--no-link"])
    assert res.exit_code == 1, res.output  # one document failed (no such file): recorded, exit 1
    assert (out / "articles").is_dir() and (out / "documents").is_dir()
    res = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["articles", "--db", str(db), "--format", "json"])
    assert len(json.loads(res.stdout)) == 1
    res = runner.invoke(app, ["errors", "--db", str(db), "--format", "json"])
    assert any("missing.html" in e["uri"] for e in json.loads(res.stdout))


def test_load_refuses_a_folder_that_is_not_a_spark_output(tmp_path: Path) -> None:
    res = runner.invoke(app, ["load", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2
