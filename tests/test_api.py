"""The Python API: docs/python-api.md runs as a doctest against the corpus store, README's "Python API" snippet
runs as written, and the typed records and DataFrames are checked against the store."""

from __future__ import annotations

import dataclasses
import doctest
import re
import shutil
from pathlib import Path

import pytest

import newstrace
from newstrace.api import AnalysisError, ArticleEvent, Records, Story
from newstrace.model import Event

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def in_corpus_dir(corpus_db, tmp_path, monkeypatch, nlp):
    """A working directory holding the corpus store as ./newstrace.db, as the docs assume."""
    shutil.copy(corpus_db, tmp_path / "newstrace.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_docs_python_api_doctest(in_corpus_dir):
    pytest.importorskip("pandas")  # the optional extras the docs show (newstrace[pandas], newstrace[polars])
    pytest.importorskip("polars")
    result = doctest.testfile(str(ROOT / "docs" / "python-api.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 20 and result.failed == 0
    assert (in_corpus_dir / "taliban.jsonl").stat().st_size > 0


def test_readme_python_api_snippet_runs(in_corpus_dir):
    pytest.importorskip("pandas")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "README has no Python API example"
    namespace: dict = {}
    exec(compile("\n".join(blocks), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert isinstance(namespace["events"], Records) and len(namespace["df"]) == len(namespace["events"])


def test_typed_records(corpus_db):
    with newstrace.open(corpus_db) as nt:
        events = nt.events(limit=5)
        assert len(events) == 5 and all(isinstance(e, ArticleEvent) and isinstance(e, Event) for e in events)
        stories = nt.stories()
        assert stories and all(isinstance(s, Story) for s in stories)
        assert all(s.verdict in ("corroborated", "single-source", "contested", "unverified") for s in stories)
        # filters agree with the store
        n_consult = nt.store.conn.execute("SELECT count(*) FROM events WHERE type='CONSULT'").fetchone()[0]
        assert len(nt.events(type="consult")) == n_consult
        assert len(nt.events(modality="negated")) == nt.store.conn.execute(
            "SELECT count(*) FROM events WHERE modality='negated'").fetchone()[0]
        rows = nt.events().rows()
        assert "evidence_text" in rows[0] and "source_kind" in rows[0]
        assert {f.name for f in dataclasses.fields(Event)} - {"evidence", "source"} <= set(rows[0])
        with pytest.raises(ValueError):
            nt.stories(verdict="likely")


def test_api_on_an_empty_store(empty_store_path):
    with newstrace.open(empty_store_path) as nt:
        assert nt.stories() == [] and nt.events() == [] and nt.articles() == []
        assert nt.events().rows() == []
        if _has("pandas"):
            assert nt.events().to_pandas().empty
        if _has("polars"):
            assert nt.events().to_polars().is_empty()


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@pytest.fixture()
def empty_store_path(tmp_path):
    from newstrace.store.sqlite import Store

    path = tmp_path / "empty.db"
    Store(path).close()
    return path


def test_open_missing_store_is_a_clear_error(tmp_path):
    from newstrace.store.sqlite import StoreError

    with pytest.raises(StoreError, match="no database"):
        newstrace.open(tmp_path / "nothing.db")


def test_analyze_text_bytes_and_bad_input(nlp):
    doc = newstrace.analyze("Officials in Valdoria said the northern governor visited Tromsø on Monday for talks "
                            "with the fisheries minister.\n\nThe visit lasted two days.", title="Governor in Tromsø",
                            published="2026-02-03", outlet="fjordpost.example")
    assert doc.article.title == "Governor in Tromsø" and doc.article.text.startswith("Governor in Tromsø")
    assert doc.record()["article"]["outlet"] == "fjordpost.example"
    with pytest.raises(AnalysisError) as err:
        newstrace.analyze(b"\x00\x01\x02\xff" * 64)
    assert err.value.failure.stage == "extract"
    with pytest.raises(AnalysisError, match="empty"):
        newstrace.analyze("   ")


def test_import_stays_light():
    import subprocess
    import sys

    code = "import sys, newstrace; print(any(m.startswith(('spacy', 'pyarrow', 'stix2')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
