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
    """The claims no independent outlet confirms, exclusive ones first (those of a coded event or happening before
    an exclusive statement that codes none), then contested, then the central claims of single-voice stories: each on a line with its verdict, then the voice and source it rests on, then the sentence
    that states it (laid out for 80 columns)."""
    rows = _rows(conn, """
        SELECT k.verdict, k.label, k.exclusive, c.voice, c.role, coalesce(c.source_kind, 'author') AS source_kind,
               v.source_text, v.ev_text AS sentence, a.outlet
          FROM claims k
          JOIN claim_reports c ON c.rowid = (SELECT c2.rowid FROM claim_reports c2 WHERE c2.claim_id = k.id
                                              ORDER BY c2.role != 'asserts', c2.role != 'opinion', c2.article_id
                                              LIMIT 1)
          LEFT JOIN occurrences v ON v.article_id = c.article_id AND v.id = c.event_id
          LEFT JOIN articles a ON a.id = c.article_id
         WHERE k.verdict IN ('single-source', 'unverified', 'contested') AND (k.exclusive OR k.central)
         ORDER BY k.exclusive DESC, k.type = 'CLAIM', k.verdict = 'contested' DESC, k.reports DESC, k.id LIMIT ?""", CHECK_LIMIT)
    if not rows:
        return
    out.print("[bold]Claims to check[/bold] [dim](exclusive, contested, or resting on one voice)[/dim]")
    colours = {"contested": "red", "unverified": "yellow", "single-source": "yellow"}
    for r in rows:
        colour = colours.get(r["verdict"], "white")
        tag = " [red]\\[exclusive][/red]" if r["exclusive"] else ""
        out.print(f"[{colour}]{r['verdict']}[/{colour}]  {escape(r['label'])}{tag}")
        voice = (f"the author of an opinion piece in {r['outlet'] or '?'}" if (r["voice"] or "").startswith("author:")
                 else r["voice"] or r["outlet"] or "?")
        source = r["source_kind"] + (f": {r['source_text']}" if r["source_text"] else "")
        out.print(f"  [dim]rests on {escape(voice)} ({r['role']}, source {escape(source)})[/dim]")
        sentence = r["sentence"] or ""
        out.print(f"  [italic]{escape(sentence[:157] + '...' if len(sentence) > 160 else sentence)}[/italic]")
    out.print()
