"""Fixtures for the export tests: generated stores (no spaCy) and the corpus store from the session conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import build_store
from newstrace.store.sqlite import Store


@pytest.fixture(scope="session")
def gen_db(tmp_path_factory) -> Path:
    """30 generated articles with unicode names, grouped into 10 single-source stories of one original + 2 copies."""
    return build_store(tmp_path_factory.mktemp("gen") / "gen.db", 30, stories=True)


@pytest.fixture()
def empty_db(tmp_path) -> Path:
    """A store with the whole schema (link tables included) and no article."""
    path = tmp_path / "empty.db"
    Store(path).close()
    return path


@pytest.fixture()
def open_store():
    """Open a store read-only for the test and close it afterwards."""
    opened: list[Store] = []

    def _open(path: Path) -> Store:
        store = Store(path, readonly=True)
        opened.append(store)
        return store

    yield _open
    for s in opened:
        s.close()
