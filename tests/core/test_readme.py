"""README.md as a test: every ``newstrace ...`` command it shows runs on the demo store (the corpus ingested as
``make demo`` does) with the exit code the README documents, and its sample outputs are what the code prints now
(``make readme`` regenerates them with ``scripts/readme_samples.py``).

Each command the README shows is listed in ``CASES`` with how it is run: as written; with its placeholders
filled (``ID``, ``FILE``, the file names of the examples, made here as real files); or, where it needs the network
or runs until stopped, as ``--help`` with the reason. A command added to the README and missing here fails
``test_every_readme_command_is_checked``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CORPUS = ROOT / "examples" / "corpus"

_spec = importlib.util.spec_from_file_location("readme_samples", ROOT / "scripts" / "readme_samples.py")
readme_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_samples)

FENCE = re.compile(r"```sh\n(.*?)```", re.S)
INLINE = re.compile(r"(?<!`)`(newstrace [^`]+)`(?!`)")


def readme_commands(text: str) -> list[str]:
    """The ``newstrace`` command lines README.md shows: lines of its ``sh`` blocks (comment dropped), and inline
    code that starts with ``newstrace``."""
    found: list[str] = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("newstrace "):
                found.append(line)
    found += INLINE.findall(text)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Case:
    """How one README command is checked: ``run`` is the command line run instead (placeholders filled, or
    ``--help``), ``why`` says why it differs from the README; ``fresh_db`` runs it on an empty store of its own,
    ``copy_db`` on a copy of the demo store (it writes)."""

    run: str | None = None
    why: str = ""
    exit: int = 0
    fresh_db: bool = False
    copy_db: bool = False
    env: dict[str, str] = field(default_factory=dict)


NETWORK = "fetches from the network, which tests do not reach: --help shows it parses"
FOREVER = "runs until stopped: --help shows it parses"
SPARK = "needs pyspark (the spark extra) and a JVM, which tests/spark checks: --help shows it parses"

CASES: dict[str, Case] = {
    "newstrace analyze page.html": Case(),
    "newstrace analyze scrape.txt --json": Case(),
    "newstrace ingest corpus/ dump.jsonl crawl.warc.gz --workers 2": Case(fresh_db=True),
    'newstrace articles --search "Kabul"': Case(),
    "newstrace show ID": Case(run="newstrace show {article}", why="ID: an article of the demo store"),
    "newstrace errors": Case(),
    "newstrace status": Case(),
    "newstrace report": Case(),
    "newstrace entities --type PERSON": Case(),
    'newstrace entity "Tariq Mahmood Awan"': Case(),
    "newstrace events --type CONSULT --country PAK": Case(),
    "newstrace quotes --speaker Whitcombe": Case(),
    "newstrace claims --single-source": Case(),
    "newstrace claims --flag exclusive": Case(),
    "newstrace claims --outlet X --entity Y": Case(run="newstrace claims --outlet kestrelherald.com --entity Awan",
                                                   why="X, Y: an outlet and an actor of the corpus"),
    "newstrace claims": Case(),
    "newstrace stories --verdict contested": Case(),
    "newstrace story ID": Case(run="newstrace story {story}", why="ID: the top story of the demo store"),
    "newstrace link --full": Case(copy_db=True),
    "newstrace serve": Case(run="newstrace serve --help", why=FOREVER),
    "newstrace watch sources.yaml --workers 2": Case(run="newstrace watch --help", why=f"{FOREVER}, and {NETWORK}"),
    "newstrace sources": Case(),
    "newstrace export -f jsonl   -o records.jsonl": Case(),
    "newstrace export -f parquet -o tables/": Case(),
    "newstrace export -f csv     -o tables/": Case(),
    "newstrace export -f gdelt   -o gdelt/": Case(),
    "newstrace export -f stix    -o bundle.json": Case(),
    "newstrace export -f graphml -o actors.graphml": Case(),
    "newstrace export -f gexf    -o actors.gexf": Case(),
    "newstrace stories -n 4": Case(),
    "newstrace ingest https://outlet.example/story.html https://outlet.example/rss.xml": Case(
        run="newstrace ingest --help", why=NETWORK),
    "newstrace export --format FORMAT [--out PATH] [--since DATE] [--entity NAME] [--type TYPE[,TYPE]] [--verdict V]":
        Case(run="newstrace export --format jsonl --out filtered.jsonl --since 2026-09-01 --entity Awan "
                 "--type CONSULT,AGREE --verdict corroborated", why="the synopsis, with a value for each option"),
    "newstrace ingest": Case(run="newstrace ingest --help", why="named in prose (what builds a store), not a command"),
    "newstrace analyze FILE --json": Case(run="newstrace analyze scrape.txt --json", why="FILE: a scrape"),
    "newstrace spark corpus/ dumps/*.jsonl crawls/*.warc.gz --out tables/ [--master spark://host:7077] "
    "[--partitions 64]": Case(run="newstrace spark --help", why=SPARK),
    "newstrace load tables/ --db newstrace.db": Case(run="newstrace load --help",
                                                     why="loads the tables of a Spark run; " + SPARK),
    "newstrace export -f parquet": Case(run="newstrace export -f parquet -o tables/",
                                        why="named in prose; a folder format takes --out"),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The store ``make demo`` builds: ``newstrace ingest examples/corpus`` (linking included) into a temp file."""
    return readme_samples.build_demo(tmp_path_factory.mktemp("demo") / "newstrace.db")


def _write_warc(path: Path, url: str, body: bytes) -> None:
    """A real gzipped WARC with one HTML response record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder holding the files the README's commands name: page.html, scrape.txt, corpus/, dump.jsonl and
    crawl.warc.gz, made from the bundled corpus (the WARC holds a page the folder does not)."""
    wd = tmp_path_factory.mktemp("readme")
    shutil.copy(CORPUS / "01-kestrelherald-isi-chief-kabul-visit.html", wd / "page.html")
    shutil.copy(CORPUS / "07-frontiersentinel-oped-scrape.txt", wd / "scrape.txt")
    (wd / "corpus").mkdir()
    warc_page = CORPUS / "06-kestrelherald-geneva-election-rally.html"
    for f in CORPUS.iterdir():
        if f.suffix in (".html", ".txt") and f != warc_page:
            shutil.copy(f, wd / "corpus" / f.name)
    shutil.copy(CORPUS / "11-feed-dump.jsonl", wd / "dump.jsonl")
    _write_warc(wd / "crawl.warc.gz", "https://www.kestrelherald.com/geneva-rally", warc_page.read_bytes())
    return wd


def test_every_readme_command_is_checked() -> None:
    shown = readme_commands(README.read_text(encoding="utf-8"))
    assert shown, "no newstrace commands found in README.md"
    assert set(shown) - set(CASES) == set(), "README commands with no case here: add them to CASES"
    assert set(CASES) - set(shown) == set(), "cases for commands the README no longer shows: remove them"
    for command, case in CASES.items():
        assert case.run is None or case.why, f"{command}: a command run otherwise than written says why"


def _first_id(db: Path, listing: str) -> str:
    res = readme_samples.newstrace([listing, "--format", "json", "--limit", "1"], db=db)
    assert res.returncode == 0, res.stderr
    (row,) = json.loads(res.stdout)
    return row["id"]


@pytest.mark.slow
@pytest.mark.parametrize("command", list(CASES))
def test_readme_command_runs_as_documented(command: str, demo_db: Path, workdir: Path, tmp_path: Path) -> None:
    case = CASES[command]
    line = case.run or command
    if "{article}" in line:
        line = line.replace("{article}", _first_id(demo_db, "articles"))
    if "{story}" in line:
        line = line.replace("{story}", _first_id(demo_db, "stories"))
    db = demo_db
    if case.fresh_db:
        db = tmp_path / "fresh.db"
    elif case.copy_db:
        db = tmp_path / "copy.db"
        shutil.copy(demo_db, db)
    cwd = tmp_path / "cwd"
    shutil.copytree(workdir, cwd)
    res = readme_samples.newstrace(shlex.split(line)[1:], db=db, cwd=cwd, env=case.env)
    assert res.returncode == case.exit, f"{line}\nstdout:\n{res.stdout[-2000:]}\nstderr:\n{res.stderr[-2000:]}"
    assert "Traceback" not in res.stderr
    if line.endswith("--help"):
        assert "Usage:" in res.stdout
    elif case.fresh_db:
        assert "0 failed" in res.stderr and "new articles" in res.stderr, res.stderr


def test_readme_samples_are_what_the_demo_store_prints(demo_db: Path) -> None:
    text = README.read_text(encoding="utf-8")
    blocks = readme_samples.samples(text)
    assert any(command == "newstrace stories -n 4" for command, _ in blocks)
    for command, body in blocks:
        fresh = readme_samples.run_sample(command, demo_db)
        assert body == fresh, f"README sample of `{command}` is stale: run `make readme`\n{fresh}"
