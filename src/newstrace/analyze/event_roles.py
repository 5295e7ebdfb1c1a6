"""Who did what to whom: the actor and target phrases of an event, found in the dependency parse and bound to
the article's entities, places and dates by character offset.

Binding uses the entity component's ``entity_at(doc, start, end)`` when it provides one (it also knows role
descriptions such as "the ISI chief"); otherwise it falls back to the entity mentions in ``doc._.nt_entities``.
Places and dates are bound the same way (``place_at`` or ``doc._.nt_places``; ``doc._.nt_dates``).
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from newstrace.analyze.actors import ActorDictionary, get_dictionary
from newstrace.analyze.datelines import doc_dateline
from newstrace.analyze.names import doc_text

# the order in which a phrase's named modifiers stand for it: the person or organisation before the country
TYPE_RANK = {"PERSON": 0, "ORG": 1, "NORP": 2, "GPE": 3, "LOC": 4, "FAC": 5}
SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
PASSIVE_SUBJECT_DEPS = {"nsubjpass", "csubjpass"}
MODIFIER_DEPS = {"compound", "amod", "poss", "nmod", "npadvmod", "nummod", "appos"}
PRONOUNS = {"he", "she", "they", "it", "we", "him", "her", "them", "who", "which", "that", "whom", "i", "you",
            "his", "their", "its", "our"}
RELATIVE = {"who", "which", "that", "whom", "whose"}
MAX_CONJUNCTS = 6
# prepositions inside a noun phrase that name who the phrase belongs to, in order of trust
PHRASE_PREPS = ("of", "by", "from")
# and, for the country a phrase is about, where it is and whom it is for or against ("opposition groups in
# Zimbabwe", "further action against Russia")
COUNTRY_PREPS = (*PHRASE_PREPS, "in", "for", "against", "on", "with", "to", "between", "among")
COUNTRY_DEPTH = 3  # noun levels looked into for a party's country (a preposition adds none)
# "anti-Syria", "pro-Western": the word after the prefix says what a phrase is for or against, not whose it is
STANCE = re.compile(r"\b(?:anti|pro)\s?[-\u2010]\s?(?=\w)", re.IGNORECASE)
ETHNIC = re.compile(r"\bethnic\b", re.IGNORECASE)


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name, None)
    except Exception:  # noqa: BLE001 - a sibling component under construction must not break events
        return None


@dataclass
class Party:
    """One side of an event: the head token of its phrase, the phrase as written, and its entity id."""

    token: Token
    text: str
    entity: str | None
    country: str | None = None
    ethnic: bool = False  # "ethnic Albanians": a people, whose country is where they are


class Binder:
    """Maps token spans of one Doc to entity, place and date records (built once per Doc)."""

    def __init__(self, doc: Doc, text: str | None = None, dictionary: ActorDictionary | None = None) -> None:
        self.doc = doc
        self._entity_at = _optional("newstrace.analyze.entities", "entity_at")
        self._place_at = _optional("newstrace.analyze.places", "place_at")
        self.token_entity: list[str | None] = [None] * len(doc)
        self._entity_cache: dict[int, str | None] = {}
        self.entity_type: dict[str, str] = {}
        self._entities: dict[str, Any] = {}
        self._country: dict[str, str | None] = {}
        self._sector: dict[str, str | None] = {}
        self.d = dictionary or get_dictionary()
        dateline = doc_dateline(doc)
        for ent in doc._.nt_entities or []:
            self.entity_type[ent.id] = getattr(ent, "type", "") or ""
            self._entities[ent.id] = ent
            for start, end in getattr(ent, "mentions", []) or []:
                if dateline is not None and dateline.covers(start):
                    continue  # the dateline's town or agency is where and by whom it was filed, never a party
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for tok in span:
                    if self.token_entity[tok.i] is None:
                        self.token_entity[tok.i] = ent.id
        self.places: list[tuple[int, int, str]] = sorted(
            (s, e, p.id) for p in (doc._.nt_places or []) for s, e in (getattr(p, "mentions", []) or [])
        )
        self._place_starts = [p[0] for p in self.places]
        self.dates = sorted(
            ((d.start, d.end, d.value) for d in (doc._.nt_dates or []) if getattr(d, "start", None) is not None),
            key=lambda x: x[0],
        )
        # the few words that change whose a phrase is, found once in the text rather than at every token
        text = doc_text(doc) if text is None else text
        self.stance_tokens = {t[0].i for m in STANCE.finditer(text)
                              if (t := doc.char_span(m.end(), m.end() + 1, alignment_mode="expand"))}
        self.ethnic_heads = {t[0].head.i for m in ETHNIC.finditer(text)
                             if (t := doc.char_span(m.start(), m.end(), alignment_mode="expand"))}

    def entity_country(self, eid: str | None) -> str | None:
        """An entity's country: the entity layer's, else one read from its name and aliases ("Putin", "Bosnian
        Serbs", "Sri Lanka" tagged as a person); worked out when first asked."""
        if eid is None or eid not in self._entities:
            return None
        if eid not in self._country:
            ent = self._entities[eid]
            iso = getattr(ent, "country", None)
            for name in [] if iso else [getattr(ent, "name", ""), *(getattr(ent, "aliases", None) or [])]:
                if name and (iso := self.d.country_in_name(name, self.entity_type[eid])):
                    break
            if not iso and self.entity_type[eid] in ("GPE", "LOC", "FAC"):
                iso = self._gazetteer_country(getattr(ent, "name", "") or "")
            self._country[eid] = iso
        return self._country[eid]

    @staticmethod
    def _gazetteer_country(name: str) -> str | None:
        """The country of a place the entity layer left without one, when every reading of its name that has
        a country agrees ("West Bank"; not "Gaza", a Palestinian city and a Mozambican province)."""
        get = _optional("newstrace.analyze.gazetteer", "get_gazetteer")
        try:
            countries = {c.country for c in get().lookup(name) if c.country} if get and name else set()
        except Exception:  # noqa: BLE001 - a sibling component under construction must not break events
            return None
        return countries.pop() if len(countries) == 1 else None

    def entity_sector(self, eid: str | None) -> str | None:
        """An entity's sector: the entity layer's, else that of the dictionary actor it names (a listed head of
        state the entity layer did not bind)."""
        if eid is None or eid not in self._entities:
            return None
        if eid not in self._sector:
            ent = self._entities[eid]
            sector = getattr(ent, "sector", None)
            if not sector and (actor := self.d.actor(getattr(ent, "name", "") or "")) is not None:
                sector = actor.sector
            self._sector[eid] = sector
        return self._sector[eid]

    def stance(self, tok: Token) -> bool:
        """Whether a modifier names what its noun is for or against, not whose it is ("anti-Syria")."""
        return tok.i in self.stance_tokens

    def ethnic(self, head: Token) -> bool:
        """Whether a phrase names a people ("ethnic Albanians"), whose country is where they are."""
        return head.i in self.ethnic_heads

    # -- entities --------------------------------------------------------------------------------------------
    def entity_of_span(self, start: int, end: int) -> str | None:
        """The entity for the character span, by the entity component's lookup when it has one."""
        if self._entity_at is not None:
            try:
                found = self._entity_at(self.doc, start, end)
            except Exception:  # noqa: BLE001
                found = None
            if found is not None:
                return getattr(found, "id", found)
        return None

    def _core(self, head: Token) -> Span:
        """The head with its pre-modifiers ("the ISI chief", "Pakistan's spy chief"), not its clauses."""
        left = head
        for c in head.lefts:
            if c.dep_ in ("det", "compound", "amod", "poss", "nmod", "nummod", "case"):
                left = min(left, c.left_edge, key=lambda t: t.i)
        right = head
        for c in head.rights:
            if c.dep_ in ("compound", "flat") or (c.dep_ == "case"):
                right = max(right, c, key=lambda t: t.i)
        return self.doc[left.i : right.i + 1]

    def entity_of(self, head: Token, seg: Span) -> str | None:
        """The entity a phrase headed by ``head`` stands for: the head's own entity, the entity component's
        reading of the phrase, a named modifier ("ISI chief"), an apposition, or an "of" phrase ("head of ISI").
        Remembered per token, since a party is looked at several times."""
        if head.i not in self._entity_cache:
            self._entity_cache[head.i] = self._entity_of(head, seg)
        return self._entity_cache[head.i]

    def _entity_of(self, head: Token, seg: Span) -> str | None:
        own = self.token_entity[head.i]
        if own is not None:
            return own
        if head.dep_ == "appos" and head.pos_ == "NOUN" and seg.start <= head.head.i < seg.end:
            # an apposition describes the name it follows: in "Tendai Mukwena, an opposition activist who was
            # arrested by police", the activist arrested is Mukwena
            anchor = self.token_entity[head.head.i]
            if anchor is not None:
                return anchor
        core = self._core(head)
        # a role description ("the ISI chief", "Pakistan's spy chief") names its organisation inside the phrase;
        # only such a phrase is worth the entity component's (costlier) reading
        if head.pos_ == "NOUN" and any(self.token_entity[t.i] and not self.stance(t) for t in core if t.i != head.i):
            found = self.entity_of_span(core.start_char, core.end_char)
            if found is not None:
                return found
        named: list[tuple[int, int, str]] = []
        for c in head.children:
            if c.dep_ in MODIFIER_DEPS and seg.start <= c.i < seg.end and not self.stance(c):
                for t in c.subtree:
                    ent = self.token_entity[t.i]
                    if ent is not None:
                        named.append((TYPE_RANK.get(self.entity_type.get(ent, ""), 9), abs(t.i - head.i), ent))
        if named:
            return min(named)[2]
        for prep in PHRASE_PREPS:
            # "the head of Pakistan's ISI", "an admission by Moscow", "an offer from Kabul"
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ == prep and seg.start <= c.i < seg.end:
                    for p in c.children:
                        if p.dep_ == "pobj" and p.i != head.i:
                            found = self.entity_of(p, seg)
                            if found is not None:
                                return found
        return None

    def named(self, head: Token, seg: Span) -> bool:
        """Whether a phrase names a party: an entity, or at least the country it belongs to."""
        return self.entity_of(head, seg) is not None or self.country_of(head, seg, None) is not None

    def country_of(self, head: Token, seg: Span, entity: str | None) -> str | None:
        """The country of a party: its entity's, else the first country named inside its phrase ("Israeli Prime
        Minister Ehud Barak", "opposition groups in Zimbabwe", "a truce with forces in east Bosnia"), by an
        entity or by a country name or demonym the model left untagged ("US Predator attacks"); never one from a
        clause attached to it, nor one the phrase is for or against ("an anti-Syria journalist")."""
        # "ethnic Albanians" names a people, not the citizens of a state: only a place in the phrase tells
        ethnic = self.ethnic(head)
        if entity and not ethnic and (own := self.entity_country(entity)):
            return own
        queue = [(head, 0)]
        while queue:
            tok, depth = queue.pop(0)
            if tok.i != head.i and self.stance(tok):
                continue
            if ethnic and tok.i == head.i:
                queue.extend((c, 0) for c in children(tok, {"prep"}, seg) if c.lower_ in COUNTRY_PREPS)
                continue
            ent = self.token_entity[tok.i]
            if ent and (own := self.entity_country(ent)):
                return own
            if ent is None and tok.text[:1].isupper() and tok.pos_ in ("PROPN", "ADJ", "NOUN"):
                iso = self.d.country_of(tok.text)
                if iso is None and tok.i > seg.start and tok.nbor(-1).dep_ == "compound" and tok.nbor(-1).head == tok:
                    iso = self.d.country_of(f"{tok.nbor(-1).text} {tok.text}")  # "Sri Lanka" split in two
                if iso:
                    return iso
            if depth >= COUNTRY_DEPTH:
                continue
            for c in tok.children:
                if not (seg.start <= c.i < seg.end):
                    continue
                if c.dep_ in ("prep", "agent") and c.lower_ in COUNTRY_PREPS:
                    queue.append((c, depth))  # a preposition is no level of its own: "truce with forces in X"
                elif c.dep_ in MODIFIER_DEPS or c.dep_ == "pobj":
                    queue.append((c, depth + 1))
                elif c.dep_ == "acl" and c.tag_ == "VBN" and tok.i == head.i:
                    # a participle's agent owns the noun: "crimes committed by Croat forces"
                    queue.extend((a, depth) for a in children(c, {"agent"}, seg))
        return None

    def party(self, head: Token, seg: Span) -> Party:
        """The party whose phrase is headed by ``head``; a pronoun is resolved through the clause that reports it."""
        tok = head
        if head.lower_ in PRONOUNS and head.pos_ == "PRON":
            tok = self.antecedent(head, seg) or head
        entity = self.entity_of(tok, seg)
        return Party(tok, self._core(tok).text if tok.pos_ != "PRON" else tok.text, entity,
                     self.country_of(tok, seg, entity), self.ethnic(tok))

    def antecedent(self, pron: Token, seg: Span) -> Token | None:
        """The phrase a pronoun stands for: the relative clause's noun ("forces who attacked"), or the subject of
        the verb that reports the pronoun's clause ("the Taliban said they would ...")."""
        if pron.lower_ in RELATIVE:
            verb = pron.head
            if verb.dep_ in ("relcl", "acl") and seg.start <= verb.head.i < seg.end:
                return verb.head
            return None
        tok = pron
        for _ in range(5):
            if tok.head.i == tok.i or not (seg.start <= tok.head.i < seg.end):
                break
            tok = tok.head
            for c in tok.children:
                # the nearest earlier subject that names someone ("Bosnian Serbs said their forces had completed
                # their withdrawal": their -> Bosnian Serbs, not "their forces")
                if (c.dep_ in SUBJECT_DEPS and c.i < pron.i and c.lower_ not in PRONOUNS and c.i != pron.i
                        and self.entity_of(c, seg) is not None and pron not in list(c.subtree)):
                    return c
        return None

    # -- places and dates ------------------------------------------------------------------------------------
    def place_in(self, start: int, end: int) -> str | None:
        """The place whose mention lies in the character span, by the place component's lookup when it has one."""
        if self._place_at is not None:
            try:
                found = self._place_at(self.doc, start, end)
            except Exception:  # noqa: BLE001
                found = None
            if found is not None:
                return getattr(found, "id", found)
        i = bisect.bisect_left(self._place_starts, start)
        if i < len(self.places) and self.places[i][1] <= end:
            return self.places[i][2]
        return None

    def places_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The place mentions (start, end, place id) inside the character span, in text order."""
        i = bisect.bisect_left(self._place_starts, start)
        j = bisect.bisect_left(self._place_starts, end)
        return [p for p in self.places[i:j] if p[1] <= end]

    def place_before(self, pos: int, floor: int) -> str | None:
        """The last place mentioned between ``floor`` and ``pos`` (the nearest clear context before a sentence)."""
        i = bisect.bisect_left(self._place_starts, pos) - 1
        if i >= 0 and self.places[i][0] >= floor:
            return self.places[i][2]
        return None

    def dates_in(self, start: int, end: int) -> Iterator[tuple[int, int, str | None]]:
        for d in self.dates:
            if d[0] >= end:
                break
            if d[0] >= start:
                yield d


def conjuncts(tok: Token, seg: Span) -> list[Token]:
    """The token and the items conjoined with it ("Taliban and Al Qaeda"); a named apposition in a bare list
    ("with Taliban, Al Qaeda") counts as another item, since an apposition of two names is a list."""
    out = [tok]
    stack = [tok]
    while stack and len(out) < MAX_CONJUNCTS:
        cur = stack.pop()
        for c in cur.children:
            if not (seg.start <= c.i < seg.end) or c in out:
                continue
            if c.dep_ == "conj" or (c.dep_ == "appos" and c.pos_ == "PROPN" and cur.pos_ == "PROPN"):
                out.append(c)
                stack.append(c)
    return out


def children(tok: Token, deps: set[str], seg: Span) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps and seg.start <= c.i < seg.end]


def subject_of(pred: Token, seg: Span) -> tuple[Token | None, bool]:
    """The subject of a predicate and whether it is passive, inheriting it from the governing verb when the
    predicate has none: an infinitive or conjoined verb shares its governor's subject ("agreed to meet",
    "met the minister and signed"), and a relative clause's subject is the noun it modifies."""
    tok = pred
    for _ in range(4):
        subj = children(tok, SUBJECT_DEPS, seg)
        if subj:
            return subj[0], False
        subj = children(tok, PASSIVE_SUBJECT_DEPS, seg)
        if subj:
            return subj[0], True
        # the small model sometimes hangs the subject on the auxiliary ("Chile <- is opposed to")
        subj = [s for a in children(tok, {"aux", "auxpass"}, seg) for s in children(a, SUBJECT_DEPS, seg)]
        if subj:
            return subj[0], False
        if tok.dep_ in ("relcl", "acl") and seg.start <= tok.head.i < seg.end:
            # a participle modifying a noun ("troops stationed near") is passive when it is a past participle
            return tok.head, tok.dep_ == "acl" and tok.tag_ == "VBN"
        if tok.dep_ in ("acomp", "attr") and tok.head.pos_ == "AUX" and seg.start <= tok.head.i < seg.end:
            # an adjectival predicate takes the copula's subject: "Israel is opposed to ...", "France is ready to"
            tok = tok.head
            continue
        if tok.dep_ == "xcomp":
            # object control: in "urged the rebels to withdraw" the rebels withdraw
            obj = children(tok.head, {"dobj"}, seg)
            if obj and tok.head.pos_ == "VERB":
                return obj[0], False
        if tok.dep_ in ("xcomp", "conj", "advcl") and tok.head.i != tok.i and seg.start <= tok.head.i < seg.end:
            tok = tok.head
            continue
        break
    return None, False
