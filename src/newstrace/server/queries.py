"""Read-only queries the API and the pages share: articles, entities, events, quotes, stories, search.

Each server thread holds its own read-only connection (SQLite in WAL mode lets it read a consistent snapshot
while an ingest writes). Tables that other stages add later (stories and reuse from link, canonical entities)
are looked up at query time: when one is missing the answer is an empty list, never an error.

Entities are named across articles by a *key*: the canonical id that link gives them when it has run, else
``name:<name>`` so that the same name in several articles is one page before any resolution has happened.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newstrace.link.claims import stored_claims
from newstrace.model import Analysis, Article
from newstrace.server.claimlist import ClaimFilter, claim_rows
from newstrace.store.sqlite import (ARTICLE_ORDER_BY, SearchSyntaxError, Store, analysis_from_row, article_filters,
                                    article_from_row)

log = logging.getLogger(__name__)

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# markers that cannot occur in stored text, swapped for <mark> after escaping (see highlight.snippet_html)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


class BadQuery(ValueError):
    """A query that cannot be answered (raw FTS5 syntax SQLite rejects, an unknown filter value); the API answers
    it with a 4xx status and the message."""


def clamp(limit: int | None, offset: int | None) -> tuple[int, int]:
    """A page size within ``1..MAX_LIMIT`` and a non-negative offset."""
    lim = DEFAULT_LIMIT if limit is None else max(1, min(int(limit), MAX_LIMIT))
    return lim, max(0, int(offset or 0))


def entity_key(canonical: str | None, name: str) -> str:
    """The cross-article key of an entity row (see the module docstring)."""
    return canonical or f"name:{name}"


def _loads(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


class Reader:
    """Per-thread read-only access to one store file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()

    @property
    def store(self) -> Store:
        st = getattr(self._local, "store", None)
        if st is None:
            st = Store(self.path, readonly=True)
            self._local.store = st
        return st

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def has_table(self, name: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?",
                                (name,)).fetchone()
        return row is not None

    def columns(self, table: str) -> set[str]:
        return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    # -- articles --------------------------------------------------------------------------------------------
    def articles(self, *, limit: int, offset: int, outlet: str | None = None, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]]:
        """Article summaries, newest publication first, undated last (the CLI's order: ``ARTICLE_ORDER_BY``)."""
        where, args = article_filters(outlet, since, until)
        sql = (
            "SELECT a.seq, a.id, a.url, a.outlet, a.title, a.byline, a.published, length(a.text) AS chars,"
            " (SELECT count(*) FROM entities e WHERE e.article_id=a.id) AS entities,"
            " (SELECT count(*) FROM events v WHERE v.article_id=a.id) AS events,"
            " (SELECT count(*) FROM quotes q WHERE q.article_id=a.id) AS quotes,"
            " (SELECT count(*) FROM flags f WHERE f.article_id=a.id) AS flags"
            " FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
            + ARTICLE_ORDER_BY + " LIMIT ? OFFSET ?"
        )
        return [dict(r) for r in self.conn.execute(sql, [*args, limit, offset])]

    def article(self, ref: str) -> tuple[Article, Analysis] | None:
        """The full record of one article by id, unique id prefix or URL."""
        if not ref or len(ref) > 4096:
            return None
        # the exact id first: an index lookup (the store's general resolver also tries the unindexed url)
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (ref,)).fetchone()
        if row is None:
            aid = self.store.resolve_article_id(ref)
            row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (aid,)).fetchone() if aid else None
        if row is None:
            return None
        try:
            analysis = analysis_from_row(row)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # an analysis written by an older or broken version: show the article, say why the rest is missing
            log.warning("unreadable analysis for article %s: %s", row["id"], exc)
            analysis = Analysis()
        return article_from_row(row), analysis

    def entity_keys(self, article_id: str) -> dict[str, str]:
        """entity id within the article -> cross-article key."""
        return {r["id"]: entity_key(r["canonical"], r["name"]) for r in
                self.conn.execute("SELECT id, name, canonical FROM entities WHERE article_id=?", (article_id,))}

    def outlets(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """id -> {outlet, title, published, url} for a set of articles."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT id, outlet, title, published, url FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            out.update({r["id"]: dict(r) for r in self.conn.execute(q, chunk)})
        return out

    # -- search ----------------------------------------------------------------------------------------------
    def search(self, q: str, *, limit: int, offset: int, raw: bool = False,
               **filters: str | None) -> list[dict[str, Any]]:
        """Articles matching what a user typed, best first, each with a snippet whose hits sit between markers.

        The text is words and "phrases" (``Store.search``, the CLI's ``articles --search`` reads it the same way),
        so it never fails; ``raw`` takes FTS5 syntax instead and raises ``BadQuery`` when SQLite rejects it.
        ``filters``: outlet, since, until (``Store.search``).
        """
        try:
            rows = self.store.search(q, limit=limit, offset=offset, raw=raw, marks=(MARK_OPEN, MARK_CLOSE),
                                     **filters)
        except SearchSyntaxError as exc:
            raise BadQuery(str(exc)) from None
        return [dict(r) for r in rows]

    # -- entities --------------------------------------------------------------------------------------------
    def entities(self, *, limit: int, offset: int, q: str | None = None,
                 type: str | None = None) -> list[dict[str, Any]]:
        """Entities across articles grouped by key, the most widely reported first."""
        where, args = [], []
        if q:
            where.append("(e.name LIKE ? ESCAPE '\\' OR e.aliases LIKE ? ESCAPE '\\')")
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args += [like, like]
        if type:
            where.append("e.type = ?")
            args.append(type)
        sql = (
            "SELECT coalesce(e.canonical, 'name:' || e.name) AS key, min(e.name) AS name, max(e.type) AS type,"
            " count(DISTINCT e.article_id) AS articles"
            " FROM entities e" + (" WHERE " + " AND ".join(where) if where else "")
            + " GROUP BY key ORDER BY articles DESC, name LIMIT ? OFFSET ?"
        )
        return [dict(r) for r in self.conn.execute(sql, [*args, limit, offset])]

    def entity_rows(self, key: str) -> list[sqlite3.Row]:
        """The per-article rows of one cross-article entity.

        Besides this module's keys, the link stage's actor keys are understood: ``c:<canonical id>`` and
        ``n:<normalised name>`` (stories list their actors that way).
        """
        if key.startswith("c:"):
            key = key[2:]
        elif key.startswith("n:"):
            return self.conn.execute("SELECT * FROM entities WHERE lower(name) = ? OR lower(name) = ?",
                                     (key[2:], key[2:].lower())).fetchall()
        if key.startswith("name:"):
            return self.conn.execute("SELECT * FROM entities WHERE canonical IS NULL AND name = ?",
                                     (key[5:],)).fetchall()
        rows = self.conn.execute("SELECT * FROM entities WHERE canonical = ?", (key,)).fetchall()
        if not rows:
            # a link made from a bare name (an actor listed by a story before resolution ran)
            rows = self.conn.execute("SELECT * FROM entities WHERE name = ?", (key,)).fetchall()
        return rows

    def entity(self, key: str) -> dict[str, Any] | None:
        """One entity across articles: names, attributes, its events and the actors it acts with."""
        rows = self.entity_rows(key)
        if not rows:
            return None
        names = Counter(r["name"] for r in rows)
        aliases = Counter(a for r in rows for a in _loads(r["aliases"], []))
        attrs: dict[str, Counter[str]] = defaultdict(Counter)
        for r in rows:
            for col in ("type", "country", "sector", "title"):
                if r[col]:
                    attrs[col][r[col]] += 1
        name = names.most_common(1)[0][0]
        # the key as this module writes it, whatever form the request used (c:..., n:..., a bare name)
        key = entity_key(rows[0]["canonical"], rows[0]["name"])
        out: dict[str, Any] = {
            "key": key,
            "name": name,
            "aliases": sorted((set(names) | set(aliases)) - {name}),
            "attributes": {col: c.most_common(1)[0][0] for col, c in attrs.items()},
            "articles": [],
            "events": [],
            "network": {"nodes": [], "edges": []},
        }
        extra = self._canonical_entity(key)
        if extra:
            out["canonical"] = extra
            for alias in _loads(extra.get("aliases"), []) if isinstance(extra.get("aliases"), str) else []:
                if alias != name and alias not in out["aliases"]:
                    out["aliases"].append(alias)
        ids = [(r["article_id"], r["id"]) for r in rows]
        meta = self.outlets(a for a, _ in ids)
        out["articles"] = [meta[a] | {"mentions": self._mention_count(a, e)} for a, e in ids if a in meta]
        out["articles"].sort(key=lambda a: a.get("published") or "", reverse=True)
        out["events"], out["network"] = self._entity_events(key, ids, meta)
        for node in out["network"]["nodes"]:
            if node["id"] == key:
                node["label"] = name
        return out

    def _mention_count(self, article_id: str, entity_id: str) -> int:
        return self.conn.execute("SELECT count(*) FROM mentions WHERE article_id=? AND entity_id=?",
                                 (article_id, entity_id)).fetchone()[0]

    def _canonical_entity(self, key: str) -> dict[str, Any] | None:
        """The canonical entity record when the entities stage keeps one (a table with an ``id`` column)."""
        for table in ("canonical_entities", "actors"):
            if self.has_table(table) and "id" in self.columns(table):
                row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (key,)).fetchone()
                if row:
                    return dict(row)
        return None

    def _entity_events(self, key: str, ids: list[tuple[str, str]], meta: dict[str, dict[str, Any]],
                       cap: int = 500) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The events where the entity is actor or target, and the network of its counterparts."""
        events: list[dict[str, Any]] = []
        edges: Counter[tuple[str, str]] = Counter()
        labels: dict[str, str] = {key: ""}  # the entity itself is the first node
        by_article: dict[str, list[str]] = defaultdict(list)
        for a, e in ids:
            by_article[a].append(e)
        for aid, eids in by_article.items():
            marks = ",".join("?" * len(eids))
            rows = self.conn.execute(
                f"SELECT * FROM events WHERE article_id=? AND (actor IN ({marks}) OR target IN ({marks}))",
                [aid, *eids, *eids],
            ).fetchall()
            if not rows:
                continue
            keys = self.entity_keys(aid)
            names = {r["id"]: r["name"] for r in self.conn.execute(
                "SELECT id, name FROM entities WHERE article_id=?", (aid,))}
            for r in rows:
                ev = event_row(r)
                ev["article"] = meta.get(aid, {"id": aid})
                ev["actor_name"] = names.get(r["actor"] or "", r["actor_text"])
                ev["target_name"] = names.get(r["target"] or "", r["target_text"])
                ev["actor_key"] = keys.get(r["actor"] or "")
                ev["target_key"] = keys.get(r["target"] or "")
                if len(events) < cap:
                    events.append(ev)
                a_key, t_key = ev["actor_key"], ev["target_key"]
                if a_key and t_key and a_key != t_key:
                    edges[(a_key, t_key)] += 1
                    labels.setdefault(a_key, ev["actor_name"] or a_key)
                    labels.setdefault(t_key, ev["target_name"] or t_key)
        events.sort(key=lambda ev: (ev.get("date") or ev["article"].get("published") or ""), reverse=True)
        nodes = [{"id": k, "label": v or k} for k, v in labels.items()]
        return events, {"nodes": nodes, "edges": [{"source": s, "target": t, "weight": w}
                                                   for (s, t), w in edges.most_common(200)]}

    # -- events and quotes -----------------------------------------------------------------------------------
    def events(self, *, limit: int, offset: int, type: str | None = None, modality: str | None = None,
               source_kind: str | None = None, article: str | None = None) -> list[dict[str, Any]]:
        """Events across the store with optional filters, newest article first."""
        where, args = [], []
        for col, val in (("v.type", type), ("v.modality", modality), ("v.source_kind", source_kind),
                         ("v.article_id", article)):
            if val:
                where.append(f"{col} = ?")
                args.append(val)
        sql = ("SELECT v.* FROM events v JOIN articles a ON a.id = v.article_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY a.seq DESC, v.id LIMIT ? OFFSET ?")
        return [event_row(r) | {"article_id": r["article_id"]}
                for r in self.conn.execute(sql, [*args, limit, offset])]

    def quotes(self, *, limit: int, offset: int, speaker: str | None = None,
               article: str | None = None) -> list[dict[str, Any]]:
        """Quotes across the store, filtered by speaker text or article."""
        where, args = [], []
        if speaker:
            where.append("q.speaker_text LIKE ?")
            args.append(f"%{speaker}%")
        if article:
            where.append("q.article_id = ?")
            args.append(article)
        sql = ("SELECT q.* FROM quotes q JOIN articles a ON a.id = q.article_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY a.seq DESC, q.start LIMIT ? OFFSET ?")
        rows = []
        for r in self.conn.execute(sql, [*args, limit, offset]):
            d = dict(r)
            d["direct"] = bool(d["direct"])
            rows.append(d)
        return rows

    # -- stories and reuse (link stage; empty until its tables exist) ---------------------------------------
    def stories(self, *, limit: int, offset: int, verdict: str | None = None, type: str | None = None,
                article: str | None = None) -> list[dict[str, Any]]:
        """Stories, the most recently seen first, with optional verdict/type filters or one article's stories."""
        if not self.has_table("stories"):
            return []
        where, args = [], []
        if verdict:
            where.append("s.verdict = ?")
            args.append(verdict)
        if type:
            where.append("s.type = ?")
            args.append(type)
        if article:
            where.append("s.id IN (SELECT story_id FROM story_reports WHERE article_id = ?)")
            args.append(article)
        sql = ("SELECT s.* FROM stories s" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY coalesce(s.last_seen, s.first_seen) DESC, s.reports DESC, s.id LIMIT ? OFFSET ?")
        return [story_row(r) for r in self.conn.execute(sql, [*args, limit, offset])]

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story: its record, the reports in time order, who copied whom, its claims (each with its verdict, why,
        and who asserts, denies, copies or only relays it) and the coded events it holds."""
        if not self.has_table("stories"):
            return None
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        story = story_row(row)
        reports = [dict(r) for r in self.conn.execute(
            "SELECT r.*, a.title, a.url FROM story_reports r LEFT JOIN articles a ON a.id = r.article_id"
            " WHERE r.story_id = ? ORDER BY coalesce(r.published, ''), r.seq", (story_id,))]
        for r in reports:
            r["source_kinds"] = _loads(r.get("source_kinds"), {})
            r["article"] = r["article_id"]  # the story record's name for it (DESIGN.md)
        story["reports"] = reports
        ids = [r["article_id"] for r in reports]
        story["copies"] = self.reuse_among(ids)
        story["labels"] = {r["article_id"]: r.get("outlet") or (r.get("title") or r["article_id"])[:40]
                           for r in reports}
        # the claims with their own verdicts (link stage), and the coded events the story holds
        story["claims"] = stored_claims(self.conn, story_id)
        story["events"] = self._story_claims(story_id)
        return story

    def _story_claims(self, story_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT m.article_id, m.voice_id, m.score, v.* FROM story_members m"
            " JOIN occurrences v ON v.article_id = m.article_id AND v.id = m.event_id"
            " WHERE m.story_id = ? LIMIT 500", (story_id,)).fetchall()
        claims, seen = [], set()
        for r in rows:
            # events coded from the same sentence of the same article are one claim
            key = (r["article_id"], r["ev_start"], r["ev_end"])
            if key in seen:
                continue
            seen.add(key)
            claims.append(event_row(r) | {"article_id": r["article_id"], "voice_id": r["voice_id"]})
        return claims

    def reuse_among(self, article_ids: list[str]) -> list[dict[str, Any]]:
        """The reuse links between any two of these articles (the copy graph's edges)."""
        if not article_ids or not self.has_table("reuse_links"):
            return []
        ids = article_ids[:500]
        marks = ",".join("?" * len(ids))
        sql = (f"SELECT * FROM reuse_links WHERE copy_id IN ({marks}) AND origin_id IN ({marks})"
               " ORDER BY copy_id, origin_id")
        return [dict(r) for r in self.conn.execute(sql, [*ids, *ids])]

    def reuse_of(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """What this article took from others and what others took from it, with the aligned passages."""
        out: dict[str, list[dict[str, Any]]] = {"copied_from": [], "copied_by": []}
        if not self.has_table("reuse_links"):
            return out
        for col, other, key in (("copy_id", "origin_id", "copied_from"), ("origin_id", "copy_id", "copied_by")):
            rows = [dict(r) for r in self.conn.execute(
                f"SELECT * FROM reuse_links WHERE {col} = ? ORDER BY shared_words DESC LIMIT 100", (article_id,))]
            meta = self.outlets(r[other] for r in rows)
            for r in rows:
                r["other"] = meta.get(r[other], {"id": r[other]})
                if self.has_table("reuse_passages"):
                    r["passages"] = [dict(p) for p in self.conn.execute(
                        "SELECT copy_start, copy_end, origin_start, origin_end, words FROM reuse_passages"
                        " WHERE copy_id = ? AND origin_id = ? ORDER BY copy_start LIMIT 200",
                        (r["copy_id"], r["origin_id"]))]
            out[key] = rows
        return out

    # -- claims ----------------------------------------------------------------------------------------------
    def claims(self, f: ClaimFilter, *, limit: int, offset: int) -> list[dict[str, Any]]:
        """Coded events as claims with their source, flags and verdict (``claimlist.claim_rows``, as the CLI)."""
        return claim_rows(self.conn, f, limit=limit, offset=offset)

    def flagged(self, kind: str, *, limit: int) -> list[dict[str, Any]]:
        """Flags of one kind (``exclusive`` for single-source claims) with their article, newest first."""
        sql = ("SELECT f.kind, f.start, f.end, f.text, a.id AS article_id, a.outlet, a.title, a.published,"
               " (SELECT v.ev_text FROM occurrences v WHERE v.article_id = f.article_id AND v.ev_start <= f.start"
               "  AND v.ev_end >= f.end ORDER BY v.ev_end - v.ev_start LIMIT 1) AS sentence,"
               " (SELECT v.source_kind FROM occurrences v WHERE v.article_id = f.article_id AND v.ev_start <= f.start"
               "  AND v.ev_end >= f.end ORDER BY v.ev_end - v.ev_start LIMIT 1) AS source_kind"
               " FROM flags f JOIN articles a ON a.id = f.article_id WHERE f.kind = ?"
               " ORDER BY a.seq DESC, f.start LIMIT ?")
        return [dict(r) for r in self.conn.execute(sql, (kind, limit))]


def event_row(r: sqlite3.Row) -> dict[str, Any]:
    """An ``events`` row in the record's shape (evidence and source as objects)."""
    return {
        "id": r["id"], "type": r["type"], "mode": r["mode"], "cameo": r["cameo"], "actor": r["actor"],
        "target": r["target"], "place": r["place"], "date": r["date"], "modality": r["modality"],
        "evidence": {"start": r["ev_start"], "end": r["ev_end"], "text": r["ev_text"]},
        "source": {"kind": r["source_kind"], "entity": r["source_entity"], "text": r["source_text"],
                   "cue": r["source_cue"], "quote": r["source_quote"]},
        "flags": _loads(r["flags"], []), "actor_text": r["actor_text"], "target_text": r["target_text"],
        "trigger": r["trigger"],
    }


def story_row(r: sqlite3.Row) -> dict[str, Any]:
    """A ``stories`` row with its JSON columns decoded."""
    d = dict(r)
    d["actors"] = _loads(d.get("actors"), [])
    return d
