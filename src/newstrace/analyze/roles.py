"""Roles and nationality around names: who is the chief, envoy or founder of which organisation, and whose
organisation is it.

``RoleBinder.apply`` reads the context of each mention and
- binds a person to a role of an organisation when they are written together: a role noun between the
  organisation and the name ("ISI chief Faiz Hameed", "Taliban co-founder Mullah Abdul Ghani Baradar") or an
  apposition after the name ("Faiz Hameed, the head of Pakistan's Inter-Services Intelligence");
- gives the person the organisation's country and sector when they have none of their own;
- records later role descriptions without a name ("the ISI chief") as spans of the bound person, which
  ``entity_at`` returns;
- takes a country from a nationality adjective or a possessive right before a mention ("Pakistani ISI",
  "Pakistan's spy agency") and a sector from a role noun next to it ("Taliban militants").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from newstrace.analyze.actors import ActorDictionary
from newstrace.analyze.names import name_key
from newstrace.model import Entity

_ROLES = "nt_entity_roles"
GROUP_TYPES = {"ORG", "GPE", "NORP"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her"}
_POSS = {"'s", "\u2019s", "'", "\u2019"}
MAX_ROLE_SPANS = 500
_LOCATIVES = {"in", "at", "near", "from", "outside", "across", "inside", "to", "into"}


@dataclass
class RoleIndex:
    """What ``entity_at`` needs: (role group, organisation entity index) -> person index, and role spans."""

    bindings: dict[tuple[str, int], int] = field(default_factory=dict)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, person index)


class RoleBinder:
    """Bind people to organisational roles and fill country and sector from the context of mentions."""

    def __init__(self, dictionary: ActorDictionary) -> None:
        self.d = dictionary
        self._words = {k for k in dictionary.roles if " " not in k}
        self._hashes = {hash_string(w) for w in self._words}

    def role_group(self, tok: Token) -> str | None:
        """The role group of a role noun ("chief" -> head, "spokesman" -> spokesperson), or None."""
        low = tok.lower_
        if low not in self._words and low.replace("-", " ") not in self._words:
            return None
        return self.d.roles.get(name_key(tok.text))

    def apply(self, doc: Doc, entities: list[Entity]) -> None:
        """Bind roles, record role spans and fill country/sector; writes ``doc._.nt_entity_roles``."""
        tok_entity: dict[int, int] = {}
        for i, e in enumerate(entities):
            for s, t in e.mentions:
                span = doc.char_span(s, t, alignment_mode="expand")
                if span is not None:
                    for tok in span:
                        tok_entity.setdefault(tok.i, i)
        index = RoleIndex()
        affiliation: dict[int, int] = {}
        country_votes: dict[int, Counter] = defaultdict(Counter)
        sector_votes: dict[int, Counter] = defaultdict(Counter)
        for i, e in enumerate(entities):
            for s, t in e.mentions:
                span = doc.char_span(s, t, alignment_mode="expand")
                if span is None:
                    continue
                self._context(doc, span.start, span.end, i, e, entities, tok_entity, index, affiliation,
                              country_votes, sector_votes)
        self._role_spans(doc, entities, tok_entity, index)
        for i, e in enumerate(entities):
            org = affiliation.get(i)
            if e.country is None:
                if country_votes[i]:
                    e.country = country_votes[i].most_common(1)[0][0]
                elif org is not None and entities[org].country:
                    e.country = entities[org].country
                elif org is not None and entities[org].type in ("GPE", "NORP"):
                    e.country = entities[org].country
            if e.sector is None:
                if org is not None and entities[org].sector and entities[org].type != "GPE":
                    e.sector = entities[org].sector
                elif sector_votes[i]:
                    e.sector = sector_votes[i].most_common(1)[0][0]
                elif e.title and self.d.titles.get(name_key(e.title)) not in (None, "-"):
                    # courtesy titles ("Ms", "Mr") say nothing of a sector; ranks and offices do
                    e.sector = self.d.titles.get(name_key(e.title))
        setattr(doc._, _ROLES, index)

    def _context(self, doc: Doc, start: int, end: int, i: int, e: Entity, entities: list[Entity],
                 tok_entity: dict[int, int], index: RoleIndex, affiliation: dict[int, int],
                 country_votes: dict[int, Counter], sector_votes: dict[int, Counter]) -> None:
        # skip back over a title ("Mullah", "Lt Gen") between a role noun and the name
        j = start - 1
        while j >= 0 and tok_entity.get(j) is None and doc[j].text[:1].isupper() and \
                name_key(doc[j].text) in self.d.titles and start - j <= 4:
            j -= 1
        # nationality or possessive right before the name: "Pakistani ISI", "Pakistan's Inter-Services ..."
        k = j
        if k >= 0 and doc[k].text in _POSS:
            k -= 1
        owner = tok_entity.get(k) if k >= 0 else None
        if owner is not None and owner != i and entities[owner].type in ("GPE", "NORP") and entities[owner].country:
            country_votes[i][entities[owner].country] += 1
        if e.type == "PERSON" and j >= 1:
            group = self.role_group(doc[j])
            # "ISI chief Faiz Hameed", "Taliban co-founder Mullah ...": ORG + role noun + name
            k = j - 1
            while k >= 0 and doc[k].text in ("-", "co", "Co") and k > j - 3:
                k -= 1
            if k >= 0 and doc[k].text in _POSS:
                k -= 1
            org = tok_entity.get(k) if k >= 0 else None
            if group and org is not None and org != i and entities[org].type in GROUP_TYPES:
                index.bindings.setdefault((group, org), i)
                affiliation.setdefault(i, org)
            elif j >= 0 and name_key(doc[j].text) in self.d.role_sectors:
                sector_votes[i][self.d.role_sectors[name_key(doc[j].text)]] += 1
        if e.type == "PERSON":
            self._apposition(doc, end, i, entities, tok_entity, index, affiliation)
        elif end < len(doc):
            # "Taliban militants", "Pakistani officials": a role noun after a group name says its sector
            nxt = name_key(doc[end].text)
            if nxt in self.d.role_sectors and e.type in GROUP_TYPES:
                sector_votes[i][self.d.role_sectors[nxt]] += 1

    def _apposition(self, doc: Doc, end: int, i: int, entities: list[Entity], tok_entity: dict[int, int],
                    index: RoleIndex, affiliation: dict[int, int]) -> None:
        """An apposition after a name that holds a role noun and an organisation binds the person to that role:
        "Name, the head of Pakistan's Inter-Services Intelligence", "Name, the Taliban's acting foreign minister",
        "Name, spokesman for the Taliban administration". An organisation is preferred to a country."""
        if end >= len(doc) or doc[end].text != ",":
            return
        group, org, country = None, None, None
        for m in range(end + 1, min(end + 13, len(doc))):
            tok = doc[m]
            if tok.text in (",", ";", ".", ")", "(", "\n") or tok.is_space:
                break
            owner = tok_entity.get(m)
            if owner is not None and owner != i:
                etype = entities[owner].type
                if etype == "PERSON":
                    break  # another person's name: the apposition is about them
                if etype in ("ORG",) and org is None:
                    org = owner
                elif etype in ("GPE", "NORP") and country is None and doc[m - 1].lower_ not in _LOCATIVES:
                    # "in Doha" places the office; "Pakistan's", "of Pakistan" say whose it is
                    country = owner
            elif group is None:
                group = self.role_group(tok)
        target = org if org is not None else country
        if group and target is not None:
            index.bindings.setdefault((group, target), i)
            affiliation.setdefault(i, target)

    def _role_spans(self, doc: Doc, entities: list[Entity], tok_entity: dict[int, int], index: RoleIndex) -> None:
        """Role descriptions without a name ("the ISI chief", "the head of the ISI") of a bound person."""
        if not index.bindings:
            return
        # only the tokens that are role nouns, found in the array of lower-case forms (no Token per word)
        lower = doc.to_array("LOWER")
        positions = [i for i, h in enumerate(lower.tolist()) if h in self._hashes]
        for pos in positions:
            tok = doc[pos]
            if len(index.spans) >= MAX_ROLE_SPANS:
                break
            group = self.role_group(tok)
            if not group or tok.i in tok_entity:
                continue
            # the name right after the role noun makes it a title, not a description: skip
            if tok.i + 1 < len(doc) and tok_entity.get(tok.i + 1) is not None and \
                    entities[tok_entity[tok.i + 1]].type == "PERSON":
                continue
            k = tok.i - 1
            while k >= 0 and doc[k].text in ("-", "co", "Co") and k > tok.i - 3:
                k -= 1
            if k >= 0 and doc[k].text in _POSS:
                k -= 1
            org = tok_entity.get(k) if k >= 0 else None
            start_tok = k
            nxt = tok_entity.get(tok.i + 1)
            if org is None and nxt is not None and entities[nxt].type == "ORG":
                # "DG ISI": a role noun written straight before the organisation
                last = tok.i + 1
                while last + 1 < len(doc) and tok_entity.get(last + 1) == nxt:
                    last += 1
                person = index.bindings.get((group, nxt))
                if person is not None:
                    index.spans.append((tok.idx, doc[last].idx + len(doc[last]), person))
                continue
            if org is None and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of":
                # "the head of (the) ISI", "the head of Pakistan's Inter-Services Intelligence"
                for m in range(tok.i + 2, min(tok.i + 7, len(doc))):
                    cand = tok_entity.get(m)
                    if cand is not None and entities[cand].type in ("ORG", "NORP"):
                        org, start_tok = cand, tok.i
                        last = m
                        while last + 1 < len(doc) and tok_entity.get(last + 1) == cand:
                            last += 1
                        person = index.bindings.get((group, org))
                        if person is not None:
                            index.spans.append((doc[start_tok].idx, doc[last].idx + len(doc[last]), person))
                        org = None
                        break
                continue
            if org is None:
                continue
            person = index.bindings.get((group, org))
            if person is not None:
                while start_tok > 0 and tok_entity.get(start_tok - 1) == org:
                    start_tok -= 1
                index.spans.append((doc[start_tok].idx, tok.idx + len(tok.text), person))


def role_holder(doc: Doc, entities: list[Entity], index: list[tuple[int, int, int]], start: int,
                end: int) -> Entity | None:
    """The person a role description in [start, end) stands for, or None (a person's name wins over a role)."""
    roles: RoleIndex | None = getattr(doc._, _ROLES, None)
    if roles is None or not roles.bindings:
        return None
    for s, t, ei in index:
        if s >= end:
            break
        if t > start and entities[ei].type == "PERSON":
            return None
    for s, t, pi in roles.spans:
        if s < end and t > start:
            return entities[pi]
    # a description the component did not see as such: a role noun and an organisation inside the span
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    groups = {doc.vocab.strings[t.lower] for t in span}
    for s, t, ei in index:
        if s >= end:
            break
        if t > start and entities[ei].type in GROUP_TYPES:
            for (group, org), pi in roles.bindings.items():
                if org == ei and any(roles_group_match(g, group) for g in groups):
                    return entities[pi]
    return None


def roles_group_match(word: str, group: str) -> bool:
    """Whether a lower-cased word is a role noun of ``group`` (uses the process dictionary)."""
    from newstrace.analyze.actors import get_dictionary

    return get_dictionary().roles.get(name_key(word)) == group
