"""Shared fixtures: the real spaCy pipeline, the shared example op-ed, and a real store built from the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
SHARED = ROOT.parent / "shared"
OPED = SHARED / "examples" / "isi-oped-scrape.txt"
DEV = SHARED / "data" / "dev"


@pytest.fixture(scope="session")
def nlp():
    """The full newstrace pipeline over the configured spaCy model, loaded once for the session."""
    from newstrace.analyze.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def oped_path() -> Path:
    """The motivating op-ed scrape from the shared folder (tests that need it skip when it is absent)."""
    if not OPED.exists():
        pytest.skip(f"{OPED} not present")
    return OPED


@pytest.fixture(scope="session")
def oped_record(oped_path, nlp):
    """The op-ed extracted and analysed: (Article, Analysis)."""
    from newstrace.analyze.pipeline import analyze_article
    from newstrace.collect import collect
    from newstrace.ingest import extract_one

    raw = next(iter(collect([str(oped_path)])))
    art = extract_one(raw)
    return art, analyze_article(art, nlp)


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory, nlp) -> Path:
    """A real SQLite store with the example corpus ingested and linked (built once per session; read-only use)."""
    from newstrace.ingest import ingest
    from newstrace.store.sqlite import Store

    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store(path) as store:
        stats = ingest([str(CORPUS)], store)
        try:
            from newstrace.link import link_store
        except ImportError:
            pass
        else:
            link_store(store, since_seq=0)
    assert stats.stored >= 12, stats
    return path
