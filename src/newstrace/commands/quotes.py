"""``newstrace quotes``: who says what in a store.

Lists stored quotations with their speakers; ``--speaker`` matches a name, an alias or the words that introduce the
speaker ("she", "a senior official"). Events by the source they rest on are listed by ``newstrace claims
--source KIND`` (``commands/claims.py``).
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from newstrace.cli import DbOpt, FormatOpt, LimitOpt, app, open_store
from newstrace.output import Format, emit

def _like(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere, with LIKE's own wildcards escaped."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def quote_rows(conn: Any, *, speaker: str | None = None, article: str | None = None, direct: bool | None = None,
               limit: int = 50) -> list[dict[str, Any]]:
    """Stored quotes, in ingest and text order, with the speaker's name and the article's outlet and title."""
    where, args = [], []
    if speaker:
        pat = _like(speaker)
        where.append("(e.name LIKE ? ESCAPE '\\' OR e.aliases LIKE ? ESCAPE '\\' OR q.speaker_text LIKE ? ESCAPE '\\')")
        args += [pat, pat, pat]
    if article:
        where.append("(a.id = ? OR a.id LIKE ? OR a.url = ?)")
        args += [article, article + "%", article]
    if direct is not None:
        where.append("q.direct = ?")
        args.append(int(direct))
    sql = (
        "SELECT a.id AS article, a.outlet, a.published, a.title, q.id AS quote, q.speaker, e.name AS speaker_name,"
        " q.speaker_text, q.cue, q.direct, q.start, q.end, q.text"
        " FROM quotes q JOIN articles a ON a.id = q.article_id"
        " LEFT JOIN entities e ON e.article_id = q.article_id AND e.id = q.speaker"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.seq, q.start LIMIT ?"
    )
    rows = []
    for r in conn.execute(sql, [*args, limit]).fetchall():
        d = dict(r)
        d["direct"] = bool(d["direct"])
        d["who"] = d["speaker_name"] or d["speaker_text"] or "(unnamed)"
        rows.append(d)
    return rows


@app.command()
def quotes(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
    speaker: Annotated[Optional[str], typer.Option("--speaker", "-s", help="Speaker name, alias or description.")] = None,
    article: Annotated[Optional[str], typer.Option("--article", "-a", help="Article id, id prefix or URL.")] = None,
    direct: Annotated[Optional[bool], typer.Option("--direct/--reported", help="Only direct or only reported speech.",
                                                   show_default=False)] = None,
) -> None:
    """List quotations with their speakers: who said what, in which article."""
    store = open_store(db, readonly=True)
    rows = quote_rows(store.conn, speaker=speaker, article=article, direct=direct, limit=limit)
    emit(rows, fmt, columns=["article", "outlet", "who", "cue", "direct", "text"], widths={"text": 70, "article": 16})
