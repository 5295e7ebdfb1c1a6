"""`newstrace claims --flag`: the flagged claims of the example corpus, with their verdicts."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from newstrace.cli import app

runner = CliRunner()


def test_exclusive_claims_are_listed_with_their_flags_and_verdict(corpus_db) -> None:
    res = runner.invoke(app, ["claims", "--db", str(corpus_db), "--flag", "exclusive", "-f", "json", "-n", "200"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all("exclusive" in r["flags"] for r in rows)
    meeting = [r for r in rows if r["type"] == "CONSULT" and "secret" in r["text"].lower()]
    assert meeting and {r["verdict"] for r in meeting} == {"single-source"}

    everything = json.loads(runner.invoke(app, ["claims", "--db", str(corpus_db), "-f", "json", "-n", "500"]).stdout)
    assert len(everything) > len(rows)
    key = lambda r: (r["article"], r["event"])  # noqa: E731
    assert {key(r) for r in rows} == {key(r) for r in everything if "exclusive" in r["flags"]}


def test_an_unknown_flag_is_a_usage_error(corpus_db) -> None:
    res = runner.invoke(app, ["claims", "--db", str(corpus_db), "--flag", "dubious"])
    assert res.exit_code == 2 and "--flag must be one of" in res.output
