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


def test_every_flag_the_output_shows_is_accepted(corpus_db) -> None:
    rows = json.loads(runner.invoke(app, ["claims", "--db", str(corpus_db), "-f", "json", "-n", "500"]).stdout)
    shown = {f for r in rows for f in r["flags"]}
    assert {"headline", "nominal"} <= shown and any(f.startswith("negated:") for f in shown), shown
    for flag in sorted(shown | {"negated", "anonymous"}):
        res = runner.invoke(app, ["claims", "--db", str(corpus_db), "--flag", flag, "-f", "json", "-n", "500"])
        assert res.exit_code == 0, (flag, res.output)
        got = json.loads(res.stdout)
        assert got, flag
        assert all(flag in r["flags"] or any(f.startswith(flag + ":") for f in r["flags"])
                   or r["source_kind"] == "anonymous" for r in got), flag


def _copy(src, dst, *statements: str):
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
        for sql in statements:
            b.execute(sql)
    return dst


def test_without_claim_tables_the_story_verdict_stands_in(corpus_db, tmp_path) -> None:
    import sqlite3

    from newstrace.server.claimlist import ClaimFilter, claim_rows

    db = _copy(corpus_db, tmp_path / "no-claims.db", "DROP TABLE claim_reports", "DROP TABLE claims")
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = claim_rows(conn, ClaimFilter(), limit=500, offset=0)
        story_verdict = dict(conn.execute("SELECT id, verdict FROM stories").fetchall())
        single = claim_rows(conn, ClaimFilter(single_source=True), limit=500, offset=0)
    assert rows and all(r["claim"] is None for r in rows)
    assert all(r["verdict"] == story_verdict[r["story"]] for r in rows if r["story"])
    assert single and {r["verdict"] for r in single} <= {"single-source", "unverified"}


def test_an_unlinked_store_lists_claims_without_verdicts(corpus_db, tmp_path) -> None:
    db = _copy(corpus_db, tmp_path / "unlinked.db", "DROP TABLE claim_reports", "DROP TABLE claims",
               "DROP TABLE story_members", "DROP TABLE story_reports", "DROP TABLE story_keys", "DROP TABLE stories")
    from newstrace.server.claimlist import ClaimFilter, claim_rows
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = claim_rows(conn, ClaimFilter(flag="headline"), limit=50, offset=0)
        assert rows and all(r["verdict"] is None and r["story"] is None for r in rows)
        assert claim_rows(conn, ClaimFilter(single_source=True), limit=50, offset=0) == []
