"""``newstrace entities`` and ``newstrace entity``: the cross-article actors of a store.

``entities`` lists canonical entities with their article counts (filters ``--type``, ``--country``); with
``--why ID`` it explains one canonical entity: every article entity that joined it, by which rule and match.
``entity NAME`` shows one actor: its aliases, attributes and the articles that mention it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Annotated, Any, Optional

import typer

from newstrace.cli import DbOpt, FormatOpt, LimitOpt, _fail, app, not_found, open_store
from newstrace.output import Format, emit, err, escape, out

NOT_LINKED = "this store has no cross-article entities yet (run `newstrace ingest` or `newstrace link`)"
# the entity types analysis gives (newstrace.analyze.entities.ACTOR_LABELS, not imported here: it loads spaCy)
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")
COUNTRY = re.compile(r"^[A-Za-z]{3}$")


def _has_canonical(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='canonical_entities'").fetchone()
    return row is not None


def _row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    d["aliases"] = json.loads(d.get("aliases") or "[]")
    return d


def find_canonical(conn: sqlite3.Connection, ref: str) -> list[sqlite3.Row]:
    """Canonical entities named by an id, a name, or an alias (by normalised key), best match first; none for a
    blank name (as a substring, it would match every entity)."""
    from newstrace.analyze.names import name_key

    if not ref.strip():
        return []
    row = conn.execute("SELECT * FROM canonical_entities WHERE id=?", (ref,)).fetchone()
    if row:
        return [row]
    key = name_key(ref)
    ids = [r[0] for r in conn.execute("SELECT DISTINCT canonical FROM canonical_keys WHERE key=?", ("n:" + key,))]
    if not ids:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM canonical_entities WHERE name LIKE ? ORDER BY articles DESC LIMIT 20", (f"%{ref}%",))]
    if not ids:
        return []
    q = f"SELECT * FROM canonical_entities WHERE id IN ({','.join('?' * len(ids))}) ORDER BY articles DESC, id"
    return conn.execute(q, ids).fetchall()


@app.command()
def entities(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
    etype: Annotated[Optional[str], typer.Option("--type", "-t", help=f"{', '.join(ENTITY_TYPES)}.")] = None,
    country: Annotated[Optional[str], typer.Option("--country", "-c", help="ISO3 country code (PAK, USA).")] = None,
    why: Annotated[Optional[str], typer.Option("--why", help="Explain how canonical entity ID was formed.")] = None,
) -> None:
    """List the actors of the store across articles, most-mentioned first; --why ID explains one."""
    if etype and etype.upper() not in ENTITY_TYPES:
        raise _fail(f"unknown entity type {etype!r}; one of {', '.join(ENTITY_TYPES)}")
    if country and not COUNTRY.match(country):
        raise _fail(f"--country takes an ISO3 code such as PAK or AFG, not {country!r}")
    store = open_store(db, readonly=True)
    conn = store.conn
    if not _has_canonical(conn):
        if why:
            raise not_found(f"no entity {why!r}: {NOT_LINKED}")
        # a listing of nothing, as `stories` on an unlinked store: the hint goes to stderr, the exit stays 0
        err.print(f"[dim]{NOT_LINKED}[/dim]")
        emit([], fmt, columns=["id", "name", "type", "country", "sector", "articles", "mentions", "aliases"])
        return
    if why:
        rows = find_canonical(conn, why)
        if not rows:
            raise not_found(f"no entity {why!r} in {db}")
        c = rows[0]
        members = conn.execute(
            "SELECT m.article_id AS article, m.entity_id AS entity, m.name, m.rule, m.score, m.matched,"
            " a.outlet, a.published FROM canonical_members m LEFT JOIN articles a ON a.id=m.article_id"
            " WHERE m.canonical=? ORDER BY m.article_seq, m.entity_id LIMIT ?", (c["id"], limit)).fetchall()
        if fmt is Format.table:
            err.print(f"[bold]{c['id']}[/bold] {escape(c['name'])} ({c['type']}, {c['country'] or '-'}, "
                      f"{c['sector'] or '-'}): founded by the first row (rule 'new'); each later row joined by "
                      f"its rule on the name it matched")
        emit([dict(r) for r in members], fmt,
             columns=["article", "entity", "name", "rule", "score", "matched", "outlet", "published"],
             widths={"article": 16})
        return
    where, args = [], []
    if etype:
        where.append("type = ?")
        args.append(etype.upper())
    if country:
        where.append("country = ?")
        args.append(country.upper())
    sql = ("SELECT id, name, type, country, sector, title, aliases, articles, mentions FROM canonical_entities"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY articles DESC, mentions DESC, id LIMIT ?")
    rows = [_row(r) for r in conn.execute(sql, [*args, limit])]
    emit(rows, fmt, columns=["id", "name", "type", "country", "sector", "articles", "mentions", "aliases"],
         widths={"aliases": 40})


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="A name, an alias or a canonical id.")],
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
) -> None:
    """Show one actor: aliases, country, sector and the articles that mention it."""
    store = open_store(db, readonly=True)
    conn = store.conn
    if not _has_canonical(conn):
        raise not_found(f"no entity named {name!r}: {NOT_LINKED}")
    rows = find_canonical(conn, name)
    if not rows:
        raise not_found(f"no entity named {name!r} in {db}")
    c = _row(rows[0])
    arts = [dict(r) for r in conn.execute(
        "SELECT a.id AS article, a.published, a.outlet, a.title, m.name AS as_written, m.rule"
        " FROM canonical_members m JOIN articles a ON a.id=m.article_id WHERE m.canonical=?"
        " ORDER BY a.published, a.seq LIMIT ?", (c["id"], limit))]
    if fmt is not Format.table:
        c["articles_list"] = arts
        c["others"] = [r["id"] for r in rows[1:]]
        emit([c], fmt, columns=["id", "name", "type", "country", "sector", "title", "aliases", "articles"])
        return
    out.print(f"[bold]{escape(c['name'])}[/bold]  [dim]{c['id']}[/dim]")
    out.print(escape(f"type {c['type'] or '-'} · country {c['country'] or '-'} · sector {c['sector'] or '-'}"
                     f" · title {c['title'] or '-'} · {c['articles']} articles, {c['mentions']} mentions"))
    if c["aliases"]:
        out.print(escape("aliases: " + ", ".join(c["aliases"])))
    emit(arts, Format.table, columns=["article", "published", "outlet", "as_written", "title"],
         widths={"title": 50, "article": 16})
    if len(rows) > 1:
        err.print(escape("other matches: " + ", ".join(f"{r['name']} ({r['id']})" for r in rows[1:6])))
