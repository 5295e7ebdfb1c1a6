"""The same articles give the same stories, claims, verdicts and ids whatever the ingest order, worker count or
concurrent writers, and incremental linking equals ``link --full``: the real CLI, in real processes, on the example
corpus."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
FILES = sorted(str(p) for p in CORPUS.iterdir() if p.suffix in (".html", ".txt", ".jsonl"))
CLI = [sys.executable, "-m", "newstrace.cli"]


def _cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)


def _run(*args: str) -> None:
    proc = _cli(*args)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    """What the link stage decided, as sorted rows (no timestamps, no ingest sequence numbers)."""
    conn = sqlite3.connect(db)
    try:
        return {
            "stories": sorted(conn.execute("SELECT id, type, verdict, independent_outlets, reports, headline, place"
                                           " FROM stories")),
            "members": sorted(conn.execute("SELECT story_id, article_id, event_id, voice_id FROM story_members")),
            "claims": sorted(conn.execute("SELECT id, story_id, label, verdict, independent_outlets, central"
                                          " FROM claims")),
            "claim_reports": sorted(conn.execute("SELECT claim_id, article_id, event_id, role, voice FROM claim_reports")),
            # in the order a story lists them (time, then article id): the same whatever the ingest order
            "reports": list(conn.execute("SELECT story_id, article_id, copied_from, outlet_group, stance"
                                         " FROM story_reports ORDER BY story_id, rowid")),
            "reuse": sorted(conn.execute("SELECT copy_id, origin_id, kind, direction_by FROM reuse_links")),
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, list[tuple]]]:
    folder = tmp_path_factory.mktemp("determinism")
    out = {}
    _run("ingest", *FILES, "--db", str(folder / "w1.db"), "--workers", "1")
    out["workers 1"] = _snapshot(folder / "w1.db")
    _run("ingest", *FILES, "--db", str(folder / "w2.db"), "--workers", "2")
    out["workers 2"] = _snapshot(folder / "w2.db")
    _run("ingest", *reversed(FILES), "--db", str(folder / "rev.db"))
    out["reverse order"] = _snapshot(folder / "rev.db")
    # two ingests writing to one store at once, each with half of the files (interleaved)
    procs = [_cli("ingest", *FILES[i::2], "--db", str(folder / "cc.db")) for i in (0, 1)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
    out["two concurrent ingests"] = _snapshot(folder / "cc.db")
    shutil.copy(folder / "w1.db", folder / "full.db")
    _run("link", "--full", "--db", str(folder / "full.db"))
    out["link --full"] = _snapshot(folder / "full.db")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["workers 2", "reverse order", "two concurrent ingests", "link --full"])
def test_same_articles_same_stories_claims_and_verdicts(runs, variant):
    base, other = runs["workers 1"], runs[variant]
    assert base["stories"], "the corpus gave no stories"
    for table in base:
        assert other[table] == base[table], f"{variant}: {table} differ"
