"""``newstrace events``: the coded events of the store, filtered by type, actor, country and date.

Each row is one event joined to its article (outlet, publication date) and to the entities that are its actor
and target (names and countries), so an analyst can count, map and check events without reading the JSON.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Annotated, Any, Optional

import typer

from newstrace.analyze.event_lexicon import PLOVER_TYPES
from newstrace.cli import DbOpt, FormatOpt, LimitOpt, app, open_store
from newstrace.model import MODALITIES
from newstrace.output import Format, emit, print_error

EXIT_USAGE = 2
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY = re.compile(r"^[A-Za-z]{3}$")

EVENTS_SQL = """
SELECT v.article_id, v.id, coalesce(v.date, substr(a.published, 1, 10)) AS day, v.type, v.mode, v.cameo,
       v.modality, v.date, v.trigger,
       v.actor, v.actor_text, ea.name AS actor_name, coalesce(ea.country, v.actor_country) AS actor_country,
       v.target, v.target_text, et.name AS target_name, coalesce(et.country, v.target_country) AS target_country,
       v.place, p.name AS place_name, p.country AS place_country,
       v.ev_start, v.ev_end, v.ev_text, v.source_kind, v.source_entity, v.source_text, v.source_cue,
       v.source_quote, v.flags, a.outlet, a.published, a.title, a.url
FROM events v
JOIN articles a ON a.id = v.article_id
LEFT JOIN entities ea ON ea.article_id = v.article_id AND ea.id = v.actor
LEFT JOIN entities et ON et.article_id = v.article_id AND et.id = v.target
LEFT JOIN places p ON p.article_id = v.article_id AND p.id = v.place
"""


def _usage(message: str) -> typer.Exit:
    print_error(message)
    return typer.Exit(EXIT_USAGE)


def query_events(conn: sqlite3.Connection, *, type_: str | None = None, actor: str | None = None,
                 country: str | None = None, since: str | None = None, modality: str | None = None,
                 article: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The stored events that pass the filters, oldest first by event date (then publication date).

    ``actor`` matches the actor's entity name, its aliases or the actor phrase as written (case-insensitive
    substring); ``country`` (ISO3) matches the country of the actor or the target (the entity's country, else the
    country the event component read in the phrase); ``since`` keeps events dated
    on or after that day (the event's own date, else the article's publication date).
    """
    where: list[str] = []
    args: list[Any] = []
    if type_:
        where.append("v.type = ?")
        args.append(type_.upper())
    if actor:
        like = f"%{actor.casefold()}%"
        where.append("(lower(ea.name) LIKE ? OR lower(ea.aliases) LIKE ? OR lower(v.actor_text) LIKE ?)")
        args += [like, like, like]
    if country:
        where.append("(upper(coalesce(ea.country, v.actor_country)) = ?"
                     " OR upper(coalesce(et.country, v.target_country)) = ?)")
        args += [country.upper(), country.upper()]
    if since:
        where.append("coalesce(v.date, substr(a.published, 1, 10)) >= ?")
        args.append(since)
    if modality:
        where.append("v.modality = ?")
        args.append(modality)
    if article:
        where.append("v.article_id LIKE ?")
        args.append(article + "%")
    sql = EVENTS_SQL + (" WHERE " + " AND ".join(where) if where else "")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    if "actor_country" not in columns:
        # a store written before migration 0005, opened read-only: no countries of the event component's own
        sql = sql.replace("v.actor_country", "NULL").replace("v.target_country", "NULL")
    sql += " ORDER BY coalesce(v.date, substr(a.published, 1, 10)), a.seq, v.ev_start LIMIT ?"
    rows = []
    for r in conn.execute(sql, [*args, limit]):
        row = dict(r)
        row["flags"] = json.loads(row["flags"] or "[]")
        row["actor_label"] = row["actor_name"] or row["actor_text"]
        row["target_label"] = row["target_name"] or row["target_text"]
        row["article"] = row["article_id"][:8]
        row["evidence"] = row["ev_text"]  # the sentence that says so, as the table and CSV name it
        rows.append(row)
    return rows


@app.command()
def events(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 100,
    type_: Annotated[Optional[str], typer.Option("--type", "-t", help="PLOVER type (AGREE ... ASSAULT).")] = None,
    actor: Annotated[Optional[str], typer.Option("--actor", "-a", help="Actor name or phrase (substring).")] = None,
    country: Annotated[Optional[str], typer.Option("--country", "-c", help="ISO3 of the actor or target.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Events dated on or after this day (YYYY-MM-DD).")] = None,
    modality: Annotated[Optional[str], typer.Option(help="asserted, negated, possible, future, ...")] = None,
    article: Annotated[Optional[str], typer.Option(help="Only events of this article (id or id prefix).")] = None,
) -> None:
    """List coded events: who did what to whom, where, when, how surely, with the sentence that says so."""
    if type_ and type_.upper() not in PLOVER_TYPES:
        raise _usage(f"unknown event type {type_!r}; one of {', '.join(PLOVER_TYPES)}")
    if country and not COUNTRY.match(country):
        raise _usage(f"--country takes an ISO3 code such as PAK or AFG, not {country!r}")
    if since and not ISO_DATE.match(since):
        raise _usage(f"--since takes a date as YYYY-MM-DD, not {since!r}")
    if modality and modality not in MODALITIES:
        raise _usage(f"unknown modality {modality!r}; one of {', '.join(MODALITIES)}")
    store = open_store(db, readonly=True)
    try:
        rows = query_events(store.conn, type_=type_, actor=actor, country=country, since=since, modality=modality,
                            article=article, limit=limit)
    finally:
        store.close()
    emit(rows, fmt,
         columns=["day", "type", "mode", "modality", "actor_label", "trigger", "target_label", "place_name",
                  "outlet", "source_kind", "evidence"],
         widths={"trigger": 24, "actor_label": 24, "target_label": 24, "evidence": 60})
