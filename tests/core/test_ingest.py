"""Ingest end to end on real files and a real SQLite store: idempotence, bad input, interruption, workers."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from newstrace.collect import collect
from newstrace.ingest import ingest
from newstrace.model import RawDocument
from newstrace.store.sqlite import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"

ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>The port authority of Velmora said on Tuesday that {n} cargo ships had been held outside the harbour for a week
while inspectors checked their papers, a delay that traders said was costing them dearly.</p>
<p>Officials in the capital, Arvenna, promised that the checks would end before the harvest season began, and
the transport minister, Ilse Marrow, told reporters that extra inspectors were on their way.</p>
</article></body></html>"""


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the tables that hold articles and their analysis, for before/after comparisons."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for table in ("articles", "documents", "entities", "mentions", "places", "events", "quotes", "flags"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in cols if c not in ("ingested_at", "fetched_at", "seq")]
            out[table] = sorted(con.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"story-{i:02d}.html"
        p.write_text(ARTICLE.format(title=f"Ships held at Velmora port, day {i + 1}", n=i + 3), encoding="utf-8")
        paths.append(p)
    return paths


def test_corpus_ingested_twice_leaves_the_database_unchanged(tmp_path: Path, nlp) -> None:
    db = tmp_path / "corpus.db"
    with Store(db) as store:
        first = ingest([str(CORPUS)], store)
    assert first.stored >= 12 and first.failed == 0, first
    before = snapshot(db)
    with Store(db) as store:
        second = ingest([str(CORPUS)], store)
    assert second.stored == 0 and second.failed == 0
    assert second.skipped == second.seen == first.seen
    assert snapshot(db) == before


def test_bad_input_is_recorded_and_the_run_goes_on(tmp_path: Path, nlp) -> None:
    good = write_articles(tmp_path / "in", 3)
    bad = tmp_path / "in"
    (bad / "empty.html").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "cut.html.gz").write_bytes(gzip.compress(good[0].read_bytes().replace(b"Velmora", b"Ostrel"))[:60])
    (bad / "dump.jsonl").write_text('{"url": "https://example.org/a", "title": "Half\n{not json}\n', encoding="utf-8")
    (bad / "nobody.html").write_text("<html><head><title>x</title></head></html>", encoding="utf-8")
    db = tmp_path / "bad.db"
    with Store(db) as store:
        stats = ingest([str(bad)], store)
        failures = {Path(r["uri"].split("#")[0]).name: (r["stage"], r["reason"]) for r in store.failures()}
    assert stats.stored == 3, stats
    assert stats.failed >= 5, failures
    for name in ("empty.html", "binary.txt", "cut.html.gz", "nobody.html"):
        assert name in failures and failures[name][1], (name, failures)
    assert "dump.jsonl" in failures
    # a second run over the same folder changes nothing: failures are recorded once, articles once
    before = snapshot(db)
    with Store(db) as store:
        again = ingest([str(bad)], store)
    assert again.stored == 0 and again.failed == 0
    assert snapshot(db) == before


def test_bad_input_never_damages_what_is_stored(tmp_path: Path, nlp) -> None:
    db = tmp_path / "keep.db"
    with Store(db) as store:
        ingest([str(p) for p in write_articles(tmp_path / "good", 2)], store)
    before = snapshot(db)["articles"]
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "zero.html").write_bytes(b"\x00" * 5000)
    (junk / "latin1.txt").write_bytes("Caf\xe9 news: the mayor of Ostrel resigned on Monday, aides said.".encode("latin-1"))
    with Store(db) as store:
        ingest([str(junk)], store)
    after = snapshot(db)
    assert set(before) <= set(after["articles"])  # every stored row is still there, byte for byte
    with Store(db) as store:
        failed = {Path(r["uri"]).name: r["reason"] for r in store.failures()}
    assert "zero.html" in failed and failed["zero.html"]


class Interrupted(Exception):
    pass


def test_an_interrupted_run_leaves_whole_batches_and_a_rerun_completes_it(tmp_path: Path, nlp) -> None:
    paths = write_articles(tmp_path / "many", 10)
    raws = list(collect([str(p) for p in paths]))

    def cut_after(n: int) -> Iterator[RawDocument]:
        yield from raws[:n]
        raise Interrupted("the power went out")

    db = tmp_path / "cut.db"
    with Store(db) as store, pytest.raises(Interrupted):
        ingest(cut_after(7), store, batch_size=4)
    with Store(db) as store:
        # the first batch of four committed; the second never reached the store (the stream broke inside it)
        assert store.counts()["articles"] == 4
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rerun = ingest(list(collect([str(p) for p in paths])), store, batch_size=4)
        assert rerun.skipped == 4 and rerun.stored == 6
        assert store.counts()["articles"] == 10

    clean = tmp_path / "clean.db"
    with Store(clean) as store:
        ingest(list(collect([str(p) for p in paths])), store, batch_size=4)
    assert snapshot(db)["articles"] == snapshot(clean)["articles"]


def test_two_workers_store_what_one_stores(tmp_path: Path, nlp) -> None:
    paths = write_articles(tmp_path / "w", 9)
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    with Store(one) as store:
        s1 = ingest([str(p) for p in paths], store, workers=1, batch_size=4)
    with Store(two) as store:
        s2 = ingest([str(p) for p in paths], store, workers=2, batch_size=4)
    assert s1.stored == s2.stored == 9
    a, b = snapshot(one), snapshot(two)
    assert a["articles"] == b["articles"]
    assert a["entities"] == b["entities"] and a["mentions"] == b["mentions"]


def test_helpers_are_spawned_when_another_thread_runs_and_store_the_same(tmp_path: Path, nlp) -> None:
    import threading

    from newstrace.ingest import _start_method

    paths = write_articles(tmp_path / "t", 6)
    assert _start_method().get_start_method() == "fork"  # the test process runs one thread: helpers fork
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert _start_method().get_start_method() == "spawn"
        with Store(tmp_path / "spawned.db") as store:
            spawned = ingest([str(p) for p in paths], store, workers=2, batch_size=4)
    finally:
        stop.set()
        other.join()
    with Store(tmp_path / "forked.db") as store:
        forked = ingest([str(p) for p in paths], store, workers=2, batch_size=4)
    assert spawned.stored == forked.stored == 6
    assert snapshot(tmp_path / "spawned.db")["articles"] == snapshot(tmp_path / "forked.db")["articles"]
