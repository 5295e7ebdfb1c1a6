"""The disk cache of built data (newstrace/cache.py) and the gazetteer that goes through it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from newstrace.cache import cached, fingerprint


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSTRACE_CACHE_DIR", str(folder))
    return folder


class Builder:
    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_built_once_then_read(cache_dir: Path) -> None:
    build = Builder({"kabul": [(1138958, "Kabul", "AFG")], "n": 3})
    assert cached("demo", "k1", build) == build.value
    assert cached("demo", "k1", build) == build.value
    assert build.calls == 1
    assert [p.name for p in cache_dir.iterdir()] == ["demo-k1.marshal"]


def test_a_new_key_rebuilds_and_drops_the_old_entry(cache_dir: Path) -> None:
    cached("demo", "k1", Builder([1, 2]))
    build = Builder([3])
    assert cached("demo", "k2", build) == [3] and build.calls == 1
    assert [p.name for p in cache_dir.iterdir()] == ["demo-k2.marshal"]


def test_a_damaged_entry_is_rebuilt(cache_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    cached("demo", "k1", Builder(["x" * 100]))
    (cache_dir / "demo-k1.marshal").write_bytes(b"\xff\x00garbage")
    build = Builder(["fresh"])
    with caplog.at_level(logging.WARNING):
        assert cached("demo", "k1", build) == ["fresh"]
    assert build.calls == 1 and "unreadable" in caplog.text
    assert cached("demo", "k1", Builder(["never"])) == ["fresh"]


def test_off_and_unwritable_caches_still_give_the_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSTRACE_CACHE_DIR", "off")
    build = Builder((1, 2))
    assert cached("demo", "k", build) == (1, 2) and cached("demo", "k", build) == (1, 2)
    assert build.calls == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSTRACE_CACHE_DIR", str(blocker / "cache"))
    assert cached("demo", "k", Builder({"ok": True})) == {"ok": True}


def test_fingerprint_follows_file_contents(tmp_path: Path) -> None:
    f = tmp_path / "lexicon.yaml"
    f.write_text("a: 1\n")
    before = fingerprint(["v1", f])
    assert fingerprint(["v1", f]) == before
    f.write_text("a: 2\n")
    assert fingerprint(["v1", f]) != before
    assert fingerprint(["v2", f]) != fingerprint(["v1", f])


def test_the_cached_gazetteer_answers_like_a_fresh_build(nlp) -> None:
    from newstrace.analyze.gazetteer import build_gazetteer, get_gazetteer

    fresh = build_gazetteer()
    loaded = get_gazetteer()
    for name in ("Kabul", "Kandahar", "Doha", "Paris", "Pakistani", "EU", "Springfield", "Nowhere-on-earth"):
        assert loaded.lookup(name) == fresh.lookup(name), name
    kabul = loaded.lookup("Kabul")[0]
    assert kabul.country == "AFG" and abs(kabul.lat - 34.5) < 0.3 and abs(kabul.lon - 69.2) < 0.3
