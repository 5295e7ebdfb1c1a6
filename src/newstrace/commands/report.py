"""``newstrace report``: the overview a user reads after an ingest (``make demo`` ends with it).

It leads with the claims an analyst must check (once the link stage has run): exclusive claims, contested ones and
the central claims of stories that rest on one voice, each with the source it rests on and its sentence. Then what
the store holds: the articles, the most-reported actors, the events by type and by who asserts them, and the
stories with their independent-outlet counts and verdicts.
"""

from __future__ import annotations

import sqlite3

from rich.panel import Panel
from rich.text import Text

from newstrace.cli import DbOpt, app, open_store
from newstrace.output import Format, emit, escape, out


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone() is not None


def _rows(conn: sqlite3.Connection, sql: str, *args: object) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, args)]


@app.command()
def report(db: DbOpt = "newstrace.db") -> None:
    """An overview of the store: articles, actors, events by source, stories and their verdicts."""
    store = open_store(db, readonly=True)
    conn = store.conn
    counts = store.counts()
    out.print(Panel(
        f"{counts['articles']} articles from {counts['documents']} documents ({counts['failed']} failed); "
        f"{counts['entities']} actor mentions grouped, {counts['places']} places, {counts['events']} events, "
        f"{counts['quotes']} quotes, {counts['flags']} flags",
        title=Text(f"newstrace store {db}"), title_align="left"))
    if _has_table(conn, "claims"):
        _claims_to_check(conn)
    emit(_rows(conn, "SELECT substr(id,1,8) AS id, substr(published,1,10) AS published, outlet, title,"
                     " (SELECT count(*) FROM events v WHERE v.article_id=a.id) AS events FROM articles a"
                     " ORDER BY published, seq"),
         Format.table, columns=["id", "published", "outlet", "title", "events"], title="Articles",
         widths={"title": 60})
    emit(_rows(conn, "SELECT name, type, country, sector, count(DISTINCT article_id) AS articles FROM entities"
                     " WHERE type IN ('PERSON','ORG','NORP','GPE') GROUP BY lower(name), type"
                     " ORDER BY articles DESC, name LIMIT 12"),
         Format.table, columns=["name", "type", "country", "sector", "articles"], title="Most reported actors")
    if counts["events"]:
        emit(_rows(conn, "SELECT type, count(*) AS events,"
                         " sum(source_kind='author') AS on_outlets_word, sum(source_kind IN ('person','organization',"
                         "'document')) AS named_source, sum(source_kind='anonymous') AS anonymous,"
                         " sum(source_kind='outlet') AS other_outlet FROM events GROUP BY type ORDER BY events DESC"),
             Format.table, title="Events by type and by who asserts them",
             columns=["type", "events", "on_outlets_word", "named_source", "anonymous", "other_outlet"])
    if _has_table(conn, "stories"):
        _stories(conn)
    if counts["failed"]:
        out.print(f"[red]{counts['failed']} documents failed[/red]: see `newstrace errors --db {escape(db)}`")
    out.print(f"\nBrowse it: [bold]newstrace serve --db {escape(db)}[/bold] then open http://127.0.0.1:8000/")


def _stories(conn: sqlite3.Connection) -> None:
    cols = {r[1] for r in conn.execute("PRAGMA table_info(stories)")}
    wanted = [c for c in ("id", "type", "label", "first_seen", "reports", "independent_outlets", "verdict")
              if c in cols]
    if not wanted:
        return
    order = "independent_outlets DESC" if "independent_outlets" in cols else "rowid"
    rows = _rows(conn, f"SELECT {', '.join(wanted)} FROM stories ORDER BY {order} LIMIT 20")
    emit(rows, Format.table, columns=wanted, title="Stories (copies count once)")


CHECK_LIMIT = 10


def _claims_to_check(conn: sqlite3.Connection) -> None:
    """The claims no independent outlet confirms, exclusive ones first, then contested, then the central claims of
    single-voice stories: each with the voice and source it rests on, and the sentence that states it."""
    rows = _rows(conn, """
        SELECT k.id, k.verdict, k.label, k.exclusive, k.central, k.independent_outlets,
               (SELECT c.voice || ' (' || c.role || ', on ' || coalesce(c.source_kind, 'author')
                       || coalesce(': ' || v.source_text, '') || ')'
                  FROM claim_reports c LEFT JOIN events v ON v.article_id=c.article_id AND v.id=c.event_id
                 WHERE c.claim_id=k.id ORDER BY c.role != 'asserts', c.role != 'opinion', c.article_id LIMIT 1)
                 AS source,
               (SELECT v.ev_text FROM claim_reports c JOIN events v ON v.article_id=c.article_id AND v.id=c.event_id
                 WHERE c.claim_id=k.id ORDER BY c.role != 'asserts', c.role != 'opinion', c.article_id LIMIT 1)
                 AS sentence
          FROM claims k
         WHERE k.verdict IN ('single-source', 'unverified', 'contested') AND (k.exclusive OR k.central)
         ORDER BY k.exclusive DESC, k.verdict = 'contested' DESC, k.reports DESC, k.id LIMIT ?""", CHECK_LIMIT)
    for r in rows:
        r["claim"] = r["label"] + (" [exclusive]" if r["exclusive"] else "")
        r["sentence"] = (r["sentence"] or "")[:160]
    emit(rows, Format.table, columns=["verdict", "claim", "source", "sentence"],
         title="Claims to check: exclusive, contested, or resting on one voice",
         widths={"claim": 28, "source": 22, "sentence": 40})
