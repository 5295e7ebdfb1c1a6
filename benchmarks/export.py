"""Export speed and memory: every format over one store, against the bare read of that store in the same run.

    .venv/bin/python benchmarks/export.py STORE.db            # an existing store (e.g. after `newstrace ingest`)
    .venv/bin/python benchmarks/export.py --generate 10000    # a store of generated articles (tests/export)

Baseline: reading every article row and parsing its stored analysis JSON (what any export must at least do).
For each format: seconds, articles per second, the ratio of its time to the baseline's, and the exporting
process's peak resident memory (VmHWM; each export runs in a fresh process, so the figure includes the imports).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("jsonl", "parquet", "csv", "gdelt", "stix", "graphml", "gexf")

CHILD = """
import sys, time
from newstrace.export import export, get_format
from newstrace.store.sqlite import Store
db, fmt, out = sys.argv[1:4]
get_format(fmt).writer()  # imports (pyarrow, stix2, networkx) are not part of the export's time
t = time.perf_counter()
with Store(db, readonly=True) as store:
    stats = export(store, fmt, out)
secs = time.perf_counter() - t
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]  # this image's peak, kB
print(stats.articles, secs, hwm[0])
"""


def baseline(db: Path) -> tuple[int, float]:
    """Articles read and seconds taken to read every row and parse its analysis JSON."""
    t = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n, last = 0, 0
    while True:
        rows = conn.execute("SELECT seq, analysis FROM articles WHERE seq > ? ORDER BY seq LIMIT 500", (last,)).fetchall()
        if not rows:
            break
        for seq, raw in rows:
            json.loads(raw or "{}")
            n += 1
        last = rows[-1][0]
    conn.close()
    return n, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="?", help="a newstrace store")
    ap.add_argument("--generate", type=int, default=0, help="build a store of this many generated articles")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nt-export-bench-"))
    if args.generate:
        sys.path.insert(0, str(ROOT))
        from tests.export.builders import build_store

        db = build_store(work / "generated.db", args.generate, stories=True)
    elif args.db:
        db = Path(args.db)
    else:
        ap.error("give a store or --generate N")
    n, base = baseline(db)
    print(f"store: {db} ({n} articles); baseline read + parse: {base:.2f}s ({n / base:.0f} articles/s)")
    print("| format | seconds | articles/s | × baseline | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for fmt in FORMATS:
        out = work / (fmt if fmt in ("parquet", "csv", "gdelt") else f"out.{fmt}")
        res = subprocess.run([sys.executable, "-c", CHILD, str(db), fmt, str(out)], capture_output=True, text=True,
                             check=True)
        arts, secs, rss = res.stdout.split()
        secs_f = float(secs)
        print(f"| {fmt} | {secs_f:.2f} | {int(arts) / secs_f:.0f} | {secs_f / base:.1f} | {int(rss) / 1024:.0f} |")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; files in {work})")


if __name__ == "__main__":
    main()
