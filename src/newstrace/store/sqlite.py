"""The SQLite store: articles, their analyses and the documents that failed, written in transactions.

The database runs in WAL mode so readers (the server, a second CLI) keep working while an ingest writes. The
schema is ``schema.sql`` plus the files of ``migrations/`` applied in name order; each applied file is recorded,
so opening an older database brings it up to date. Writes happen in ``transaction()`` blocks: a batch that is
interrupted leaves nothing half-written, and a rerun completes it because documents already recorded are skipped.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newstrace.model import Analysis, Article, Failure, Removed, from_dict, to_dict

SCHEMA = Path(__file__).with_name("schema.sql")
MIGRATIONS = Path(__file__).with_name("migrations")
BASE_VERSION = 1
EVENT_COLUMNS = ("article_id", "id", "type", "mode", "cameo", "actor", "target", "place", "date", "modality",
                 "ev_start", "ev_end", "ev_text", "source_kind", "source_entity", "source_text", "source_cue",
                 "source_quote", "flags", "actor_text", "target_text", "trigger", "actor_country", "target_country")
# articles newest publication first, undated ones last, newest ingest first among equals: julianday reads an ISO
# date with or without a time and offset (comparing in UTC); the GLOB keeps a bare number from reading as a day count
ARTICLE_ORDER = ("CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*' THEN"
                 " coalesce(julianday(a.published), julianday(substr(a.published, 1, 10))) END")
ARTICLE_ORDER_BY = f" ORDER BY {ARTICLE_ORDER} IS NULL, {ARTICLE_ORDER} DESC, a.seq DESC"


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _json(value: Any) -> str:
    return json.dumps(to_dict(value), ensure_ascii=False)


def article_filters(outlet: str | None = None, since: str | None = None,
                    until: str | None = None) -> tuple[list[str], list[Any]]:
    """SQL conditions (over ``a``, the articles table) and their arguments for the listings' common filters: one
    outlet, published on or after ``since``, on or before ``until`` (a date: the whole day counts)."""
    where: list[str] = []
    args: list[Any] = []
    if outlet:
        where.append("a.outlet = ?")
        args.append(outlet)
    if since:
        where.append("a.published >= ?")
        args.append(since)
    if until:
        where.append("a.published <= ?")
        args.append(until + "\uffff")
    return where, args


class StoreError(RuntimeError):
    """The database cannot be opened or is not a newstrace store."""


class SearchSyntaxError(ValueError):
    """A raw FTS5 query (``raw=True``) that SQLite rejected; the message says why, in words."""


# a user's search text: "double-quoted phrases" (an unclosed quote runs to the end) or runs of other characters
_SEARCH_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or digit: what the unicode61 tokenizer keeps
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # NUL ends an FTS5 string early: control characters separate words


def fts_match(text: str, *, raw: bool = False) -> str:
    """The FTS5 MATCH expression for what a user typed; ``""`` when it holds nothing to search for.

    User text is words and phrases, never syntax: each bare word and each "double-quoted phrase" becomes a quoted
    FTS5 string (all of them must match, in any order), so apostrophes, hyphens, dots, ``OR``/``NEAR``/``:`` and
    SQL-looking input are searched as the words they contain ("Pakistan's" -> pakistan s, "U.S." -> u s). A bare
    word ending in ``*`` is a prefix search (``kab*``). Terms without a letter or digit are dropped. With
    ``raw=True`` the text is passed through as FTS5 query syntax (AND, OR, NOT, NEAR, column filters); SQLite's
    complaints about it are then raised as ``SearchSyntaxError`` by the query that runs it.
    """
    # lone surrogates (undecodable input) cannot be sent to SQLite: they become U+FFFD
    text = _CONTROL.sub(" ", text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    if raw:
        return text.strip()
    terms = []
    for phrase, word in _SEARCH_TERM.findall(text):
        term = phrase if phrase else word
        prefix = not phrase and word.endswith("*")
        term = term.rstrip("*") if prefix else term
        if not _WORD_CHAR.search(term):
            continue
        terms.append('"' + term.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def sql_statements(script: str) -> list[str]:
    """The statements of an SQL script, each complete (``sqlite3.complete_statement``, so a trigger's body stays
    whole), without comment-only remainders."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and any(not ln.strip().startswith("--") for ln in buf.splitlines() if ln.strip()):
        out.append(buf)
    return out


class Store:
    """A newstrace database file. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"no database at {self.path}")
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"  # as_uri escapes "?" and "#" in the path
                self.conn = sqlite3.connect(uri, uri=True, timeout=timeout,
                                            check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys=ON")
            if readonly:
                # SQLite opens any file lazily: read the schema now, so a file that is not a store fails here
                tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "articles" not in tables:
                    raise sqlite3.DatabaseError("it has no articles table")
            else:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable newstrace database: {exc}") from exc
        self.conn.isolation_level = None  # explicit transactions only

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[str]:
        """Create the base schema and apply the migrations not yet recorded; returns the names applied.

        Each migration is checked and applied under the database's write lock (``BEGIN IMMEDIATE``), so two
        processes opening a new store at once (two ``ingest`` runs) apply it once: the second waits, then finds it
        recorded."""
        self.conn.isolation_level = None  # explicit transactions: the lock is held from the check to the commit
        self.conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        applied: list[str] = []
        for path in sorted(MIGRATIONS.glob("*.sql")):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.conn.execute("SELECT 1 FROM migrations WHERE name=?", (path.name,)).fetchone():
                    self.conn.execute("ROLLBACK")
                    continue
                for statement in sql_statements(path.read_text(encoding="utf-8")):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations(name, applied_at) VALUES (?, ?)", (path.name, utcnow()))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            applied.append(path.name)
        done = self.conn.execute("SELECT count(*) FROM migrations").fetchone()[0]
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                          (str(BASE_VERSION + done),))
        return applied

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside lands together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------------------------
    def known_shas(self, shas: Iterable[str]) -> set[str]:
        """Which of these raw-content hashes are already recorded (ingested, failed or duplicate)."""
        shas = [s for s in shas if s]
        found: set[str] = set()
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            q = f"SELECT sha FROM documents WHERE sha IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(q, chunk))
        return found

    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def add_document(self, uri: str, sha: str | None, status: str, *, article_id: str | None = None,
                     stage: str | None = None, reason: str | None = None, size: int | None = None,
                     fetched_at: str | None = None) -> bool:
        """Record one document in the ledger; returns False when it was already recorded."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO documents(uri, sha, status, stage, reason, article_id, size, fetched_at, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (uri, sha, status, stage, reason, article_id, size, fetched_at, utcnow()),
        )
        return cur.rowcount > 0

    def add_failure(self, failure: Failure) -> bool:
        """Record a document that failed at some stage, with its reason."""
        return self.add_document(failure.uri, failure.content_sha, "failed", stage=failure.stage,
                                 reason=failure.reason, size=failure.size)

    def add_article(self, article: Article, analysis: Analysis | None) -> bool:
        """Insert an article and its analysis; returns False when an article with this id is already stored."""
        if self.has_article(article.id):
            return False
        c = self.conn
        c.execute(
            "INSERT INTO articles(id, url, outlet, title, byline, published, tags, language, text, paragraphs, removed,"
            " uri, fetched_at, meta, analysis, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, article.url, article.outlet, article.title, article.byline, article.published,
             _json(article.tags), article.language, article.text, _json(article.paragraphs), _json(article.removed),
             article.uri, article.fetched_at, _json(article.meta), _json(analysis) if analysis else None, utcnow()),
        )
        if analysis is not None:
            self._write_analysis(article.id, analysis)
        return True

    def replace_analysis(self, article_id: str, analysis: Analysis) -> None:
        """Swap in a new analysis for a stored article (a re-analysis with a newer model or lexicon)."""
        c = self.conn
        for table in ("entities", "mentions", "places", "events", "happenings", "quotes", "flags"):
            c.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        c.execute("UPDATE articles SET analysis=? WHERE id=?", (_json(analysis), article_id))
        self._write_analysis(article_id, analysis)

    def _write_analysis(self, aid: str, an: Analysis) -> None:
        c = self.conn
        c.executemany(
            "INSERT INTO entities(article_id, id, name, type, aliases, country, sector, title, canonical)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(aid, e.id, e.name, e.type, _json(e.aliases), e.country, e.sector, e.title, e.canonical)
             for e in an.entities],
        )
        c.executemany(
            "INSERT INTO mentions(article_id, entity_id, start, end) VALUES (?,?,?,?)",
            [(aid, e.id, s, t) for e in an.entities for s, t in e.mentions],
        )
        c.executemany(
            "INSERT INTO places(article_id, id, name, country, admin1, lat, lon, geonameid, feature, mentions)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(aid, p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.geonameid, p.feature, _json(p.mentions))
             for p in an.places],
        )
        # happenings have the columns of an event and their category
        for table, rows, extra in (("events", an.events, ()), ("happenings", an.happenings, ("category",))):
            columns = (*EVENT_COLUMNS, *extra)
            c.executemany(
                f"INSERT INTO {table}({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                [(aid, ev.id, ev.type, ev.mode, ev.cameo, ev.actor, ev.target, ev.place, ev.date, ev.modality,
                  ev.evidence.start, ev.evidence.end, ev.evidence.text, ev.source.kind, ev.source.entity,
                  ev.source.text, ev.source.cue, ev.source.quote, _json(ev.flags), ev.actor_text, ev.target_text,
                  ev.trigger, ev.actor_country, ev.target_country, *(getattr(ev, x) for x in extra))
                 for ev in rows],
            )
        c.executemany(
            "INSERT INTO quotes(article_id, id, speaker, speaker_text, cue, text, start, end, direct)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(aid, q.id, q.speaker, q.speaker_text, q.cue, q.text, q.start, q.end, int(q.direct)) for q in an.quotes],
        )
        c.executemany(
            "INSERT INTO flags(article_id, kind, start, end, text) VALUES (?,?,?,?,?)",
            [(aid, f.kind, f.start, f.end, f.text) for f in an.flags],
        )

    # -- reading -------------------------------------------------------------------------------------------------
    def resolve_article_id(self, ref: str) -> str | None:
        """The full id of the article named by an id, a unique id prefix, or a URL."""
        for column in ("id", "url"):  # two indexed look-ups; "id=? OR url=?" would scan the table
            row = self.conn.execute(f"SELECT id FROM articles WHERE {column}=? LIMIT 1", (ref,)).fetchone()
            if row:
                return row[0]
        rows = self.conn.execute("SELECT id FROM articles WHERE id LIKE ? LIMIT 2", (ref + "%",)).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def article(self, ref: str) -> tuple[Article, Analysis] | None:
        """An article and its analysis by id, id prefix or URL."""
        aid = self.resolve_article_id(ref)
        if aid is None:
            return None
        row = self.conn.execute("SELECT * FROM articles WHERE id=?", (aid,)).fetchone()
        return article_from_row(row), analysis_from_row(row)

    def iter_articles(self, *, since_seq: int = 0, batch: int = 500) -> Iterator[tuple[int, Article, Analysis]]:
        """Stream stored articles in ingest order with their analyses, reading ``batch`` rows at a time."""
        last = since_seq
        while True:
            rows = self.conn.execute(
                "SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row["seq"], article_from_row(row), analysis_from_row(row)
            last = rows[-1]["seq"]

    def list_articles(self, *, limit: int = 50, offset: int = 0, outlet: str | None = None,
                      since: str | None = None, query: str | None = None, raw: bool = False) -> list[sqlite3.Row]:
        """Article summaries, newest publication first (``ARTICLE_ORDER_BY``), with counts of what analysis found.

        ``query`` is what a user typed (words and "phrases", see ``fts_match``; FTS5 syntax with ``raw``): it never
        fails on plain text, and a query with no word in it matches nothing.
        """
        where, args = article_filters(outlet, since)
        if query is not None:
            match = fts_match(query, raw=raw)
            if not match:
                return []
            where.append("a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            args.append(match)
        sql = (
            "SELECT a.seq, a.id, a.url, a.outlet, a.title, a.byline, a.published, a.tags, a.uri, length(a.text) AS chars,"
            " (SELECT count(*) FROM entities e WHERE e.article_id=a.id) AS entities,"
            " (SELECT count(*) FROM events v WHERE v.article_id=a.id) AS events,"
            " (SELECT count(*) FROM quotes q WHERE q.article_id=a.id) AS quotes"
            " FROM articles a" + (" WHERE " + " AND ".join(where) if where else "") +
            ARTICLE_ORDER_BY + " LIMIT ? OFFSET ?"
        )
        return self._fts_rows(sql, [*args, limit, offset], raw)

    def search(self, query: str, *, limit: int = 50, offset: int = 0, raw: bool = False,
               marks: tuple[str, str] = ("[", "]"), outlet: str | None = None, since: str | None = None,
               until: str | None = None) -> list[sqlite3.Row]:
        """Articles matching what a user typed (see ``fts_match``), best match first, optionally of one outlet and
        published within ``since``..``until`` (dates, as ``list_articles`` takes them).

        Each row has id, outlet, title, published, url, a ``snippet`` of the text whose hits sit between ``marks``,
        and the bm25 ``score`` (lower is better). A query with no word in it matches nothing.
        """
        match = fts_match(query, raw=raw)
        if not match:
            return []
        where, args = article_filters(outlet, since, until)
        where, args = ["articles_fts MATCH ?", *where], [match, *args]
        open_, close = (m.replace("'", "''") for m in marks)
        sql = (
            "SELECT a.id, a.outlet, a.title, a.published, a.url,"
            f" snippet(articles_fts, 1, '{open_}', '{close}', '\u2026', 24) AS snippet,"
            " articles_fts.rank AS score"
            " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
            # FTS5's rank column (bm25) sorts inside the index, several times faster than ORDER BY bm25()
            " WHERE " + " AND ".join(where) + " ORDER BY articles_fts.rank LIMIT ? OFFSET ?"
        )
        return self._fts_rows(sql, [*args, limit, offset], raw)

    def _fts_rows(self, sql: str, args: list[Any], raw: bool) -> list[sqlite3.Row]:
        """Run a full-text query; a raw query SQLite rejects becomes ``SearchSyntaxError``.

        Quoted terms cannot be malformed, so a plain query's errors (a locked or broken database) pass unchanged.
        """
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if raw and not any(word in str(exc) for word in ("locked", "busy", "disk", "corrupt")):
                raise SearchSyntaxError(f"malformed FTS5 query: {exc}") from None
            raise

    def failures(self, *, limit: int = 100, offset: int = 0) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT seq, uri, stage, reason, size, ingested_at FROM documents WHERE status='failed'"
            " ORDER BY seq DESC LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()

    def counts(self) -> dict[str, int]:
        """How many of each thing the store holds."""
        out = {}
        for table in ("articles", "entities", "places", "events", "happenings", "quotes", "flags"):
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["failed"] = self.conn.execute("SELECT count(*) FROM documents WHERE status='failed'").fetchone()[0]
        out["documents"] = self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return out


def article_from_row(row: sqlite3.Row) -> Article:
    """Rebuild an ``Article`` from its ``articles`` row."""
    return Article(
        id=row["id"], url=row["url"], outlet=row["outlet"], title=row["title"], byline=row["byline"],
        published=row["published"], tags=json.loads(row["tags"]), language=row["language"], text=row["text"],
        paragraphs=json.loads(row["paragraphs"]),
        removed=[Removed(**r) for r in json.loads(row["removed"])],
        uri=row["uri"], fetched_at=row["fetched_at"], meta=json.loads(row["meta"]),
    )


def analysis_from_row(row: sqlite3.Row) -> Analysis:
    """Rebuild the ``Analysis`` stored with an article (empty when it was stored without one)."""
    raw = row["analysis"]
    return from_dict(Analysis, json.loads(raw)) if raw else Analysis()
