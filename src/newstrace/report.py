"""The readable report of one analysed article, for ``newstrace analyze`` and ``newstrace show``.

Each section is a small function over the record; a section with nothing to show prints nothing. The report is
laid out for 80 columns (the width of a pipe): tables hold only short cells, and the long texts (a claim's
evidence sentence, a quote) go on their own indented lines below the line that says who and what, so they wrap
as prose instead of being squeezed into a column one word per line. The JSON record (``--json``) has every field.
Dates read one way throughout: ``2026-09-06``, or ``2026-09-06 11:20 +04:30`` when the time is known.
"""

from __future__ import annotations

from collections import defaultdict

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newstrace.model import Analysis, Article, Event, Quote
from newstrace.output import print_indented, show_date

INDENT = 4  # the indent of a claim's evidence and a quote's text under their line


def _entity_names(an: Analysis) -> dict[str, str]:
    return {e.id: e.name for e in an.entities}


def _table(title: str) -> Table:
    """A report table: title on the left, bold header, light borders (fewer columns of chrome than the default)."""
    return Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                 collapse_padding=True)


def _row(table: Table, *cells: str) -> None:
    """Add a row of plain text: what an article says is never read as rich markup ("[to Afghanistan]")."""
    table.add_row(*(Text(cell) for cell in cells))


def header(console: Console, art: Article) -> None:
    """The article's panel: id, where it came from, outlet, byline, date, tags, and how much text there is."""
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold", no_wrap=True)
    meta.add_column(overflow="fold")
    for label, value in (("id", art.id), ("url", art.url or art.uri), ("outlet", art.outlet), ("byline", art.byline),
                         ("published", show_date(art.published)), ("tags", ", ".join(art.tags))):
        if value:
            meta.add_row(label, Text(str(value)))
    body_paras = [p for p in art.paragraphs if p[0] >= int(art.meta.get("body_start", 0) or 0)]
    meta.add_row("text", f"{len(art.text):,} chars in {len(body_paras)} paragraphs; {len(art.removed)} lines removed")
    console.print(Panel(meta, title=Text(art.title or "(untitled)", style="bold"), title_align="left"))


def entities(console: Console, an: Analysis) -> None:
    """The actors, most mentioned first; a name wraps within its column, aliases take the rest of the width."""
    if not an.entities:
        return
    t = _table("Actors")
    t.add_column("name", max_width=24, overflow="fold")
    for col in ("type", "country", "sector"):
        t.add_column(col, no_wrap=True)
    t.add_column("mentions", justify="right", no_wrap=True)
    t.add_column("aliases", overflow="fold")
    for e in sorted(an.entities, key=lambda e: -len(e.mentions)):
        _row(t, e.name, e.type, e.country or "", e.sector or "", str(len(e.mentions)), ", ".join(e.aliases))
    console.print()
    console.print(t)


def _point(lat: float | None, lon: float | None) -> str:
    return f"{lat:.2f}, {lon:.2f}" if lat is not None and lon is not None else ""


def places(console: Console, an: Analysis) -> None:
    """The places with their kind and point (the kind tells a gazetteer entry from a site or local place put at
    the article's town, README "The record")."""
    if not an.places:
        return
    t = _table("Places")
    t.add_column("name", max_width=24, overflow="fold")
    for col in ("kind", "country", "admin1", "lat, lon", "geonameid"):
        t.add_column(col, no_wrap=True)
    t.add_column("mentions", justify="right", no_wrap=True)
    for p in an.places:
        _row(t, p.name, p.feature or "", p.country or "", p.admin1 or "", _point(p.lat, p.lon),
             str(p.geonameid or ""), str(len(p.mentions)))
    console.print()
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


def claim_line(ev: Event, names: dict[str, str]) -> Text:
    """The first line of a claim: type and mode, actor -> target, date, modality, the attributing cue, flags."""
    line = Text()
    line.append(ev.type, style="bold")
    if ev.mode:
        line.append(f"/{ev.mode}")
    actor = names.get(ev.actor or "", ev.actor_text or "")
    target = names.get(ev.target or "", ev.target_text or "")
    if actor or target:
        line.append(f"  {actor or '?'}")
        if target:
            line.append(f" -> {target}")
    if ev.date:
        line.append(f"  {show_date(ev.date)}")
    line.append(f"  {ev.modality}", style="red" if ev.modality == "negated" else "")
    cue = ev.source.cue or ""
    if ev.source.quote:
        cue = f"{cue} ({ev.source.quote})".strip()
    if cue:
        line.append(f"  cue: {cue}", style="dim")
    if ev.flags:
        line.append(f"  [{', '.join(ev.flags)}]", style="yellow")
    return line


def claims(console: Console, an: Analysis) -> None:
    """Events and happenings grouped by who makes the claim: the outlet, named people, other outlets, anonymous
    sources.

    Groups come in ``SOURCE_ORDER`` (the outlet's own claims first, so an unsourced exclusive stands out). Each
    claim is one line (``claim_line``) and its evidence sentence, indented below it.
    """
    items = [*an.events, *an.happenings]  # a flood or a rate rise is a claim as much as a meeting
    if not items:
        return
    names = _entity_names(an)
    groups: dict[str, list[Event]] = defaultdict(list)
    for ev in sorted(items, key=lambda e: (e.evidence.start, e.id)):
        groups[_source_label(ev, names)].append(ev)
    ordered = sorted(groups.items(), key=lambda kv: (SOURCE_ORDER.get(kv[1][0].source.kind, 9), kv[0]))
    for label, evs in ordered:
        console.print(Text(f"\nClaims by {label} ({len(evs)})", style="bold"))
        for ev in evs:
            print_indented(console, claim_line(ev, names), 2)
            print_indented(console, ev.evidence.text, INDENT, style="italic")


def quote_line(q: Quote, names: dict[str, str]) -> Text:
    """The first line of a quote: the speaker, the cue, direct or reported speech."""
    line = Text()
    line.append(names.get(q.speaker or "", q.speaker_text or "?"), style="bold")
    if q.cue:
        line.append(f"  {q.cue}", style="dim")
    line.append("  direct" if q.direct else "  reported")
    return line


def quotes(console: Console, an: Analysis) -> None:
    """Each quote as who said it (``quote_line``), then its text indented below."""
    if not an.quotes:
        return
    names = _entity_names(an)
    console.print(Text(f"\nQuotes ({len(an.quotes)})", style="bold"))
    for q in an.quotes:
        print_indented(console, quote_line(q, names), 2)
        print_indented(console, q.text, INDENT)


def flags(console: Console, an: Analysis) -> None:
    """The flagged spans: kind, then the words flagged (the kind column is short, the text wraps as prose)."""
    if not an.flags:
        return
    t = _table("Flags")
    t.add_column("kind", no_wrap=True)
    t.add_column("text", overflow="fold")
    for f in an.flags:
        _row(t, f.kind, f.text)
    console.print()
    console.print(t)


def sourcing(console: Console, an: Analysis) -> None:
    """One line: how many events rest on named, anonymous, other outlets' and the author's word."""
    if an.sourcing and an.sourcing.get("events"):
        s = an.sourcing
        console.print(
            f"\n[bold]Sourcing[/bold]: {s.get('events', 0)} events — {s.get('by_named', 0)} by named sources, "
            f"{s.get('by_anonymous', 0)} anonymous, {s.get('by_outlet', 0)} by other outlets, "
            f"{s.get('by_author_only', 0)} on the author's word alone"
        )


SECTIONS = (entities, places, claims, quotes, flags, sourcing)


def print_report(console: Console, art: Article, an: Analysis) -> None:
    """Print the article header, then each section that has something to say."""
    header(console, art)
    for section in SECTIONS:
        section(console, an)
