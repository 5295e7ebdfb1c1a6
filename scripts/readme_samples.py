"""Regenerate the sample outputs in README.md from the demo store (``make readme``).

Each sample in README.md sits between marker comments that name the command it shows::

    <!-- sample: newstrace stories -n 4 -->
    ```
    ...output...
    ```
    <!-- /sample -->

This script builds the store as ``make demo`` does (``newstrace ingest examples/corpus``, which links it too), runs
each named command on it at ``WIDTH`` columns, and rewrites the blocks, so the README shows what the code prints
today. ``tests/core/test_readme.py`` checks that the README's samples equal a fresh run. Usage::

    python scripts/readme_samples.py [--db DEMO.db] [--check]

``--db`` reuses a built store instead of building one in a temporary folder; ``--check`` changes nothing and exits 1
when a sample is out of date.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CORPUS = ROOT / "examples" / "corpus"
WIDTH = 120  # columns the samples are printed at (a wide terminal; a pipe gets 80)
SAMPLE = re.compile(r"(?P<open><!-- sample: (?P<command>newstrace [^>]*?) -->\n```[a-z]*\n)(?P<body>.*?)(?P<close>```\n<!-- /sample -->)",
                    re.S)


def newstrace(args: list[str], *, db: Path | None = None, cwd: Path | None = None,
              env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI (``python -m newstrace``, this interpreter) at ``WIDTH`` columns; output as text."""
    full = {**os.environ, "COLUMNS": str(WIDTH), "TERMINAL_WIDTH": str(WIDTH), "PYTHONIOENCODING": "utf-8",
            **(env or {})}  # utf-8 whatever the locale: rich draws ASCII boxes on other encodings
    full.pop("NO_COLOR", None)
    full.pop("FORCE_COLOR", None)
    if db is not None:
        full["NEWSTRACE_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "newstrace", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=full, cwd=cwd or ROOT, timeout=timeout, check=False)


def build_demo(db: Path) -> Path:
    """The store ``make demo`` builds: the bundled corpus ingested (and linked) into ``db``, which must not exist.

    The hash seed is fixed: the link stage orders a story's equally frequent actors in set order today, which
    varies from process to process, and a sample must come out the same on every run.
    """
    res = newstrace(["ingest", str(CORPUS), "--db", str(db)], env={"PYTHONHASHSEED": "0"})
    if res.returncode != 0:
        raise RuntimeError(f"ingest of {CORPUS} exited {res.returncode}:\n{res.stderr}")
    return db


def run_sample(command: str, db: Path) -> str:
    """What ``command`` (a README command line, ``newstrace ...``) prints on the store ``db``, lines right-stripped."""
    args = shlex.split(command)[1:]
    res = newstrace(args, db=db)
    if res.returncode != 0:
        raise RuntimeError(f"{command} exited {res.returncode}:\n{res.stderr}")
    lines = [line.rstrip() for line in res.stdout.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def samples(text: str) -> list[tuple[str, str]]:
    """The (command, body) of every sample block in a README text, in order."""
    return [(m["command"], m["body"]) for m in SAMPLE.finditer(text)]


def regenerate(text: str, db: Path) -> str:
    """The README text with every sample block's body replaced by what its command prints on ``db``."""
    return SAMPLE.sub(lambda m: m["open"] + run_sample(m["command"], db) + m["close"], text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite README.md's samples (or, with --check, report whether they are current); 0 when all is well."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a demo store already built (default: build one in a temp folder)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a sample is out of date")
    opts = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if not samples(text):
        print("README.md has no sample blocks", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = opts.db or build_demo(Path(tmp) / "demo.db")
        fresh = regenerate(text, db)
    if fresh == text:
        print("README.md samples are up to date", file=sys.stderr)
        return 0
    if opts.check:
        print("README.md samples are out of date: run `make readme`", file=sys.stderr)
        return 1
    README.write_text(fresh, encoding="utf-8")
    print(f"README.md: {len(samples(fresh))} samples regenerated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
