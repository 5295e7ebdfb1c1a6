"""The core commands through the real console entry point (``python -m newstrace`` in a subprocess): exit codes,
output formats and the JSON record contract of DESIGN.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
OPED = ROOT.parent / "shared" / "examples" / "isi-oped-scrape.txt"

RECORD_KEYS = {"article", "entities", "places", "events", "quotes", "flags", "sourcing"}
ARTICLE_KEYS = {"id", "url", "outlet", "title", "byline", "published", "tags", "language", "text", "removed"}


def newstrace(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "newstrace", *args], input=stdin, capture_output=True,
                          env=full_env, cwd=cwd, timeout=300, check=False)


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "corpus.db"
    res = newstrace("ingest", str(CORPUS), "--db", str(db))
    assert res.returncode == 0, res.stderr.decode()
    assert b"stored" in res.stderr
    return db


def test_articles_show_errors_status(corpus_store: Path) -> None:
    res = newstrace("articles", "--db", str(corpus_store), "-f", "json", "-n", "100")
    assert res.returncode == 0, res.stderr.decode()
    rows = json.loads(res.stdout)
    assert len(rows) >= 12 and all(r["id"] and r["title"] for r in rows)

    target = next(r for r in rows if "ISI" in r["title"] or "Kabul" in r["title"])
    res = newstrace("show", target["id"][:8], "--db", str(corpus_store), "--json")
    assert res.returncode == 0, res.stderr.decode()
    rec = json.loads(res.stdout)
    assert set(rec) >= RECORD_KEYS and set(rec["article"]) >= ARTICLE_KEYS
    assert rec["article"]["id"] == target["id"]

    table = newstrace("show", target["id"], "--db", str(corpus_store))
    assert table.returncode == 0 and target["title"][:30].encode() in table.stdout

    res = newstrace("errors", "--db", str(corpus_store), "-f", "json")
    assert res.returncode == 0 and json.loads(res.stdout) == []

    res = newstrace("status", "--db", str(corpus_store))
    assert res.returncode == 0 and b"articles" in res.stdout

    res = newstrace("articles", "--db", str(corpus_store), "-f", "csv", "-n", "3")
    lines = res.stdout.decode().strip().splitlines()
    assert res.returncode == 0 and lines[0].startswith("id,") and len(lines) == 4


def test_show_an_unknown_article_exits_1(corpus_store: Path) -> None:
    res = newstrace("show", "ffffffffffff", "--db", str(corpus_store))
    assert res.returncode == 1 and b"no article" in res.stderr


def test_some_documents_failing_exits_1_and_they_are_listed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.html").write_bytes((CORPUS / "06-kestrelherald-geneva-election-rally.html").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    db = tmp_path / "partial.db"
    res = newstrace("ingest", str(folder), "--db", str(db), "--no-link")
    assert res.returncode == 1, res.stderr.decode()
    errors = json.loads(newstrace("errors", "--db", str(db), "-f", "json").stdout)
    assert [Path(e["uri"]).name for e in errors] == ["empty.txt"] and errors[0]["reason"]
    assert len(json.loads(newstrace("articles", "--db", str(db), "-f", "json").stdout)) == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    res = newstrace("ingest", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.db"))
    assert res.returncode == 2 and b"no such file or folder" in res.stderr
    assert not (tmp_path / "x.db").exists()
    notdb = tmp_path / "notes.db"
    notdb.write_bytes(b"plain notes\n" * 100)
    res = newstrace("articles", "--db", str(notdb))
    assert res.returncode == 2 and b"not a usable newstrace database" in res.stderr
    res = newstrace("articles", "--db", str(tmp_path / "x.db"), "--limit", "zero")
    assert res.returncode == 2


def test_analyze_the_oped_as_a_json_record() -> None:
    if not OPED.exists():
        pytest.skip(f"{OPED} not present")
    res = newstrace("analyze", str(OPED), "--json")
    assert res.returncode == 0, res.stderr.decode()
    rec = json.loads(res.stdout)
    assert set(rec) >= RECORD_KEYS and set(rec["article"]) >= ARTICLE_KEYS
    art = rec["article"]
    assert art["title"].startswith("Pakistani ISI chief holds secret meetings") and art["tags"]
    assert "Recommended for you" not in art["text"]
    for ent in rec["entities"]:
        for s, e in ent["mentions"]:
            assert 0 <= s < e <= len(art["text"])
    types = {e["type"] for e in rec["events"]}
    assert "CONSULT" in types


def test_analyze_from_stdin_as_is_keeps_offsets_into_the_input() -> None:
    text = "Ministers from Arvenna and Ostrel met in Geneva on Monday to discuss the river dispute, officials said."
    res = newstrace("analyze", "-", "--json", "--as-is", stdin=text.encode())
    assert res.returncode == 0, res.stderr.decode()
    rec = json.loads(res.stdout)
    assert rec["article"]["text"] == text
    geneva = next(p for p in rec["places"] if p["name"] == "Geneva")
    s, e = geneva["mentions"][0]
    assert text[s:e] == "Geneva" and geneva["country"] == "CHE"


def test_the_model_is_a_setting_and_a_missing_one_is_a_clear_error(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("The mayor of Ostrel resigned on Monday after a week of protests, aides said.\n", encoding="utf-8")
    res = newstrace("analyze", str(doc), "--json", env={"NEWSTRACE_SPACY_MODEL": "en_core_web_nosuch"})
    assert res.returncode == 2
    assert b"NEWSTRACE_SPACY_MODEL" in res.stderr and b"en_core_web_nosuch" in res.stderr
    # the usual name of the small English model is accepted for the bundled build of it
    res = newstrace("analyze", str(doc), "--json", env={"NEWSTRACE_SPACY_MODEL": "en_core_web_sm"})
    assert res.returncode == 0, res.stderr.decode()
