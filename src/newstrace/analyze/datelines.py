"""Datelines: the place (and date, and agency) a story opens with, which is context and never a participant.

A wire story or a regional paper opens its body with where (and when) it was filed: "KABUL -", "KABUL —",
"New Delhi:", "ISLAMABAD, Sept 4 (Reuters) -", "Kabul, Sept 5:", "KANDAHAR, Afghanistan (AP) —". Left to
itself the parser reads the town as the subject of the first sentence ("KABUL - Taliban fighters attacked" gives
"KABUL" or "KABUL - Taliban" as the attacker) and the quote rules read "New Delhi: India and Pakistan agreed"
as New Delhi speaking. This module finds the dateline from the text alone, before the parser runs, so that:

- the paragraph component makes the dateline a sentence of its own (the first sentence's parse starts after it);
- the entity component cuts a name the model ran across the dateline's dash ("KABUL - Taliban" -> "Taliban");
- event roles and quote speakers never take a word of the dateline (``in_dateline``).

The place name stays a place mention: the place component records it and uses it as the story's town.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from newstrace.analyze.names import doc_text

# how far into the body a dateline may sit: the first lines (a byline or a photo credit may come first)
DATELINE_LINES = 3

_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?")
# the place: one to four capitalised words ("KABUL", "New Delhi", "ST. LOUIS", "DERA ISMAIL KHAN")
_PLACE = r"(?P<place>[A-Z][\w.'\u2019]*(?:[ -][A-Z][\w.'\u2019]*){0,3})"
# then optionally a region or country (", Afghanistan", ", N.M."), a date (", Sept 4", "Sept 5, 2026"), an agency
# in brackets ("(Reuters)", "(AP)"), and the dash or colon that ends the dateline
_REGION = r"(?:,\s*(?!" + _MONTH + r"\s+\d)(?P<region>[A-Z][\w.]*(?: [A-Z][\w.]*){0,2}))?"
_DATE = r"(?:,?\s*(?P<date>" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?))?"
_AGENCY = r"(?:\s*\((?P<agency>[^)\n]{1,40})\))?"
_SEP = r"\s*(?P<sep>[\u2014\u2013]|-{1,2}|:)[ \t]+(?=\S)"
DATELINE = re.compile(_PLACE + _REGION + _DATE + _AGENCY + _SEP)


@dataclass(frozen=True)
class Dateline:
    """Where a dateline lies in the text: the whole of it, up to and with its dash or colon, and its place."""

    start: int
    end: int  # just after the separator and its spaces: where the story's first sentence begins
    place_start: int
    place_end: int

    def covers(self, start: int, end: int | None = None) -> bool:
        """Whether a character (or a span, wholly) lies inside the dateline."""
        return self.start <= start < self.end and (end is None or end <= self.end)


def _line_starts(text: str, body_start: int) -> list[int]:
    """Where the first ``DATELINE_LINES`` non-empty lines from ``body_start`` begin."""
    starts: list[int] = []
    pos = text.rfind("\n", 0, body_start) + 1
    while len(starts) < DATELINE_LINES and pos < len(text):
        nxt = text.find("\n", pos)
        line_end = len(text) if nxt < 0 else nxt
        if text[pos:line_end].strip():
            starts.append(pos + len(text[pos:line_end]) - len(text[pos:line_end].lstrip()))
        if nxt < 0:
            break
        pos = nxt + 1
    return starts


def _known_place(name: str) -> bool:
    """Whether the gazetteer's first entry for the name is a country, a region, a capital or a big town: a
    dateline without the capitals-and-dash form must name one ("JEWELL:" opening a column is a person, though a
    small town bears the name)."""
    from newstrace.analyze.gazetteer import MIN_WITHIN_TOWN, get_gazetteer

    cands = get_gazetteer().lookup(name)
    return bool(cands) and (cands[0].feature in ("country", "region", "capital")
                            or cands[0].population >= MIN_WITHIN_TOWN)


def find_dateline(text: str, body_start: int = 0) -> Dateline | None:
    """The dateline opening one of the body's first lines, or None.

    The rule a newsroom follows: the place is in capitals before a dash ("KABUL -"); any other form (title case,
    "New Delhi:"; a colon, "PESHAWAR:") is taken only when the gazetteer knows the place, since "JEWELL:" opening
    a column is a person and "Update:" is a label. The first sentence must follow on the same line.
    """
    for start in _line_starts(text, body_start):
        m = DATELINE.match(text, start)
        if m is None:
            continue
        place = m.group("place").rstrip(" .-")
        caps = place.upper() == place and any(ch.isalpha() for ch in place)
        if not (caps and m.group("sep") != ":") and not _known_place(place):
            continue
        return Dateline(start, m.end(), start, start + len(place))
    return None


def _meta(doc: Doc) -> dict[str, Any]:
    meta = doc._.nt_meta
    if meta is None:
        meta = doc._.nt_meta = {}
    return meta


def doc_dateline(doc: Doc) -> Dateline | None:
    """The Doc's dateline, found once and kept in ``doc._.nt_meta["dateline"]``."""
    meta = _meta(doc) if Doc.has_extension("nt_meta") else {}
    if "dateline" not in meta:
        meta["dateline"] = find_dateline(doc_text(doc), int(meta.get("body_start") or 0))
    return meta["dateline"]


def in_dateline(doc: Doc, start: int, end: int | None = None) -> bool:
    """Whether a character (or a whole span) of the Doc belongs to its dateline: such words are no actor."""
    found = doc_dateline(doc)
    return found is not None and found.covers(start, end)
