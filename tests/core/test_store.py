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


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path):
    """Two ``ingest`` runs started on a new store at once both create it: each migration is checked and applied
    under the write lock, so the second waits and finds it recorded (it failed with "UNIQUE constraint failed:
    migrations.name")."""
    import subprocess
    import sys

    path = str(tmp_path / "race.db")
    code = "import sys; from newstrace.store.sqlite import Store; s = Store(sys.argv[1]); print(s.schema_version)"
    procs = [subprocess.Popen([sys.executable, "-c", code, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(6)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-500:] for _out, err in results]
    assert len({out.strip() for out, _err in results}) == 1
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM migrations")]
    conn.close()
    assert len(names) == len(set(names)) and "0009_happenings.sql" in names


def test_sql_statements_keep_a_trigger_whole():
    from newstrace.store.sqlite import sql_statements

    script = ("-- a comment\nCREATE TABLE a(x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO a VALUES (1);\n"
              "END;\n-- trailing comment\n")
    stmts = sql_statements(script)
    assert len(stmts) == 2 and "END;" in stmts[1]
