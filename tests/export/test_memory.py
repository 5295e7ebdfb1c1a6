"""Exports stream: exporting 20,000 generated articles takes about the memory of exporting 2,000.

Each export runs in its own Python process, which reports its own peak resident memory (``VmHWM`` of
/proc/self/status: the high-water mark of this process image, which counts pyarrow's native buffers too; unlike
``ru_maxrss`` it does not inherit the peak of the parent that started it); the test compares the peak of the large store with the peak of a store ten
times smaller, so the figure measures growth with the number of articles, not the fixed cost of the imports.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pathlib import Path

import pytest

from .builders import build_store

SMALL, LARGE = 2_000, 20_000
GROWTH_LIMIT_MB = 40  # ten times the articles may cost at most this much more memory

CHILD = textwrap.dedent("""
    import sys
    from newstrace.export import export
    from newstrace.store.sqlite import Store
    db, fmt, out = sys.argv[1:4]
    with Store(db, readonly=True) as store:
        stats = export(store, fmt, out)
    hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    print(stats.articles, hwm[0])
""")


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    return {n: build_store(folder / f"gen{n}.db", n, stories=True) for n in (SMALL, LARGE)}


def _peak_kb(db, fmt, out) -> tuple[int, int]:
    res = subprocess.run([sys.executable, "-c", CHILD, str(db), fmt, str(out)], capture_output=True, text=True,
                         timeout=600, check=True)
    articles, peak = res.stdout.split()
    return int(articles), int(peak)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak memory figure")
@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "gdelt", "graphml", "stix"])
def test_memory_stays_flat(stores, tmp_path, fmt):
    target = lambda n: tmp_path / f"{fmt}-{n}" if fmt in ("parquet", "gdelt") else tmp_path / f"{n}.{fmt}"  # noqa: E731
    n_small, small = _peak_kb(stores[SMALL], fmt, target(SMALL))
    n_large, large = _peak_kb(stores[LARGE], fmt, target(LARGE))
    assert (n_small, n_large) == (SMALL, LARGE)
    growth_mb = (large - small) / 1024
    print(f"{fmt}: peak RSS {small / 1024:.0f} MB for {SMALL} articles, {large / 1024:.0f} MB for {LARGE} "
          f"(+{growth_mb:.1f} MB)")
    assert growth_mb < GROWTH_LIMIT_MB
