"""The SQLite store on real files: schema and migrations, WAL, read-only use, files that are not a store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newstrace.store.sqlite import MIGRATIONS, SCHEMA, Store, StoreError


def test_a_new_store_has_every_migration_and_its_version(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with Store(db) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM migrations")}
        assert names == {p.name for p in MIGRATIONS.glob("*.sql")}
        version = store.schema_version
        assert version == 1 + len(names)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(db) as store:
        assert store.migrate() == []  # reopening applies nothing twice
        assert store.schema_version == version


def test_a_store_from_the_first_schema_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(SCHEMA.read_text(encoding="utf-8"))  # the schema as the first release wrote it
    con.execute("INSERT INTO articles(id, title, text, ingested_at) VALUES ('a1', 'Old', 'Kept text.', '2026-01-01')")
    con.commit()
    con.close()
    with Store(db) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM migrations")}
        assert names == {p.name for p in MIGRATIONS.glob("*.sql")}
        row = store.conn.execute("SELECT title, text FROM articles WHERE id='a1'").fetchone()
        assert tuple(row) == ("Old", "Kept text.")


def test_a_file_that_is_not_a_database_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"these are my notes, not a database\n" * 200)
    before = bogus.read_bytes()
    with pytest.raises(StoreError, match="not a usable newstrace database"):
        Store(bogus)
    assert bogus.read_bytes() == before


def test_read_only_needs_an_existing_store_and_refuses_writes(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()
    db = tmp_path / "ro.db"
    with Store(db):
        pass
    with Store(db, readonly=True) as store, pytest.raises(sqlite3.OperationalError):
        store.conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "tx.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_document("file:///a.html", "abc", "ok")
            raise RuntimeError("crash inside the batch")
        assert store.counts()["documents"] == 0
        with store.transaction():
            assert store.add_document("file:///a.html", "abc", "ok")
            assert not store.add_document("file:///a.html", "abc", "ok")  # the same content is recorded once
        assert store.counts()["documents"] == 1
