"""Long documents in pieces: split a text at paragraph breaks into parts a spaCy pipeline can hold, and put the
analyses of the parts back together as one analysis whose offsets point into the whole text.

spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters by default, error E088) because its
parser and entity recogniser need memory in proportion to the text; newstrace accepts documents of up to
``NEWSTRACE_MAX_BYTES`` (20 MiB). A long text is therefore analysed as consecutive pieces of at most
``PIECE_CHARS`` characters, cut where a reader would pause: a blank line (paragraph break), else a line break,
else a sentence end, else a space. Every piece is a Doc of its own; ``merge`` shifts each record's offsets by
the piece's start and renumbers ids, so an entity or place named in several pieces is one record with all its
mentions, and every event, quote and source keeps pointing at the right entity, place and quote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from newstrace.model import Analysis, DateMention, Entity, Flag, Place
from newstrace.reasons import ReasonError, describe

# a text longer than this is analysed in pieces of at most this many characters; news articles are far shorter
# (a long feature is 30-60,000 characters), so ordinary documents are analysed whole, exactly as before
PIECE_CHARS = 100_000

# where a piece may end, best first: after a paragraph break, a line break, a sentence end, a space
_BREAKS = ("\n\n", "\n", ". ", " ")


class PieceError(ReasonError):
    """The analysis of one piece of a long document failed; the message, a stored reason, says which and why."""


def piece_limit(max_length: int, piece_chars: int = PIECE_CHARS) -> int:
    """The longest piece to analyse: ``piece_chars``, and always below the pipeline's own ``max_length``."""
    return max(1, min(piece_chars, max_length - 1))


def split_points(text: str, limit: int) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of consecutive pieces covering ``text``, each at most ``limit`` characters.

    A text within the limit is one piece. Otherwise each piece ends just after the last paragraph break that
    fits (else line break, else sentence end, else space); a run of ``limit`` characters with no break at all is
    cut at the limit. Only the second half of the window is searched, so no piece is needlessly short.
    """
    if len(text) <= limit:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        end = window_end
        for brk in _BREAKS:
            at = text.rfind(brk, start + limit // 2, window_end - len(brk) + 1)
            if at != -1:
                end = at + len(brk)
                break
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _shift(span: Sequence[int] | None, offset: int) -> list[int] | None:
    return None if span is None else [span[0] + offset, span[1] + offset]


def _entity_key(e: Entity) -> tuple[str, str]:
    return (e.name, e.type)


def _place_key(p: Place) -> tuple[Any, ...]:
    return (p.name, p.country, p.admin1, p.geonameid, p.feature)


def merge(parts: Sequence[tuple[int, Analysis]]) -> Analysis:
    """One analysis from the analyses of a text's pieces, each given with the offset where its piece starts.

    Offsets (entity and place mentions, dates, event evidence and triggers, quotes with their speaker and cue
    spans, flags) move by the piece's start. An entity of the same name and type, or a place of the same name and
    gazetteer entry, found in several pieces becomes one record holding every mention; ids are renumbered in
    order of first appearance (e1, p1, v1, q1, as within one Doc) and every reference to them follows. Places
    that are no records of the list (the outlet's town, "in <place>" places) keep their ids.
    """
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    entities: dict[tuple[str, str], Entity] = {}
    places: dict[tuple[Any, ...], Place] = {}
    out = Analysis()
    for offset, an in parts:
        ent_ids: dict[str, str] = {}
        for e in an.entities:
            mentions = [_shift(m, offset) for m in e.mentions]
            known = entities.get(_entity_key(e))
            if known is None:
                known = dataclasses.replace(e, id=f"e{len(entities) + 1}", aliases=list(e.aliases), mentions=[])
                entities[_entity_key(e)] = known
            known.mentions.extend(m for m in mentions if m is not None)
            known.aliases.extend(a for a in e.aliases if a not in known.aliases)
            known.country = known.country or e.country
            known.sector = known.sector or e.sector
            known.title = known.title or e.title
            ent_ids[e.id] = known.id
        place_ids: dict[str, str] = {}
        for p in an.places:
            known_p = places.get(_place_key(p))
            if known_p is None:
                known_p = dataclasses.replace(p, id=f"p{len(places) + 1}", mentions=[])
                places[_place_key(p)] = known_p
            known_p.mentions.extend(m for m in (_shift(m, offset) for m in p.mentions) if m is not None)
            place_ids[p.id] = known_p.id
        quote_ids: dict[str, str] = {}
        for q in an.quotes:
            new_id = f"q{len(out.quotes) + 1}"
            quote_ids[q.id] = new_id
            out.quotes.append(dataclasses.replace(
                q, id=new_id, start=q.start + offset, end=q.end + offset,
                speaker=ent_ids.get(q.speaker, q.speaker) if q.speaker else None,
                speaker_span=_shift(q.speaker_span, offset), cue_span=_shift(q.cue_span, offset)))
        for evs, into, prefix in ((an.events, out.events, "v"), (an.happenings, out.happenings, "h")):
            for ev in evs:
                evidence = dataclasses.replace(ev.evidence, start=ev.evidence.start + offset,
                                               end=ev.evidence.end + offset,
                                               trigger=_shift(ev.evidence.trigger, offset))
                source = dataclasses.replace(
                    ev.source, entity=ent_ids.get(ev.source.entity, ev.source.entity) if ev.source.entity else None,
                    quote=quote_ids.get(ev.source.quote, ev.source.quote) if ev.source.quote else None)
                into.append(dataclasses.replace(
                    ev, id=f"{prefix}{len(into) + 1}", evidence=evidence, source=source, flags=list(ev.flags),
                    actor=ent_ids.get(ev.actor, ev.actor) if ev.actor else None,
                    target=ent_ids.get(ev.target, ev.target) if ev.target else None,
                    place=place_ids.get(ev.place, ev.place) if ev.place else None))
        out.dates.extend(DateMention(d.text, d.start + offset, d.end + offset, d.value, d.granularity)
                         for d in an.dates)
        out.flags.extend(Flag(f.kind, f.start + offset, f.end + offset, f.text) for f in an.flags)
    out.entities = list(entities.values())
    out.places = list(places.values())
    return out

