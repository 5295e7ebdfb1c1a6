"""The link stage: across articles of the store, copied text, stories and corroboration.

``link_store(store, since_seq)`` links the articles stored after ``since_seq`` against the whole store:

1. cross-article entities (``newstrace.link.resolve.resolve_entities`` when installed),
2. outlets and outlet groups (``link.outlets``),
3. text reuse: every new article fingerprinted first, then MinHash-LSH candidates (the caps count the whole run),
   aligned passages, direction and kind (``link.reuse``),
4. stories: the new articles' events linked to the stored mentions they may report one event with, and every group
   of linked mentions they touch cut into stories again (``link.stories``, ``link.grouping``); then rewrites and
   shared origins among each story's reports (``link.paraphrase``),
5. corroboration of every story touched: its claims, who asserts or denies each, copies, independent outlets, and
   a verdict per claim and per story (``link.claims``, ``link.corroboration``).

One linker runs at a time per store (a lock file beside it, ``link_lock``): two ingests writing at once each link
what is there when their turn comes, so the result is the one a single ingest of all the articles gives.

Each step only reads what it needs from the store and writes derived tables (migration ``0003_link.sql``), so a
run over 1,000 new articles costs the same whether the store holds ten thousand or a million. ``since_seq=0``
rebuilds everything from scratch.
"""

from __future__ import annotations

import logging
import time
from itertools import islice
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from newstrace.store.sqlite import Store

log = logging.getLogger(__name__)

CACHE_KIB = 256 * 1024  # SQLite page cache while linking (KiB)
COMMIT_LINKS = 1000  # reuse links written per transaction
DERIVED_TABLES = ("reuse_links", "reuse_passages", "reuse_signatures", "reuse_bands", "story_keys", "story_words",
                  "story_reports", "story_members", "stories", "link_articles", "mention_keys", "story_links",
                  "claim_reports", "claims", "paraphrase_checked", "lead_keys")


def _resolve(store: Store, since_seq: int) -> Any:
    try:
        from newstrace.link.resolve import resolve_entities
    except ImportError:
        return None
    try:
        return resolve_entities(store, since_seq)
    except Exception as exc:  # noqa: BLE001 - entity resolution failing must not stop reuse and stories
        log.warning("entity resolution failed: %s", exc)
        return {"error": f"{type(exc).__name__}: {exc}"}


def _new_articles(store: Store, since_seq: int) -> list[tuple[int, str, str | None, str | None]]:
    """The stored articles after ``since_seq`` that have not been linked yet: (seq, id, url, outlet)."""
    return [tuple(r) for r in store.conn.execute(
        "SELECT a.seq, a.id, a.url, a.outlet FROM articles a LEFT JOIN link_articles l ON l.article_seq=a.seq"
        " WHERE a.seq > ? AND l.article_seq IS NULL ORDER BY a.seq", (since_seq,))]


def _genre(conn: Any, seq: int) -> str:
    from newstrace.link.genre import genre

    r = conn.execute("SELECT url, title, substr(text, -600), tags, removed FROM articles WHERE seq=?", (seq,)).fetchone()
    return genre(*r) if r else "news"


@contextmanager
def link_lock(store: Store) -> Iterator[None]:
    """Hold the store's link lock (an exclusive lock on ``<db>.link-lock``) while the block runs.

    Linking reads which articles are new, then links them in several transactions; two linkers interleaved would each
    miss the other's articles. Where the platform has no ``fcntl`` (or the store is in memory) nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    if not store.path or store.path == ":memory:":
        yield
        return
    with open(store.path + ".link-lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def link_store(store: Store, since_seq: int = 0, *, batch: int = 2000, resolve: bool = True,
               clear: bool = True, reuse_pairs: Mapping[int, Sequence[int]] | None = None) -> dict[str, Any]:
    """Link the articles stored after ``since_seq`` against the whole store; returns a summary of what it did.

    ``resolve=False`` leaves step 1 out: the articles' canonical entity ids are given (the Spark link step resolves
    entities over groups of entities first, then links articles with those ids fixed). ``clear=False`` keeps what
    the derived tables hold when ``since_seq <= 0`` (the Spark link step puts the keys that are hot corpus-wide
    there first). ``reuse_pairs`` (article ``seq`` -> the ``seq`` of the articles to compare it with) replaces the
    MinHash candidates of the text reuse step (a Spark bin is told the pairs the whole corpus ranks first). Holds the
    store's link lock throughout, so concurrent ingests link one after the other."""
    with link_lock(store):
        return _link_store(store, since_seq, batch=batch, resolve=resolve, clear=clear, reuse_pairs=reuse_pairs)


def _link_store(store: Store, since_seq: int, *, batch: int, resolve: bool = True, clear: bool = True,
                reuse_pairs: Mapping[int, Sequence[int]] | None = None) -> dict[str, Any]:
    from newstrace.link.corroboration import corroborate
    from newstrace.link.outlets import load_groups, outlet_key
    from newstrace.link.reuse import index_new, link_reuse, save_link
    from newstrace.link.paraphrase import link_rewrites
    from newstrace.link.stories import link_stories, load_config

    started = time.perf_counter()
    summary: dict[str, Any] = {}
    conn = store.conn
    # the LSH index is read and written at random keys: a larger page cache keeps it off the disk
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    if since_seq <= 0 and clear:
        with store.transaction():
            for table in DERIVED_TABLES:
                conn.execute(f"DELETE FROM {table}")
    resolved = _resolve(store, since_seq) if resolve else None
    if resolved is not None:
        summary["entities"] = resolved
    groups = load_groups()
    with store.transaction():
        conn.execute("DELETE FROM outlet_groups")
        conn.executemany("INSERT INTO outlet_groups(outlet, grp, kind) VALUES (?,?,?)", groups.rows())
    new = _new_articles(store, since_seq)
    summary["articles"] = len(new)
    if not new:
        return summary
    with store.transaction():
        conn.executemany("INSERT OR REPLACE INTO link_articles(article_seq, article_id, outlet_key, genre)"
                         " VALUES (?,?,?,?)",
                         [(seq, aid, outlet_key(url, outlet), _genre(conn, seq)) for seq, aid, url, outlet in new])

    # text reuse: every new article indexed first (the caps count the whole run), then compared; committed as found
    kinds: dict[str, int] = {}
    copies_touched: set[str] = set()
    seqs = [s for s, *_ in new]
    for i in range(0, len(seqs), batch):
        with store.transaction():
            index_new(conn, seqs[i : i + batch])
    links = iter(link_reuse(conn, seqs, batch=batch, pairs=reuse_pairs))
    while True:
        with store.transaction():
            found = list(islice(links, COMMIT_LINKS))
            for link in found:
                save_link(conn, link)
                kinds[link.kind] = kinds.get(link.kind, 0) + 1
                copies_touched.add(link.copy.id)
        if not found:
            break
    summary["reuse"] = kinds

    # stories of the new articles' events, rewrites among each story's reports, then the corroboration of every
    # story they touched; one transaction, so a concurrent linker sees all of it or none
    cfg = load_config()
    ids = [aid for _, aid, *_ in new]
    verdicts: dict[str, int] = {}
    with store.transaction():
        written, gone = link_stories(conn, ids, cfg)
        rewrites = link_rewrites(conn, ([m.article_id for m in ms] for _, ms in sorted(written.items())), ids)
        if rewrites:
            kinds["reworded"] = len(rewrites)
        touched = set(written)
        # an old article that turned out to be a copy of a new one changes its stories' counts too
        old_copies = sorted((copies_touched | rewrites) - set(ids))
        for j in range(0, len(old_copies), 400):
            chunk = old_copies[j : j + 400]
            touched |= {r[0] for r in conn.execute(
                f"SELECT DISTINCT story_id FROM story_members WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk)}
        for sid in sorted(touched):
            rec = corroborate(conn, sid, groups, written.get(sid))
            verdicts[rec["verdict"]] = verdicts.get(rec["verdict"], 0) + 1
    summary["reuse"] = kinds
    summary["stories"] = len(touched)
    summary["stories_merged_or_recut"] = len(gone)
    summary["verdicts"] = verdicts
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
