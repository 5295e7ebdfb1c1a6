"""The link commands through the real CLI: link, stories, story, claims."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.store.sqlite import Store

from .link_builders import store_docs
from .link_corpus import corpus

runner = CliRunner()


def _db(tmp_path) -> tuple[str, list[str]]:
    path = str(tmp_path / "cli.db")
    with Store(path) as store:
        ids = store_docs(store, corpus())
    res = runner.invoke(app, ["link", "--db", path])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["articles"] == 10
    return path, ids


def test_stories_listing_and_filters(tmp_path):
    db, _ = _db(tmp_path)
    res = runner.invoke(app, ["stories", "--db", db, "-f", "json"])
    assert res.exit_code == 0, res.output
    stories = json.loads(res.stdout)
    assert {s["verdict"] for s in stories} == {"corroborated", "single-source", "contested"}
    top = stories[0]
    assert set(top) >= {"id", "type", "actors", "place", "first_seen", "reports", "independent_outlets", "verdict"}
    assert top["verdict"] == "corroborated" and top["independent_outlets"] == 3
    assert all(set(r) >= {"article", "outlet", "published", "copied_from"} for r in top["reports"])

    res = runner.invoke(app, ["stories", "--db", db, "-f", "json", "--verdict", "contested"])
    assert [s["type"] for s in json.loads(res.stdout)] == ["ASSAULT"]
    res = runner.invoke(app, ["stories", "--db", db, "-f", "json", "--entity", "Brackwater"])
    assert len(json.loads(res.stdout)) == 1
    res = runner.invoke(app, ["stories", "--db", db, "-f", "json", "--since", "2031-09-06"])
    assert all(s["first_seen"] >= "2031-09-06" for s in json.loads(res.stdout))
    res = runner.invoke(app, ["stories", "--db", db, "-f", "csv", "-n", "2"])
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][0] == "id" and len(rows) == 3
    res = runner.invoke(app, ["stories", "--db", db, "--verdict", "maybe"])
    assert res.exit_code == 2


def test_story_timeline_and_copy_graph(tmp_path):
    db, ids = _db(tmp_path)
    sid = json.loads(runner.invoke(app, ["stories", "--db", db, "-f", "json", "--entity", "Ostrava"]).stdout)[0]["id"]
    res = runner.invoke(app, ["story", sid[:8], "--db", db, "-f", "json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)
    assert rec["reports"][0]["article"] == ids[1] and rec["verdict"] == "single-source"
    assert {(c["copy_id"], c["origin_id"]) for c in rec["copies"]} >= {(ids[0], ids[1]), (ids[2], ids[1])}
    res = runner.invoke(app, ["story", sid, "--db", db])
    assert "copy graph" in res.stdout and "syndicated" in res.stdout and "single-source" in res.stdout
    assert runner.invoke(app, ["story", "nope", "--db", db]).exit_code == 1  # not found, as for show and entity


def test_claims_single_source_and_source_kind(tmp_path):
    db, ids = _db(tmp_path)
    res = runner.invoke(app, ["claims", "--db", db, "-f", "json", "--single-source"])
    assert res.exit_code == 0, res.output
    claims = json.loads(res.stdout)
    texts = " ".join(c["text"] for c in claims)
    assert "Brackwater Front" in texts and "Lakemont" not in texts
    assert all(c["verdict"] == "single-source" for c in claims)
    res = runner.invoke(app, ["claims", "--db", db, "-f", "json", "--source", "anonymous"])
    assert [c["article"] for c in json.loads(res.stdout)] == [ids[3]]
    res = runner.invoke(app, ["claims", "--db", db, "-f", "json"])
    pasted = next(c for c in json.loads(res.stdout) if c["article"] == ids[6] and c["event"] == "v2")
    assert pasted["voice_id"] == ids[3]  # the pasted sentence speaks with the origin's voice
    assert pasted["role"] == "copy"
    assert runner.invoke(app, ["claims", "--db", db, "--source", "rumour"]).exit_code == 2


def test_commands_on_a_store_never_linked(tmp_path):
    db = str(tmp_path / "empty.db")
    Store(db).close()
    res = runner.invoke(app, ["stories", "--db", db, "-f", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    res = runner.invoke(app, ["link", "--db", db])
    assert res.exit_code == 0 and json.loads(res.stdout)["articles"] == 0


def test_story_explains_each_claim(tmp_path):
    db, ids = _db(tmp_path)
    sid = json.loads(runner.invoke(app, ["stories", "--db", db, "-f", "json", "--entity", "Valdis"]).stdout)[0]["id"]
    rec = json.loads(runner.invoke(app, ["story", sid, "--db", db, "-f", "json"]).stdout)
    central = [c for c in rec["claims"] if c["central"]]
    assert len(central) == 1 and central[0]["verdict"] == rec["verdict"] == "corroborated"
    roles = {(r["article"], r["role"]) for r in central[0]["reports"]}
    # three outlets assert the visit; the commentary's pasted sentence repeats the first report's words
    assert {(ids[3], "asserts"), (ids[4], "asserts"), (ids[5], "asserts"), (ids[6], "copy")} <= roles
    text = runner.invoke(app, ["story", sid, "--db", db], env={"COLUMNS": "120"}).stdout
    assert "claims" in text and "repeats another's words" in text and "one claim:" in text
