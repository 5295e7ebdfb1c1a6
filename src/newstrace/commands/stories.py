"""CLI of the link stage: ``link``, ``stories`` and ``story ID`` (``claims`` lives in ``commands/claims.py``).

``stories`` is a listing command (``--format table|json|csv``, ``--limit``); ``story`` prints the timeline of one
story and its copy graph (or the JSON record with ``--format json``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Annotated, Any, Optional

import typer

from newstrace.link.claims import stored_claims
from newstrace.cli import ISO_DAY, DbOpt, FormatOpt, LimitOpt, app, not_found, open_store
from newstrace.model import VERDICTS
from newstrace.output import Format, emit, err, escape, out

EXIT_USAGE = 2


def _usage(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_USAGE)


def _has_link_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='stories'").fetchone() is not None


def story_record(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """The public story record (DESIGN.md) of one ``stories`` row, with its reports in time order."""
    reports = [
        {"article": r["article_id"], "outlet": r["outlet"], "published": r["published"],
         "copied_from": r["copied_from"], "stance": r["stance"], "source_kinds": json.loads(r["source_kinds"] or "{}")}
        for r in conn.execute("SELECT * FROM story_reports WHERE story_id=? ORDER BY rowid", (row["id"],))
    ]
    return {
        "id": row["id"], "type": row["type"], "actors": [a["name"] for a in json.loads(row["actors"] or "[]")],
        "place": row["place"], "country": row["country"], "first_seen": row["first_seen"],
        "headline": row["headline"], "reports": reports, "independent_outlets": row["independent_outlets"],
        "verdict": row["verdict"],
    }


@app.command()
def link(
    db: DbOpt = "newstrace.db",
    since_seq: Annotated[Optional[int], typer.Option("--since-seq", min=0,
                                                     help="Link only articles stored after this seq.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild all links, stories and verdicts from scratch.")] = False,
) -> None:
    """Link the store across outlets: copied text, stories and corroboration (incremental unless --full)."""
    from newstrace.link import link_store

    store = open_store(db)
    if full:
        since = 0
    elif since_seq is not None:
        since = since_seq
    else:
        # the articles not linked yet: everything after the last linked one (or all, on a store never linked)
        row = store.conn.execute("SELECT max(article_seq) FROM link_articles").fetchone()
        since = row[0] or 0
    summary = link_store(store, since_seq=since)
    store.close()
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")


@app.command()
def stories(
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = 50,
    entity: Annotated[Optional[str], typer.Option("--entity", "-e", help="Only stories with this actor (name or part of it).")] = None,
    verdict: Annotated[Optional[str], typer.Option(
        "--verdict", help=f"Only stories whose central claim has this verdict ({' | '.join(VERDICTS)}).")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="First seen on or after this date (YYYY-MM-DD).")] = None,
) -> None:
    """List stories: events reported across articles, with independent outlets and a verdict."""
    if since and not ISO_DAY.match(since):
        raise _usage(f"--since takes a date as YYYY-MM-DD, not {since!r}")
    if verdict is not None and verdict not in VERDICTS:
        raise _usage(f"--verdict must be one of {', '.join(VERDICTS)}")
    store = open_store(db, readonly=True)
    conn = store.conn
    if not _has_link_tables(conn):
        emit([], fmt)
        return
    where, args = [], []
    if verdict:
        where.append("s.verdict = ?")
        args.append(verdict)
    if since:
        where.append("substr(s.first_seen, 1, 10) >= ?")
        args.append(since[:10])
    if entity:
        where.append("(s.actors LIKE ? OR s.id IN (SELECT m.story_id FROM story_members m JOIN occurrences v"
                     " ON v.article_id=m.article_id AND v.id=m.event_id JOIN entities e ON e.article_id=v.article_id"
                     " AND e.id IN (v.actor, v.target) WHERE e.name LIKE ? OR e.canonical = ?))")
        args += [f"%{entity}%", f"%{entity}%", entity]
    sql = ("SELECT s.* FROM stories s" + (" WHERE " + " AND ".join(where) if where else "") +
           " ORDER BY s.independent_outlets DESC, s.reports DESC, s.first_seen LIMIT ?")
    rows = conn.execute(sql, [*args, limit]).fetchall()
    records = [story_record(conn, r) for r in rows]
    if fmt is not Format.json:
        for rec in records:
            rec["reports"] = len(rec["reports"])
            rec["actors"] = rec["actors"][:3]
    emit(records, fmt, columns=["id", "type", "actors", "place", "first_seen", "reports", "independent_outlets",
                                "verdict"], widths={"actors": 40})


VERDICT_COLOURS = {"corroborated": "green", "single-source": "yellow", "unverified": "yellow", "contested": "red"}
ROLE_WORDS = {"asserts": "asserts it", "denies": "denies it", "second-hand": "reports it on another's word",
              "copy": "repeats another's words", "opinion": "states it in an opinion piece (the author's voice)"}


def _day(value: str | None) -> str:
    """A date as the listings print it: the day, or "?" when unknown."""
    return value[:10] if value else "?"


def _print_claims(claims: list[dict[str, Any]]) -> None:
    """Each claim of a story: its verdict and why, who stands behind it and in what role, why it is one claim."""
    if not claims:
        return
    out.print("\n[bold]claims[/bold] [dim](the story's verdict is its central claim's)[/dim]")
    for c in claims:
        colour = VERDICT_COLOURS.get(c["verdict"], "white")
        tags = "".join(t for t, on in ((" [bold]central[/bold]", c["central"]), (" [red]exclusive[/red]", c["exclusive"]))
                       if on)
        out.print(f"  [{colour}]{c['verdict']}[/{colour}] {escape(c['label'] or '')}{tags}  "
                  f"[dim]({c['independent_outlets']} independent outlet(s))[/dim]")
        out.print(f"    [dim]why: {escape(c['why'] or '')}[/dim]")
        out.print(f"    [dim]one claim: {escape(c['same_claim_because'])}[/dim]")
        for r in c["reports"]:
            copied = f" from {r['copied_from'][:10]}" if r["copied_from"] else ""
            source = escape(f" on {r['source_kind']}" + (f" ({r['source_text']})" if r.get("source_text") else ""))
            out.print(f"    - {escape(r['voice'] or r['outlet'] or '?')} {ROLE_WORDS.get(r['role'], r['role'])}{copied}"
                      f"{source if r['role'] != 'copy' else ''}  [dim]{r['article'][:10]}[/dim]")


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="A story id (or a unique prefix).")],
    db: DbOpt = "newstrace.db",
    fmt: FormatOpt = Format.table,
) -> None:
    """One story: its reports in time order (who copied whom, on whose word) and the copy graph."""
    store = open_store(db, readonly=True)
    conn = store.conn
    if not _has_link_tables(conn):
        raise not_found(f"no story {story_id!r}: this store has not been linked (run `newstrace link`)")
    rows = conn.execute("SELECT * FROM stories WHERE id = ? OR id LIKE ? LIMIT 2", (story_id, story_id + "%")).fetchall()
    if len(rows) != 1:
        raise not_found(f"no story {story_id!r}" if not rows else f"story id {story_id!r} is ambiguous")
    rec = story_record(conn, rows[0])
    ids = [r["article"] for r in rec["reports"]]
    titles = {r[0]: (r[1], r[2]) for r in conn.execute(
        f"SELECT id, title, url FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)} if ids else {}
    evidence: dict[str, list[str]] = {}
    for r in conn.execute("SELECT m.article_id, v.ev_text, v.modality, v.source_kind, v.source_text FROM story_members m"
                          " JOIN occurrences v ON v.article_id=m.article_id AND v.id=m.event_id WHERE m.story_id=?",
                          (rec["id"],)):
        src = f" [{r['source_kind']}{': ' + r['source_text'] if r['source_text'] else ''}]" if r["source_kind"] else ""
        neg = " (negated)" if r["modality"] == "negated" else ""
        evidence.setdefault(r["article_id"], []).append(f"{r['ev_text']}{neg}{src}")
    graph = []
    if ids:
        marks = ",".join("?" * len(ids))
        graph = [dict(r) for r in conn.execute(
            f"SELECT copy_id, origin_id, kind, containment_copy, containment_origin, shared_words, direction_by"
            f" FROM reuse_links WHERE copy_id IN ({marks}) OR origin_id IN ({marks})", ids + ids)]
    for r in rec["reports"]:
        r["title"], r["url"] = titles.get(r["article"], (None, None))
        r["evidence"] = evidence.get(r["article"], [])
    rec["copies"] = graph
    rec["claims"] = stored_claims(conn, rec["id"])
    if fmt is Format.json:
        sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is Format.csv:
        emit(rec["reports"], fmt, columns=["published", "outlet", "article", "copied_from", "stance", "title"])
        return
    out.print(f"[bold]{rec['id']}[/bold]  {rec['type']}  {escape(', '.join(rec['actors'][:4]))}"
              f"{'  @ ' + escape(rec['place']) if rec['place'] else ''}")
    colour = VERDICT_COLOURS.get(rec["verdict"], "white")
    out.print(f"verdict: [{colour}]{rec['verdict']}[/{colour}]  independent outlets: {rec['independent_outlets']}"
              f"  reports: {len(rec['reports'])}  first seen: {_day(rec['first_seen'])}")
    _print_claims(rec["claims"])
    out.print("\n[bold]timeline[/bold]")
    for r in rec["reports"]:
        copied = f"  [dim]copied from {r['copied_from'][:10]}[/dim]" if r["copied_from"] else ""
        stance = "  [red]denies[/red]" if r["stance"] == "denies" else ""
        kinds = ", ".join(f"{k} {n}" for k, n in r["source_kinds"].items())
        out.print(f"  {_day(r['published']):10} {escape(r['outlet'] or '?'):24} {r['article'][:10]}{copied}{stance}"
                  f"  [dim]({kinds})[/dim]")
        if r["title"]:
            out.print(f"      {escape(r['title'])}")
        for ev in r["evidence"][:2]:
            out.print(f"      [italic]{escape(ev[:160])}[/italic]")
    out.print("\n[bold]copy graph[/bold]")
    if not graph:
        out.print("  [dim](no shared passages)[/dim]")
    for g in graph:
        out.print(f"  {g['copy_id'][:10]} -> {g['origin_id'][:10]}  {g['kind']}  "
                  f"{g['containment_copy']:.0%} of the copy, {g['containment_origin']:.0%} of the origin "
                  f"({g['shared_words']} words; by {g['direction_by']})")
