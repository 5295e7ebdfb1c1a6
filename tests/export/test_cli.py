"""``newstrace export`` through the real command line (typer's CliRunner over the corpus store)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["export", *args])


def test_jsonl_to_stdout_with_filters(corpus_db):
    res = _run("--format", "jsonl", "--db", str(corpus_db), "--type", "CONSULT", "--since", "2026-09-05")
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert recs and all(r["article"]["published"] >= "2026-09-05" for r in recs)


@pytest.mark.parametrize("fmt,name", [("stix", "b.json"), ("graphml", "n.graphml"), ("gexf", "n.gexf"),
                                      ("parquet", "pq"), ("csv", "csv"), ("gdelt", "gd")])
def test_every_format_writes_its_target(corpus_db, tmp_path, fmt, name):
    out = tmp_path / name
    res = _run("-f", fmt, "--db", str(corpus_db), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.exists() and (out.is_file() and out.stat().st_size > 0 or any(out.iterdir()))
    assert "exported 14 articles" in res.output.replace("\n", " ")


def test_usage_errors_exit_2(corpus_db, tmp_path):
    assert _run("-f", "parquet", "--db", str(corpus_db)).exit_code == 2  # a directory format needs --out
    assert _run("-f", "jsonl", "--db", str(corpus_db), "--verdict", "probably").exit_code == 2
    assert _run("-f", "jsonl", "--db", str(corpus_db), "--since", "last week").exit_code == 2
    assert _run("-f", "xml", "--db", str(corpus_db)).exit_code == 2
    assert _run("-f", "jsonl", "--db", str(tmp_path / "missing.db")).exit_code == 2
    (tmp_path / "afile").write_text("x")
    assert _run("-f", "csv", "--db", str(corpus_db), "--out", str(tmp_path / "afile")).exit_code == 2
