"""Ingest: collect -> extract -> analyze -> store, in batches, optionally across worker processes.

The documents stream through in batches of ``batch_size``. Each batch is extracted and analysed, then written to
the store in one transaction. With ``workers`` N > 1 the batches go out in smaller chunks to N-1 helper processes
(forked from this one, sharing its loaded pipeline, or spawned to load their own when fork is not safe) and this
process analyses a chunk itself whenever they are all busy, so N processes analyse and none waits on another at
the end; each chunk's outcomes are stored in one transaction. A document whose raw content is already recorded
is skipped before any work is done, which makes ingest idempotent and lets a rerun finish an interrupted one. A
document that fails at any stage is recorded with its stage and reason, and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from newstrace.collect import collect
from newstrace.extract import ExtractError, extract
from newstrace.model import Analysis, Article, Failure, RawDocument
from newstrace.reasons import failure_reason
from newstrace.store.sqlite import Store

log = logging.getLogger(__name__)

# what a worker hands back for one document: a stored article, or a failure
Outcome = tuple[RawDocument, str | None, Article | None, Analysis | None, Failure | None]


@dataclass
class IngestStats:
    """What one ingest run did."""

    seen: int = 0
    stored: int = 0
    skipped: int = 0  # raw content already recorded
    duplicates: int = 0  # new raw content whose text is an article already stored
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    first_seq: int | None = None  # the first article row this run wrote (link starts there)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("seen", "stored", "skipped", "duplicates", "failed", "reasons")}


def content_sha(raw: RawDocument) -> str | None:
    """The hash of a document's raw content plus its metadata (a JSONL line's fields make it distinct)."""
    if raw.error is not None and not raw.content:
        return None
    h = hashlib.sha256(raw.content)
    if raw.content_type == "json":
        h.update(repr(sorted((k, str(v)) for k, v in raw.meta.items())).encode("utf-8"))
    return h.hexdigest()


def extract_one(raw: RawDocument, *, as_is: bool = False) -> Article | Failure:
    """The article in one raw document, or the failure that says why there is none."""
    sha = content_sha(raw)
    if raw.error is not None:
        return Failure(raw.uri, "collect", raw.error, sha, len(raw.content))
    try:
        return extract(raw, as_is=as_is)
    except ExtractError as exc:
        return Failure(raw.uri, "extract", str(exc), sha, len(raw.content))
    except Exception as exc:  # noqa: BLE001 - an extractor bug on one page must not end the run
        log.exception("extract crashed on %s", raw.uri)
        return Failure(raw.uri, "extract", failure_reason("extract", exc), sha, len(raw.content))


def process_batch(raws: list[RawDocument], *, as_is: bool = False, nlp: Any = None) -> list[Outcome]:
    """Extract and analyse one batch; pure (no store), so it runs the same in any process."""
    from newstrace.analyze.pipeline import analyze_many, load_nlp

    outcomes: list[Outcome] = []
    articles: list[tuple[RawDocument, str | None, Article]] = []
    for raw in raws:
        res = extract_one(raw, as_is=as_is)
        if isinstance(res, Failure):
            outcomes.append((raw, res.content_sha, None, None, res))
        else:
            articles.append((raw, content_sha(raw), res))
    if articles:
        nlp = nlp or load_nlp()
        analysed = analyze_many((a for _, _, a in articles), nlp, batch_size=max(len(articles), 1))
        for (raw, sha, _), (art, analysis) in zip(articles, analysed):
            if isinstance(analysis, Exception):
                fail = Failure(raw.uri, "analyze", failure_reason("analyze", analysis), sha, len(raw.content))
                outcomes.append((raw, sha, None, None, fail))
            else:
                outcomes.append((raw, sha, art, analysis, None))
    for raw, *_ in outcomes:
        raw.content = b""  # the bytes are not needed past this point; don't ship them back between processes
    return outcomes


def _start_method() -> multiprocessing.context.BaseContext:
    """How helper processes start: forked from this one when that is safe, so they share the pipeline it has
    loaded (copy-on-write) and start in milliseconds; spawned (each loads the pipeline itself, seconds) when
    fork is unavailable or another thread runs here (a fork copies a lock another thread may hold)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _worker_init() -> None:
    from newstrace.analyze.pipeline import load_nlp

    logging.getLogger().setLevel(logging.WARNING)
    load_nlp()


def _worker_batch(raws: list[RawDocument], as_is: bool) -> list[Outcome]:
    return process_batch(raws, as_is=as_is)


def _batches(it: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    it = iter(it)
    while batch := list(islice(it, size)):
        yield batch


def store_outcomes(store: Store, outcomes: list[Outcome], stats: IngestStats) -> None:
    """Write one batch's outcomes in a single transaction."""
    with store.transaction():
        for raw, sha, art, analysis, fail in outcomes:
            if fail is not None:
                if store.add_failure(fail):
                    stats.failed += 1
                    key = fail.reason.split(":")[0]
                    stats.reasons[key] = stats.reasons.get(key, 0) + 1
                continue
            assert art is not None
            if store.add_article(art, analysis):
                stats.stored += 1
                if stats.first_seq is None:
                    stats.first_seq = store.conn.execute("SELECT seq FROM articles WHERE id=?", (art.id,)).fetchone()[0]
                status = "ok"
            else:
                stats.duplicates += 1
                status = "duplicate"
            store.add_document(raw.uri, sha, status, article_id=art.id, size=None, fetched_at=raw.fetched_at)


def ingest(
    sources: Iterable[str] | Iterable[RawDocument],
    store: Store,
    *,
    workers: int = 1,
    batch_size: int = 32,
    as_is: bool = False,
    progress: Callable[[IngestStats], None] | None = None,
) -> IngestStats:
    """Ingest documents (source paths/URLs or ready ``RawDocument``s) into ``store``; returns what happened."""
    stats = IngestStats()
    items = iter(sources)
    first = next(items, None)
    if first is None:
        return stats
    from itertools import chain

    stream = chain([first], items)
    raws: Iterator[RawDocument] = stream if isinstance(first, RawDocument) else collect(stream)  # type: ignore[arg-type]

    def fresh_batches() -> Iterator[list[RawDocument]]:
        for batch in _batches(raws, batch_size):
            stats.seen += len(batch)
            known = store.known_shas(content_sha(r) or "" for r in batch)
            todo = []
            for raw in batch:
                sha = content_sha(raw)
                if sha is not None and sha in known:
                    stats.skipped += 1
                else:
                    todo.append(raw)
            if todo:
                yield todo
            elif progress:
                progress(stats)

    if workers <= 1:
        for batch in fresh_batches():
            store_outcomes(store, process_batch(batch, as_is=as_is), stats)
            if progress:
                progress(stats)
        return stats

    # the documents go out in chunks smaller than a batch: when the stream ends, the work left is at most one
    # small chunk per process, so no process idles while another finishes a whole batch
    chunk = max(1, batch_size // (2 * workers))
    helpers = workers - 1  # this process analyses too: N workers are this one and N-1 spawned ones
    with ProcessPoolExecutor(max_workers=helpers, mp_context=_start_method(), initializer=_worker_init) as pool:
        pending: deque[Future[list[Outcome]]] = deque()

        def store_done(block: bool) -> None:
            while pending and (block or pending[0].done()):
                store_outcomes(store, pending.popleft().result(), stats)
                if progress:
                    progress(stats)

        for batch in fresh_batches():
            for part in _batches(batch, chunk):
                # keep two chunks queued per spawned worker (a bounded number in flight keeps memory flat);
                # while they are busy, this process analyses the next chunk itself
                if len(pending) < 2 * helpers:
                    pending.append(pool.submit(_worker_batch, part, as_is))
                else:
                    store_outcomes(store, process_batch(part, as_is=as_is), stats)
                    if progress:
                        progress(stats)
                store_done(block=False)
        store_done(block=True)
    return stats
