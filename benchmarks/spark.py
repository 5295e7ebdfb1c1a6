"""newstrace on Spark: analysis throughput against ``ingest --workers 2``, and the link step's cost as the corpus
grows, in the same run.

    python benchmarks/spark.py ../shared/data/corpora/voa/voa_stories.jsonl [--docs 1000] [--link-sizes 250,500,1000]

The VOA stories are repeated until ``--docs`` documents, each repeat made a new article by a numbered headline
(as ``benchmarks/throughput.py`` does), and written as one JSONL dump, which Spark reads in line ranges. Timed:

* ``newstrace ingest --workers 2 --no-link`` into a fresh store (collect, extract, analyze, SQLite; the helper's
  start-up included, as for a user);
* ``newstrace spark --no-link`` on ``local[1]`` and on ``local[2]`` (a fresh SparkSession each: JVM start, the
  Python workers' model load, the ledger, ordering and the Parquet tables all in the timing; the JVM start-up is
  given apart);
* the link step on the first 250, 500, 1000 ... articles of the ``local[2]`` run's records: on Spark (keys,
  components, per-bin ``link_store``; seconds, shuffle bytes written, components and the largest one) and on one
  machine (``link_store`` over a file store holding the same articles).

With ``--scale-sizes 1000,5000,20000`` (and ``--link-store DB``, a store ingested with ``--no-link``) only the link
step is measured, on ``benchmarks/link.py --events`` corpora of those sizes whose articles also name the United
States (``synthetic_store``): wall and CPU seconds, shuffle bytes, the largest article group by every candidate key
(as the step grouped before) and the step's own groups, and ``link_store`` over the same store (seconds, equal
tables) up to ``--single-max`` articles.

CPU seconds are given next to wall seconds (the Python workers' user + system time from /proc, and the ingest
process with its helpers from ``getrusage``): on a machine shared with other jobs the wall time of two workers
says little, the CPU seconds per document still give the per-core rate.

Per-executor memory: the peak resident memory of the Spark Python workers (one per core in local mode; each
holds a spaCy pipeline) and of the JVM, sampled from /proc every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(src: Path, n: int, dest: Path) -> int:
    """``n`` JSONL lines from the stories of ``src``, repeats made distinct by a numbered headline; returns n."""
    base = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    with dest.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = dict(base[i % len(base)])
            if i >= len(base):
                rec["title"] = f"{rec.get('title') or 'Report'} (repeat {i // len(base)})"
                rec["id"] = f"{rec.get('id')}-{i}"
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n


class MemoryWatch:
    """Peak RSS (MiB) of the Spark Python workers (each and all together) and of the JVM, from /proc."""

    def __init__(self) -> None:
        self.worker_peak = self.workers_total_peak = self.jvm_peak = self.jvm_cpu_s = 0.0
        self.cpu: dict[str, float] = {}  # Python worker pid -> CPU seconds (user + system) last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: str) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @staticmethod
    def _cpu(pid: str) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    @property
    def worker_cpu_s(self) -> float:
        return sum(self.cpu.values())

    def _sample(self) -> None:
        total = 0.0
        for pid in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"pyspark.daemon" in cmd or b"pyspark/daemon" in cmd or b"pyspark.worker" in cmd:
                rss = self._rss(pid)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), self._cpu(pid))
                total += rss
                self.worker_peak = max(self.worker_peak, rss)
            elif b"org.apache.spark" in cmd and b"java" in cmd:
                self.jvm_peak = max(self.jvm_peak, self._rss(pid))
                self.jvm_cpu_s = max(self.jvm_cpu_s, self._cpu(pid))
        self.workers_total_peak = max(self.workers_total_peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(0.2)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def shuffle_bytes(spark: Any) -> int:
    """Shuffle bytes written by all stages of the application so far (Spark's REST API)."""
    url = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    if not url:
        return 0
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages", timeout=30) as resp:
        stages = json.load(resp)
    return sum(s.get("shuffleWriteBytes", 0) for s in stages)


def time_ingest(corpus: Path, workers: int) -> dict[str, Any]:
    """Wall seconds of ``newstrace ingest`` in a subprocess, and the CPU seconds it and its helpers used."""
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "newstrace", "ingest", str(corpus), "--db", f"{tmp}/b.db",
                               "--workers", str(workers), "--no-link"], capture_output=True, text=True)
        secs = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": round(secs, 2), "cpu_s": round(cpu, 2), "rc": proc.returncode,
            "tail": proc.stderr.strip().splitlines()[-1:]}


def time_spark(corpus: Path, out: Path, master: str, split_bytes: int) -> dict[str, Any]:
    from newstrace.spark.job import run
    from newstrace.spark.session import get_session

    t0 = time.perf_counter()
    with MemoryWatch() as mem:
        spark = get_session(master, app=f"bench-{master}")
        spark.sparkContext.setLogLevel("ERROR")
        started = time.perf_counter() - t0
        stats = run([str(corpus)], out, spark=spark, link=False, split_bytes=split_bytes, keep_work=True)
        secs = time.perf_counter() - t0
        spark.stop()
    return {"seconds": round(secs, 2), "session_start_s": round(started, 2), "steps": stats.seconds,
            "articles": stats.articles, "failed": stats.failed, "worker_cpu_s": round(mem.worker_cpu_s, 2),
            "worker_peak_mib": round(mem.worker_peak),
            "workers_total_peak_mib": round(mem.workers_total_peak), "jvm_peak_mib": round(mem.jvm_peak)}


def time_links(work: Path, sizes: list[int], master: str, tmp: Path) -> list[dict[str, Any]]:
    """The link step on the first n records of a run, on Spark and with one ``link_store``."""
    from pyspark.sql import functions as F

    from newstrace.link import link_store
    from newstrace.spark.linking import insert_records, link_records
    from newstrace.spark.session import get_session
    from newstrace.store.sqlite import Store

    spark = get_session(master, app="bench-link")
    spark.sparkContext.setLogLevel("ERROR")
    parts = spark.sparkContext.defaultParallelism
    records = spark.read.parquet(str(work / "records"))
    out = []
    for n in sizes:
        subset = records.where(F.col("seq") <= n)
        before = shuffle_bytes(spark)
        t0 = time.perf_counter()
        summary = link_records(spark, subset, tmp / f"w{n}", tmp / f"o{n}", parts)
        secs = time.perf_counter() - t0
        shuffled = shuffle_bytes(spark) - before
        rows = subset.select("seq", "article_id", "row").collect()
        db = tmp / f"single{n}.db"
        with Store(db) as store:
            insert_records(store, [r.asDict() for r in rows])
            t1 = time.perf_counter()
            link_store(store, 0)
            single = time.perf_counter() - t1
        out.append({"articles": summary["articles"], "spark_s": round(secs, 2),
                    "shuffle_mib": round(shuffled / 2**20, 2),
                    "components": summary["components"], "largest_component": summary["largest_component"],
                    "bins": summary["bins"], "single_machine_s": round(single, 2)})
        print(json.dumps(out[-1]), flush=True)
    spark.stop()
    return out


def synthetic_store(pool: list[list[str]], n: int, db: Path, welcome: bool = False) -> None:
    """``n`` articles as ``benchmarks/link.py --events`` builds them (spliced VOA sentences, a happening per eight
    articles, planted copies), each also naming the United States and Washington, as real news names a country in
    most reports: the entity keys that join a whole corpus when articles are grouped by them. ``welcome``: each
    article's second paragraph is also coded as Washington's support (a SUPPORT event by Washington alone), so one
    story blocking key is held by every report of every week, as "talks with the United States" is in world news."""
    import link as linkbench
    from newstrace.model import Entity, Event, Evidence, Source

    def with_country(doc: dict) -> Any:
        an = plain(doc)
        if an.events:
            an.entities += [Entity(id="e8", name="United States", type="GPE", country="USA"),
                            Entity(id="e9", name="Washington", type="GPE", country="USA")]
            text = doc["text"]
            start = text.find("\n\n") + 2
            end = text.find(".", start) + 1
            if welcome and 2 <= start < end:
                an.events.append(Event(id="v2", type="SUPPORT", mode=None, cameo=None, actor="e9", target=None,
                                       place=None, date=None, modality="asserted",
                                       evidence=Evidence(start, end, text[start:end]), source=Source(kind="author"),
                                       actor_text="Washington", target_text=None))
        return an

    plain = linkbench.analysis_of
    linkbench.analysis_of = with_country
    try:
        synth = linkbench.Synth(pool, 13 + n)
        synth.happenings(max(1, n // 8))
        linkbench.build(db, synth, n, 0.03)
    finally:
        linkbench.analysis_of = plain


def largest_by_all_keys(spark: Any, recs: Any, work: Path) -> int:
    """The largest group of articles sharing any candidate key of the link stage (``candidate_keys``: bands, lead
    words, entity and story blocking keys; hot keys capped): the bins of the link step before entities and stories
    were split from the article groups."""
    from functools import partial

    from pyspark.sql import functions as F

    from newstrace.spark.components import components
    from newstrace.spark.linking import KEYS, capped, key_batches
    from newstrace.spark.schema import spark_schema

    keys = recs.mapInArrow(partial(key_batches, kinds="rles"), spark_schema(KEYS))
    keys.where(F.col("blob").isNull()).select("seq", "key").write.mode("overwrite").parquet(str(work / "all_keys"))
    comp, _ = components(capped(spark.read.parquet(str(work / "all_keys"))), recs)
    return comp.groupBy("component").count().agg(F.max("count")).collect()[0][0]


def same_links(db: Path, out: Path) -> dict[str, bool]:
    """Whether the Spark link tables hold the rows of the store's link (stories with verdicts, reuse links,
    canonical entities), compared as sets of their key columns."""
    import sqlite3

    from newstrace.spark.read import read_table

    conn = sqlite3.connect(db)
    checks = {"stories": ("id", "verdict", "independent_outlets"), "reuse_links": ("copy_id", "origin_id", "kind"),
              "canonical_entities": ("id", "name", "articles")}
    out_rows = {}
    for table, cols in checks.items():
        mine = {tuple(r[c] for c in cols) for r in read_table(out, table).to_pylist()}
        theirs = set(conn.execute(f"SELECT {', '.join(cols)} FROM {table}"))
        out_rows[table] = mine == theirs
    conn.close()
    return out_rows


def measure_link(spark: Any, watch: MemoryWatch, db: Path, tmp: Path, single: bool) -> dict[str, Any]:
    """The Spark link step over the articles of store ``db``: wall and CPU seconds (Python workers, JVM, driver),
    shuffle bytes, the largest article group before (all keys) and after, entity groups; with ``single``, one
    ``link_store`` over the same store too (seconds, and whether the tables are equal)."""
    import resource

    from newstrace.link import link_store
    from newstrace.spark.linking import link_records
    from newstrace.store.sqlite import Store

    parts = spark.sparkContext.defaultParallelism
    with Store(db) as store:
        rows = [{"seq": r["seq"], "article_id": r["id"],
                 "row": json.dumps({k: r[k] for k in r.keys() if k not in ("seq", "ingested_at")})}
                for r in store.conn.execute("SELECT * FROM articles ORDER BY seq")]
    n = len(rows)
    recs = spark.createDataFrame(rows, "seq long, article_id string, row string").repartition(parts * 4)
    recs.write.mode("overwrite").parquet(str(tmp / f"recs{n}"))
    recs = spark.read.parquet(str(tmp / f"recs{n}"))
    t0 = time.perf_counter()
    before = largest_by_all_keys(spark, recs, tmp / f"all{n}")
    all_keys_s = time.perf_counter() - t0
    sh0, w0, j0 = shuffle_bytes(spark), watch.worker_cpu_s, watch.jvm_cpu_s
    d0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    summary = link_records(spark, recs, tmp / f"w{n}", tmp / f"o{n}", parts)
    secs = time.perf_counter() - t0
    d1 = resource.getrusage(resource.RUSAGE_SELF)
    row = {"articles": n, "spark_link_s": round(secs, 1), "worker_cpu_s": round(watch.worker_cpu_s - w0, 1),
           "jvm_cpu_s": round(watch.jvm_cpu_s - j0, 1),
           "driver_cpu_s": round(d1.ru_utime + d1.ru_stime - d0.ru_utime - d0.ru_stime, 1),
           "shuffle_mib": round((shuffle_bytes(spark) - sh0) / 2**20, 2), "largest_before": before,
           "all_keys_components_s": round(all_keys_s, 1), **summary}
    if single:
        with Store(db) as store:
            t1 = time.perf_counter()
            link_store(store, 0)
            row["single_machine_s"] = round(time.perf_counter() - t1, 1)
        row["equal_to_single_machine"] = same_links(db, tmp / f"o{n}")
    for path in (tmp / f"w{n}", tmp / f"all{n}", tmp / f"recs{n}", tmp / f"o{n}"):
        shutil.rmtree(path, ignore_errors=True)
    return row


def time_scaling(jsonl: Path, sizes: list[int], master: str, tmp: Path, single_max: int,
                 stores: list[Path], welcome: bool = False) -> list[dict[str, Any]]:
    """The Spark link step on synthetic corpora of each size (``synthetic_store``) and on given (ingested) stores
    (``measure_link``); one ``link_store`` beside it up to ``single_max`` articles."""
    import link as linkbench

    from newstrace.spark.session import get_session

    pool = linkbench.sentences(jsonl)
    spark = get_session(master, app="bench-link-scale")
    spark.sparkContext.setLogLevel("ERROR")
    out = []
    with MemoryWatch() as watch:
        for db in stores:
            copy = tmp / f"given-{db.name}"
            shutil.copy(db, copy)
            out.append({"store": str(db), **measure_link(spark, watch, copy, tmp, True)})
            print(json.dumps(out[-1]), flush=True)
        for n in sizes:
            db = tmp / f"scale{n}.db"
            synthetic_store(pool, n, db, welcome)
            out.append(measure_link(spark, watch, db, tmp, n <= single_max))
            print(json.dumps(out[-1]), flush=True)
    spark.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--link-sizes", default="250,500,1000")
    ap.add_argument("--split-bytes", type=int, default=256 * 1024, help="JSONL line range per Spark task")
    ap.add_argument("--skip", default="", help="comma-separated runs to leave out: ingest,local1,local2,link")
    ap.add_argument("--scale-sizes", default="",
                    help="only the link step on synthetic corpora of these sizes (e.g. 1000,5000,20000)")
    ap.add_argument("--single-max", type=int, default=5000, help="with --scale-sizes: one link_store up to this size")
    ap.add_argument("--welcome", action="store_true",
                    help="with --scale-sizes: every synthetic article also codes Washington's support (a hot story key)")
    ap.add_argument("--story-key-cap", type=int, default=None,
                    help="link with this story_key_cap (a lexicon file; the shipped cap otherwise)")
    ap.add_argument("--link-store", type=Path, action="append", default=[],
                    help="with --scale-sizes: also the link step on the articles of this ingested store (--no-link)")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    tmp = Path(tempfile.mkdtemp(prefix="nt-spark-bench-"))
    if args.story_key_cap is not None:
        # before the Spark session starts, so that its Python workers read the same rules
        (tmp / "cap.yaml").write_text(f"story_key_cap: {args.story_key_cap}\n", encoding="utf-8")
        os.environ["NEWSTRACE_LEXICONS"] = ":".join(filter(None, [os.environ.get("NEWSTRACE_LEXICONS"),
                                                                  str(tmp / "cap.yaml")]))
    if args.scale_sizes or args.link_store:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        try:
            sizes = [int(s) for s in args.scale_sizes.split(",") if s]
            print(json.dumps(time_scaling(args.corpus, sizes, "local[2]", tmp, args.single_max, args.link_store,
                                          args.welcome), indent=2))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    try:
        corpus = tmp / "voa.jsonl"
        n = write_corpus(args.corpus, args.docs, corpus)
        result: dict[str, Any] = {"docs": n, "cores": os.cpu_count()}
        if "ingest" not in skip:
            result["ingest_workers2"] = time_ingest(corpus, 2)
            print(json.dumps({"ingest --workers 2": result["ingest_workers2"]}), flush=True)
        for master, key in (("local[1]", "local1"), ("local[2]", "local2")):
            if key in skip:
                continue
            result[key] = time_spark(corpus, tmp / key, master, args.split_bytes)
            print(json.dumps({master: result[key]}), flush=True)
        if "link" not in skip and (tmp / "local2" / "_work").exists():
            sizes = [int(s) for s in args.link_sizes.split(",") if s]
            result["link"] = time_links(tmp / "local2" / "_work", sizes, "local[2]", tmp)
        for key in ("ingest_workers2", "local1", "local2"):
            if key in result:
                result[key]["docs_per_s"] = round(n / result[key]["seconds"], 2)
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
