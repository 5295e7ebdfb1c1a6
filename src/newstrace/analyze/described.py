"""Sources introduced by description and named in a following sentence.

News writing often introduces a source by what they are and names them a sentence later:

    At least 30 people were killed ..., a senior doctor at the city's main hospital told the Lagos Daily Courier.
    Dr Hauwa Bukar, who heads the emergency unit at the University of Maiduguri Teaching Hospital, said 30 bodies ...

The description is then no anonymous source but that named person. ``name_described_sources`` binds such a
description to the named speaker of one of the next sentences, and only on evidence that both are one person
(``data/quotes/described.yaml``): two of three signs must agree, namely the same role (the description's head noun
is the named speaker's role or title: "doctor" and "Dr"), the same institution (a word of the description recurs
in the named speaker's phrase: "hospital"), and the same statement (the named speaker repeats a figure of the
description's: "30"). A description that withholds the name ("speaking on condition of anonymity"), is plural, or
is unnamed by choice ("a source at the hospital") stays anonymous.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span

from newstrace.analyze.lexicons import lexicon, words
from newstrace.analyze.speakers import anonymity_phrases
from newstrace.model import Quote

MAX_SENTENCES_AFTER = 2  # the name comes in one of the next two sentences, or it is another person
MIN_SIGNS = 2
_FIGURE = re.compile(r"\d[\d,.]*")


def _title_roles() -> dict[str, str]:
    table = lexicon("quotes/described").get("title_roles") or {}
    return {str(k).casefold(): str(v).casefold() for k, v in table.items()}


def _span(doc: Doc, bounds: list[int] | None) -> Span | None:
    if not bounds:
        return None
    return doc.char_span(bounds[0], bounds[1], alignment_mode="expand")


def _description(doc: Doc, q: Quote) -> tuple[str, set[str]] | None:
    """The role noun and the institution words of an anonymous quote's speaker, when it is a description that may
    be named later: one person ("a senior doctor"), no name withheld in its sentence, not unnamed by choice."""
    if q.kind != "anonymous" or q.speaker is not None:
        return None
    phrase = _span(doc, q.speaker_span)
    if phrase is None or not len(phrase):
        return None
    head = phrase.root
    if head.pos_ != "NOUN" or head.tag_ != "NN" or head.lemma_.casefold() in words("quotes/described", "never_named"):
        return None
    sentence = " " + " ".join(t.lower_ for t in head.sent) + " "
    if any(" " + p + " " in sentence for p in anonymity_phrases()):
        return None  # "a doctor, speaking on condition of anonymity": the name is withheld on purpose
    generic = words("quotes/described", "generic")
    institution = {t.lemma_.casefold() for t in phrase if t.i != head.i and t.pos_ in {"NOUN", "PROPN"}
                   and t.lemma_.casefold() not in generic}
    return head.lemma_.casefold(), institution


def _named_words(doc: Doc, q: Quote) -> tuple[set[str], set[str]]:
    """The role words (titles read as roles: "Dr" is a doctor) and all content words of a named speaker's phrase."""
    phrase = _span(doc, q.speaker_span)
    if phrase is None:
        return set(), set()
    titles = _title_roles()
    roles, content = set(), set()
    for t in phrase:
        low = t.lower_.rstrip(".")
        if low in titles:
            roles.add(titles[low])
        if t.pos_ in {"NOUN", "PROPN"}:
            content.add(t.lemma_.casefold())
            content.add(low)
            if t.pos_ == "NOUN":
                roles.add(t.lemma_.casefold())
    return roles, content


def _figures(text: str) -> set[str]:
    return {m.group().rstrip(".,").replace(",", "") for m in _FIGURE.finditer(text)}


def _signs(role: str, institution: set[str], described: Quote, named: Quote, doc: Doc) -> int:
    """How many of the three signs (same role, same institution, same figure) say two speakers are one person."""
    roles, content = _named_words(doc, named)
    same_figure = bool(_figures(described.text) & _figures(named.text))
    return (role in roles) + bool(institution & content) + same_figure


def name_described_sources(doc: Doc, quotes: list[Quote]) -> None:
    """Bind each anonymous description to the named person who speaks in one of the next sentences, where the
    evidence says they are one (module docstring). The quote keeps its speaker text ("a senior doctor ...") and
    takes the person's entity and the kind ``person``."""
    starts = [s.start_char for s in doc.sents]

    def sentence_of(char: int) -> int:
        return bisect.bisect_right(starts, char) - 1

    for i, q in enumerate(quotes):
        desc = _description(doc, q)
        if desc is None or not q.speaker_span:
            continue
        role, institution = desc
        here = sentence_of(q.speaker_span[0])
        for later in quotes[i + 1:]:
            if not later.speaker_span or later.kind != "person" or later.speaker is None:
                continue
            gap = sentence_of(later.speaker_span[0]) - here
            if 1 <= gap <= MAX_SENTENCES_AFTER and _signs(role, institution, q, later, doc) >= MIN_SIGNS:
                q.speaker, q.kind = later.speaker, "person"
                break
