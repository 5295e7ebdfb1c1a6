"""The readable report of one analysed article, for ``newstrace analyze`` and ``newstrace show``.

Each section is a small function over the record; a section with nothing to show prints nothing.
"""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newstrace.model import Analysis, Article, Event


def _entity_names(an: Analysis) -> dict[str, str]:
    return {e.id: e.name for e in an.entities}


def header(console: Console, art: Article) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    for label, value in (("id", art.id), ("url", art.url or art.uri), ("outlet", art.outlet), ("byline", art.byline),
                         ("published", art.published), ("tags", ", ".join(art.tags))):
        if value:
            meta.add_row(label, str(value))
    body_paras = [p for p in art.paragraphs if p[0] >= int(art.meta.get("body_start", 0) or 0)]
    meta.add_row("text", f"{len(art.text):,} chars in {len(body_paras)} paragraphs; {len(art.removed)} lines removed")
    console.print(Panel(meta, title=Text(art.title or "(untitled)", style="bold"), title_align="left"))


def entities(console: Console, an: Analysis) -> None:
    if not an.entities:
        return
    t = Table(title="Actors", title_justify="left", header_style="bold")
    for col in ("id", "name", "type", "country", "sector", "mentions", "aliases"):
        t.add_column(col, overflow="fold")
    for e in sorted(an.entities, key=lambda e: -len(e.mentions)):
        t.add_row(e.id, e.name, e.type, e.country or "", e.sector or "", str(len(e.mentions)), ", ".join(e.aliases))
    console.print(t)


def places(console: Console, an: Analysis) -> None:
    if not an.places:
        return
    t = Table(title="Places", title_justify="left", header_style="bold")
    # the kind tells a gazetteer entry from a site or local place put at the article's town (README, "The record")
    for col in ("name", "kind", "country", "admin1", "lat", "lon", "geonameid", "mentions"):
        t.add_column(col)
    for p in an.places:
        t.add_row(p.name, p.feature or "", p.country or "", p.admin1 or "", f"{p.lat:.2f}" if p.lat is not None else "",
                  f"{p.lon:.2f}" if p.lon is not None else "", str(p.geonameid or ""), str(len(p.mentions)))
    console.print(t)


# the order in which the claims report shows its groups: the outlet's own word first, unnamed sources last
SOURCE_ORDER = {"author": 0, "person": 1, "organization": 2, "document": 3, "outlet": 4, "anonymous": 5}


def _source_label(ev: Event, names: dict[str, str]) -> str:
    src = ev.source
    who = names.get(src.entity or "", None) or src.text or ""
    if src.kind == "author":
        return "the outlet itself (no attribution)"
    if src.kind == "anonymous":
        return f"anonymous sources: {who}" if who else "anonymous sources"
    return f"{src.kind}: {who}".strip(": ")


def claims(console: Console, an: Analysis) -> None:
    """Events grouped by who makes the claim: the outlet, named people, other outlets, anonymous sources.

    Groups come in ``SOURCE_ORDER`` (the outlet's own claims first, so an unsourced exclusive stands out), each
    with the cue that attributes it ("said", "wrote", "according to") and the quote it sits in.
    """
    if not an.events:
        return
    names = _entity_names(an)
    groups: dict[str, list[Event]] = defaultdict(list)
    for ev in an.events:
        groups[_source_label(ev, names)].append(ev)
    ordered = sorted(groups.items(), key=lambda kv: (SOURCE_ORDER.get(kv[1][0].source.kind, 9), kv[0]))
    for label, evs in ordered:
        t = Table(title=f"Claims by {label} ({len(evs)})", title_justify="left", header_style="bold")
        for col in ("type", "mode", "actor", "target", "modality", "cue", "flags", "evidence"):
            t.add_column(col, overflow="fold", max_width=70 if col == "evidence" else None)
        for ev in evs:
            cue = ev.source.cue or ""
            if ev.source.quote:
                cue = f"{cue} ({ev.source.quote})".strip()
            t.add_row(ev.type, ev.mode or "", names.get(ev.actor or "", ev.actor_text or ""),
                      names.get(ev.target or "", ev.target_text or ""), ev.modality, cue, ", ".join(ev.flags),
                      ev.evidence.text)
        console.print(t)


def quotes(console: Console, an: Analysis) -> None:
    if not an.quotes:
        return
    names = _entity_names(an)
    t = Table(title="Quotes", title_justify="left", header_style="bold")
    for col in ("speaker", "cue", "direct", "text"):
        t.add_column(col, overflow="fold", max_width=80 if col == "text" else None)
    for q in an.quotes:
        t.add_row(names.get(q.speaker or "", q.speaker_text or "?"), q.cue or "", "yes" if q.direct else "no", q.text)
    console.print(t)


def flags(console: Console, an: Analysis) -> None:
    if not an.flags:
        return
    t = Table(title="Flags", title_justify="left", header_style="bold")
    t.add_column("kind")
    t.add_column("text", overflow="fold")
    for f in an.flags:
        t.add_row(f.kind, f.text)
    console.print(t)


def sourcing(console: Console, an: Analysis) -> None:
    if an.sourcing and an.sourcing.get("events"):
        s = an.sourcing
        console.print(
            f"[bold]Sourcing[/bold]: {s.get('events', 0)} events — {s.get('by_named', 0)} by named sources, "
            f"{s.get('by_anonymous', 0)} anonymous, {s.get('by_outlet', 0)} by other outlets, "
            f"{s.get('by_author_only', 0)} on the author's word alone"
        )


SECTIONS = (entities, places, claims, quotes, flags, sourcing)


def print_report(console: Console, art: Article, an: Analysis) -> None:
    """Print the article header, then each section that has something to say."""
    header(console, art)
    for section in SECTIONS:
        section(console, an)
