"""The entity component: named-entity mentions grouped into one entity per real-world actor in an article.

Writes ``doc._.nt_entities``: a list of ``Entity`` (ids ``e1``, ``e2`` ... in order of first mention) whose
``mentions`` are character spans into the article text. Other components map a span to an entity with
``entity_at(doc, start_char, end_char)``, which also knows role descriptions ("the ISI chief") and partial names.

Grouping follows these rules, in order (each one a union of mention groups):
1. the same name key (case, diacritics, hyphens, an article, a possessive, a leading title ignored);
2. an acronym defined in parentheses after a name ("Inter-Services Intelligence (ISI)");
3. the same dictionary actor or country ("ISI" and "Inter Service Intelligence" are both one dictionary entry);
4. an acronym equal to the initials of a longer name in the article;
5. a partial person name (surname or given name, or a transliteration variant of it) to the one full name
   that contains it;
6. transliteration variants of whole names (same consonant skeleton, close fuzzy score, compatible types).
The type of each entity is then decided over all its mentions, and country and sector come from the dictionary,
nationality adjectives and possessives next to a mention, and the organisation a person is the chief/envoy/...
of ("ISI chief Faiz Hameed", "Faiz Hameed, the head of Pakistan's Inter-Services Intelligence").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newstrace.analyze.actors import ActorDictionary, get_dictionary
from newstrace.analyze.datelines import doc_dateline
from newstrace.analyze.gazetteer import MIN_WITHIN_TOWN, STREET_WORDS, Gazetteer, get_gazetteer
from newstrace.analyze.names import (
    clean_surface,
    doc_text,
    fold,
    initials,
    is_acronym,
    is_all_caps_text,
    name_key,
    skeleton,
    strip_possessive,
)
from newstrace.analyze.places import best_candidate
from newstrace.model import Entity

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
MAX_MENTIONS = 2000  # entity mentions grouped per document; beyond that they are ignored (bounded time)
MAX_NAME_CHARS = 100
MAX_BUCKET = 30  # candidates compared per blocking key in the fuzzy steps
FUZZY_MIN = 70.0  # rapidfuzz ratio for two names with the same consonant skeleton
# prepositions that introduce a place ("in Swat", "at Torkham"), the rule for a model's PERSON/ORG on a toponym
_LOCATIVES = {"in", "at", "near", "outside", "across", "around", "inside", "towards", "toward"}
_MOTION = {"from", "into", "through", "to", "on"}
_INDEX = "nt_entity_index"
_ROLES = "nt_entity_roles"

for _ext in (_INDEX, _ROLES):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


# nouns a language name modifies as a language ("English speakers", "the Welsh version")
_LANGUAGE_NOUNS = frozenset("""
    language languages speaker speakers word words translation translations text texts version versions edition
    editions class classes lesson lessons teacher teachers course courses literature subtitle subtitles dialect
    accent name names term terms phrase phrases dictionary grammar spelling tongue test exam degree department
    major skills proficiency learner learners
""".split())


def _modified_noun(ent: Span) -> Token | None:
    """The noun a one-word entity modifies ("city" for "English" in "the English city"), or None."""
    if len(ent) != 1:
        return None
    tok = ent[0]
    head = tok.head
    if tok.dep_ in ("amod", "compound", "nmod") and head.i > tok.i and head.pos_ in ("NOUN", "PROPN"):
        return head
    return None


def attributive_language(ent: Span) -> bool:
    """Whether an entity the model tagged LANGUAGE is a nationality: one word modifying a following noun that is
    not about language ("the English city of Salisbury", "English pianist", "Welsh farmers"). The small model
    tags such adjectives LANGUAGE; read as NORP they place the noun and give it a country."""
    noun = _modified_noun(ent) if ent.label_ == "LANGUAGE" else None
    return noun is not None and noun.lower_ not in _LANGUAGE_NOUNS


def names_a_language(ent: Span) -> bool:
    """Whether a nationality word is used for its language ("English speakers", "the Welsh version"): then it
    names no people and no place."""
    noun = _modified_noun(ent)
    return noun is not None and noun.lower_ in _LANGUAGE_NOUNS


@dataclass
class Mention:
    """One name mention, cleaned: the name's offsets, its key, the model's label and what the dictionary says."""

    start: int
    end: int
    text: str
    label: str
    key: str
    title: str | None = None
    title_sector: str | None = None
    actor: int | None = None  # index into the dictionary's actors
    country: str | None = None  # ISO3 when the mention names a country or is its demonym
    nationality: str | None = None  # ISO3 of a country possessive or demonym written in front of the name
    toponym_rule: bool = False  # the model's PERSON/ORG turned into a place by a dateline or locative rule
    surname_of: int | None = None  # a one-word name the dictionary lists for a person ("Putin"), decided in build


@dataclass
class _Group:
    mentions: list[Mention] = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the earlier group stays the root so entity order follows first mentions
            self.parent[max(ra, rb)] = min(ra, rb)


def _type_class(label: str) -> str:
    """Types a model confuses for one another: people and organisations; places; nationalities."""
    return "place" if label in PLACE_TYPES else ("norp" if label == "NORP" else "actor")


class EntityGrouper:
    """Group a document's entity mentions into entities with type, country and sector (indexes built once)."""

    def __init__(self, dictionary: ActorDictionary | None = None, gazetteer: Gazetteer | None = None) -> None:
        self.d = dictionary or get_dictionary()
        self.g = gazetteer or get_gazetteer()
        self._acronyms = {k for k in self.d.acronym_actor if len(k) >= 2}
        alternatives = sorted((re.escape(a) for a in self._acronyms), key=len, reverse=True)
        self._acronym_re = re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + r")(?![\w])") \
            if alternatives else None
        self._titles_by_last: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for words in self.d.title_words:  # longest first already
            self._titles_by_last[words[-1]].append(words)
        self._title_firsts = {tw[0] for tw in self.d.title_words}

    # -- mentions ------------------------------------------------------------------------------------------------
    def _title_before(self, doc: Doc, start_tok: int) -> tuple[str | None, str | None, int]:
        """A title written right before a name ("Secretary of State", "Lt Gen"): (title, sector, first token)."""
        if start_tok == 0:
            return None, None, start_tok
        # only the titles that end with the word before the name, longest first
        for words in self._titles_by_last.get(name_key(doc[start_tok - 1].text), ()):
            n = len(words)
            if start_tok - n < 0:
                continue
            toks = doc[start_tok - n:start_tok]
            if tuple(name_key(t.text) for t in toks) == words and toks[0].text[:1].isupper():
                text = toks.text
                return text, self.d.titles.get(" ".join(words)), start_tok - n
        return None, None, start_tok

    def _strip_title(self, words: list[str]) -> tuple[int, str | None, str | None]:
        """How many leading words of a name are a title, and the title's text and sector."""
        if len(words) < 2 or name_key(words[0]) not in self._title_firsts:
            return 0, None, None
        keys = [name_key(w) for w in words]
        for tw in self.d.title_words:
            n = len(tw)
            if n < len(words) and tuple(keys[:n]) == tw:
                return n, " ".join(words[:n]), self.d.titles.get(" ".join(tw))
        return 0, None, None

    def mentions(self, doc: Doc, text: str | None = None) -> list[Mention]:
        """The document's actor mentions: the model's entities (cut at line breaks, titles stripped) plus
        dictionary acronyms the model missed."""
        text = doc_text(doc) if text is None else text
        out: list[Mention] = []
        covered: set[int] = set()
        title_tokens: set[int] = set()
        ents = [e for e in doc.ents if (e.label_ in ACTOR_LABELS and not (e.label_ == "NORP" and names_a_language(e)))
                or attributive_language(e)]
        # titles before person names first, so an entity the model found inside a title ("State" in
        # "Secretary of State Hillary Clinton") is not taken for an actor
        person_titles: dict[int, tuple[str, str | None]] = {}
        for ent in ents:
            if ent.label_ == "PERSON":
                title, sector, first = self._title_before(doc, ent.start)
                if title:
                    person_titles[ent.start] = (title, sector)
                    title_tokens.update(range(first, ent.start))
        for ent in ents:
            if len(out) >= MAX_MENTIONS:
                break
            if all(i in title_tokens for i in range(ent.start, ent.end)):
                continue
            for m in self._split_ent(doc, ent, person_titles.get(ent.start)):
                out.append(m)
            covered.update(range(ent.start, ent.end))
        # dictionary acronyms the model left untagged, found by one regular expression over the text
        if self._acronym_re is not None:
            starts = {doc[i].idx for i in covered}
            for m in self._acronym_re.finditer(text):
                if len(out) >= MAX_MENTIONS:
                    break
                if m.start() in starts:
                    continue
                written = m.group(0)
                actor = self.d.acronym_actor[written.replace(".", "")]
                out.append(Mention(m.start(), m.end(), written, self.d.actors[actor].type, name_key(written),
                                   actor=actor))
        out.sort(key=lambda m: m.start)
        # a name found to be a place once ("in Hyderabad") is that place wherever the model called it ORG/PERSON
        places = {m.key for m in out if m.label == "GPE" and m.toponym_rule}
        if places:
            for m in out:
                if m.key in places and m.label in ("ORG", "PERSON") and m.actor is None and not m.title:
                    m.label = "GPE"
        return out

    def _split_ent(self, doc: Doc, ent: Span, title: tuple[str, str | None] | None) -> list[Mention]:
        dateline = doc_dateline(doc)
        if dateline is not None and ent.start_char < dateline.end < ent.end_char:
            # a name run across a dateline's dash ("KABUL - Taliban"): the town is a place, the rest the name
            out = []
            if ent.start_char <= dateline.place_start < dateline.place_end <= dateline.end:
                place = doc.char_span(dateline.place_start, dateline.place_end, label="GPE")
                town = self._mention(doc, dateline.place_start, place.text, "GPE", None) if place is not None else None
                out.extend([town] if town is not None else [])
            rest = doc.char_span(dateline.end, ent.end_char, label=ent.label_, alignment_mode="contract")
            if rest is not None and len(rest):
                out.extend(self._split_ent(doc, rest, title))
            return out
        out = []
        start = ent.start_char
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        for part in ent.text.split("\n"):
            label = "NORP" if ent.label_ == "LANGUAGE" else ent.label_  # see attributive_language
            m = self._mention(doc, start, part, label, title, prev)
            if m is not None:
                out.append(m)
            start += len(part) + 1
            title = None
        return out

    def _mention(self, doc: Doc, start: int, raw: str, label: str,
                 title: tuple[str, str | None] | None, prev: str = "") -> Mention | None:
        name = clean_surface(raw)
        if not name or len(name) > MAX_NAME_CHARS or not any(c.isalpha() for c in name):
            return None
        s = start + max(raw.find(name), 0)
        nationality = None
        if label in ("ORG", "FAC", "PERSON") and " " in name:
            rest, iso = self.d.strip_nationality(name)
            if iso and rest != name:
                nationality = iso
                if rest[:1].isupper() and strip_possessive(name.split()[0]) != name.split()[0]:
                    # "Pakistan's Foreign Office": the possessive country is not part of the name
                    s += name.rfind(rest)
                    name = rest
        toponym = label in ("ORG", "PERSON") and not title and self.d.actor_index(name) is None and \
            self._is_toponym(name, prev)
        if toponym:
            label = "GPE"
        elif label in ("ORG", "PERSON") and " " in name and name_key(name).rpartition(" ")[2] in STREET_WORDS:
            label = "FAC"  # "Royal Street", "Elysian Fields Avenue": a street, whatever the model's tag
        title_text, title_sector = title if title else (None, None)
        words = name.split()
        n, t_text, t_sector = self._strip_title(words)
        if n:
            # a title inside the model's span ("Mullah Abdul Ghani Baradar", "President Biden")
            rest = " ".join(words[n:])
            s = s + name.find(rest, len(t_text or ""))
            name, title_text, title_sector = rest, t_text, t_sector
            label = "PERSON"
        elif title_text:
            label = "PERSON"
        m = Mention(s, s + len(name), name, label, name_key(name), title_text, title_sector,
                    nationality=nationality, toponym_rule=toponym)
        actor = self.d.actor_index(name)
        listed_person = actor is not None and self.d.actors[actor].type == "PERSON"
        if listed_person and " " not in name:
            # a lone surname is that person only if the article names nobody else by it ("Clinton" after
            # "Hillary Clinton" is Hillary): decided once the mentions are grouped
            m.surname_of = actor
        elif actor is not None and (label != "PERSON" or listed_person):
            # a dictionary organisation overrides the model's PERSON tag only when the dictionary itself lists a
            # person; an organisation's name on a person ("Hamas" as a surname) is left to the model
            m.actor, m.label = actor, self.d.actors[actor].type
        iso = self.d.country_by_key.get(m.key)
        if iso and label in ("GPE", "LOC", "ORG", "NORP") and actor is None:
            m.country, m.label = iso, "GPE"
        dem = self.d.demonym_by_key.get(m.key)
        if dem and not iso and actor is None:
            m.country, m.label = dem, "NORP"
        return m

    def _is_toponym(self, name: str, prev: str) -> bool:
        """Whether a name the model tagged PERSON/ORG is a place: a dateline in capitals ("KABUL —") that
        names a known city or country, or a gazetteer name after a locative preposition ("in Swat")."""
        cands = self.g.lookup(name)
        if not cands:
            return False
        top = cands[0]
        big = top.feature in ("country", "region", "capital") or top.population >= MIN_WITHIN_TOWN
        if name.isupper() and len(name) > 3:
            return big
        # after "from", "into", "to", "on" a name is as often a company or a person ("from Apple", "to Smith"): only
        # a country, a region, a capital or a big town counts
        return (prev in _LOCATIVES and any(c.primary for c in cands)) or (prev in _MOTION and big and top.primary)

    # -- grouping ------------------------------------------------------------------------------------------------
    def group(self, doc: Doc, mentions: list[Mention], text: str | None = None) -> list[list[Mention]]:
        """The mentions grouped into entities (rules 1-6 of the module docstring), in order of first mention."""
        groups: list[_Group] = []
        by_key: dict[tuple[str, str], int] = {}
        for m in mentions:
            k = (m.key, _type_class(m.label))
            gi = by_key.get(k)
            if gi is None:
                gi = by_key[k] = len(groups)
                groups.append(_Group())
            groups[gi].mentions.append(m)
            groups[gi].labels[m.label] += 1
        uf = _UnionFind(len(groups))
        key_group = {k: gi for k, gi in by_key.items()}
        text = doc_text(doc) if text is None else text
        caps = is_all_caps_text(text)

        # 2. "Long Name (ACR)": an acronym in parentheses right after a name defines it
        for gi, g in enumerate(groups):
            for m in g.mentions:
                tail = text[m.end:m.end + 14].lstrip()
                if tail.startswith("(") and ")" in tail:
                    acr = tail[1:tail.index(")")].strip()
                    if is_acronym(acr):
                        other = key_group.get((name_key(acr), _type_class(m.label)))
                        if other is not None and (caps or initials(m.text)[:1] == acr[:1].casefold()):
                            uf.union(gi, other)
        # 3. the same dictionary actor, the same country
        first_of: dict[tuple[str, object], int] = {}
        for gi, g in enumerate(groups):
            for m in g.mentions:
                ident = ("actor", m.actor) if m.actor is not None else (
                    ("country", m.country) if m.country and m.label == "GPE" else None)
                if ident is None:
                    continue
                if ident in first_of:
                    uf.union(first_of[ident], gi)
                else:
                    first_of[ident] = gi
        # 4. an acronym and the one longer name whose initials it is
        by_initials: dict[str, list[int]] = defaultdict(list)
        for gi, g in enumerate(groups):
            m = g.mentions[0]
            if _type_class(m.label) == "actor" and " " in m.text.replace("-", " "):
                ini = initials(m.text)
                if ini and len(by_initials[ini]) < MAX_BUCKET:
                    by_initials[ini].append(gi)
        for gi, g in enumerate(groups):
            m = g.mentions[0]
            if is_acronym(m.text) and not caps:
                cands = {uf.find(x) for x in by_initials.get(m.text.replace(".", "").casefold(), [])}
                if len(cands) == 1:
                    uf.union(gi, cands.pop())
        # 6. transliteration variants of whole names first, so 5. sees one full name per person
        self._join_variants(groups, uf)
        self._join_partials(groups, uf)

        merged: dict[int, list[Mention]] = defaultdict(list)
        for gi, g in enumerate(groups):
            merged[uf.find(gi)].extend(g.mentions)
        out = [sorted(ms, key=lambda m: m.start) for _, ms in sorted(merged.items())]
        out.sort(key=lambda ms: ms[0].start)
        return out

    def _person_like(self, g: _Group) -> bool:
        """Whether a group names a person whose partial names may join it: a listed person, or a PERSON-tagged
        name that is no dictionary organisation and no country."""
        m = g.mentions[0]
        if m.actor is not None:
            return self.d.actors[m.actor].type == "PERSON"
        return g.labels["PERSON"] > 0 and m.country is None

    def _join_partials(self, groups: list[_Group], uf: _UnionFind) -> None:
        """A surname or given name ("Hameed", "Faiz", or "Hamid") joins the one full name that contains it."""
        token_index: dict[str, list[int]] = defaultdict(list)
        for gi, g in enumerate(groups):
            words = g.mentions[0].key.split()
            if len(words) >= 2 and self._person_like(g):
                for w in words:
                    sk = skeleton(w)
                    if len(w) >= 3 and len(token_index[sk]) < MAX_BUCKET:
                        token_index[sk].append(gi)
        if not token_index:
            return
        for gi, g in enumerate(groups):
            m = g.mentions[0]
            words = m.key.split()
            # the model often tags a lone surname ORG; a dictionary actor or a country is never a partial name
            if not words or m.actor is not None or m.country is not None or _type_class(m.label) != "actor":
                continue
            cands: set[int] = set()
            # look up by the longest word: particles ("al", "bin") are too short to index
            for full in token_index.get(skeleton(max(words, key=len)), []):
                if full == gi:
                    continue
                fwords = groups[full].mentions[0].key.split()
                if len(words) < len(fwords) and all(
                        any(w == f or fuzz.ratio(w, f) >= FUZZY_MIN for f in fwords) for w in words):
                    cands.add(uf.find(full))
            if len(cands) == 1:
                uf.union(gi, cands.pop())

    def _join_variants(self, groups: list[_Group], uf: _UnionFind) -> None:
        """Whole names spelt differently ("Al Qaeda"/"Al Qaida") with compatible types join."""
        buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
        for gi, g in enumerate(groups):
            m = g.mentions[0]
            sk = skeleton(m.text)
            if len(m.key) >= 4 and len(sk) >= 2:
                b = buckets[(sk, _type_class(m.label))]
                if len(b) < MAX_BUCKET:
                    b.append(gi)
        for members in buckets.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    ma, mb = groups[a].mentions[0], groups[b].mentions[0]
                    if ma.country and mb.country and ma.country != mb.country:
                        continue
                    if (ma.actor is not None and mb.actor is not None and ma.actor != mb.actor):
                        continue
                    if fuzz.ratio(ma.key, mb.key) >= FUZZY_MIN:
                        uf.union(a, b)

    # -- attributes ----------------------------------------------------------------------------------------------
    def _decide_type(self, ms: list[Mention]) -> str:
        """The entity's type: the dictionary's, else a title's PERSON, else a vote weighted by name length."""
        for m in ms:
            if m.actor is not None:
                return self.d.actors[m.actor].type
        if any(m.title for m in ms):
            return "PERSON"
        labels = {m.label for m in ms}
        words = {w for m in ms for w in m.key.split()}
        if words & self.d.org_words and labels & {"ORG", "PERSON", "FAC"}:
            return "ORG" if "ORG" in labels or "PERSON" in labels else "FAC"
        # a model tags a lone surname ORG in places ("Trump's deal"); one PERSON tag and no organisation
        # word among person/organisation tags make it a person
        if "PERSON" in labels and labels <= {"PERSON", "ORG"}:
            return "PERSON"
        votes: Counter[str] = Counter()
        for m in ms:
            # a full name says more about the type than a lone surname the model may mistag
            votes[m.label] += len(m.key.split())
        return max(sorted(votes), key=lambda lab: votes[lab])

    def _resolve_surnames(self, grouped: list[list[Mention]]) -> None:
        """Give a group of lone listed surnames ("Putin" ... "Putin") the listed person, unless a longer name in
        the article contains the word: then the surname belongs to that name, not to the dictionary's person.
        A surname several listed people share ("Bhutto") gives only their common country."""
        in_full_names = {w for ms in grouped for m in ms if " " in m.key for w in m.key.split()}
        for ms in grouped:
            if any(m.actor is not None or " " in m.key for m in ms) or any(m.key in in_full_names for m in ms):
                continue
            listed = {m.surname_of for m in ms if m.surname_of is not None}
            if len(listed) == 1:
                actor = listed.pop()
                for m in ms:
                    m.actor, m.label = actor, "PERSON"
            elif not listed and any(m.label == "PERSON" for m in ms):
                iso = self.d.surname_country.get(ms[0].key)
                if iso:
                    for m in ms:
                        m.nationality = iso  # the country the people of this surname act for

    def _name(self, ms: list[Mention], etype: str) -> str:
        actor = next((m.actor for m in ms if m.actor is not None), None)
        if actor is not None:
            return self.d.actors[actor].name
        country = next((m.country for m in ms if m.country and m.label == "GPE"), None)
        if country and etype == "GPE":
            return self.d.countries[country].name
        pool = [m for m in ms if m.label == etype and not is_acronym(m.text)] or ms
        return max(pool, key=lambda m: (len(m.key.split()), len(m.text), -m.start)).text

    def build(self, doc: Doc, grouped: list[list[Mention]]) -> list[Entity]:
        """Entities with type, name, aliases, title and dictionary attributes (context attributes come later)."""
        self._resolve_surnames(grouped)
        entities = []
        for ms in grouped:
            etype = self._decide_type(ms)
            name = self._name(ms, etype)
            aliases = list(dict.fromkeys(m.text for m in ms if m.text != name))
            titles = Counter(m.title for m in ms if m.title)
            e = Entity(id=f"e{len(entities) + 1}", name=name, type=etype, aliases=aliases,
                       title=titles.most_common(1)[0][0] if titles else None,
                       mentions=[[m.start, m.end] for m in ms])
            actor = next((self.d.actors[m.actor] for m in ms if m.actor is not None), None)
            if actor is not None:
                e.country, e.sector = actor.country, actor.sector
            elif any(m.nationality for m in ms):
                e.country = Counter(m.nationality for m in ms if m.nationality).most_common(1)[0][0]
            elif any(m.country for m in ms):
                e.country = Counter(m.country for m in ms if m.country).most_common(1)[0][0]
                # a country acting is its government (as event coders read "Pakistan said")
                e.sector = "GOV" if etype == "GPE" else None
            elif etype in PLACE_TYPES:
                best = best_candidate(self.g.lookup(name), Counter())
                e.country = best.country if best else None
            entities.append(e)
        return entities

    def sweep_partial_names(self, doc: Doc, entities: list[Entity], text: str | None = None) -> None:
        """Add the untagged words of a person's name ("Okorave told reporters", "Faiz rushed") as mentions.

        A capitalised word that is part of exactly one person's multi-word name, outside every other mention,
        is a partial name of that person; words shared by two people's names are left alone.
        """
        owner: dict[str, int] = {}
        for i, e in enumerate(entities):
            if e.type != "PERSON":
                continue
            words = e.name.split()
            if len(words) < 2:
                continue
            for w in words:
                if len(w) >= 3 and w[:1].isupper() and name_key(w) not in self.d.titles:
                    owner[w] = -1 if owner.get(w, i) != i else i
        if not owner:
            return
        text = doc_text(doc) if text is None else text
        covered = bytearray(len(text))
        for e in entities:
            for s, t in e.mentions:
                covered[s:t] = b"\x01" * (t - s)
        words = sorted((w for w, i in owner.items() if i >= 0), key=len, reverse=True)
        if not words:
            return
        # the candidate words found by one expression over the text; a Token only for those
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
        for m in pattern.finditer(text):
            if covered[m.start()]:
                continue
            span = doc.char_span(m.start(), m.end())
            if span is None or len(span) != 1 or (span[0].is_stop and span[0].pos_ != "PROPN"):
                continue
            i, word = owner[m.group(0)], m.group(0)
            entities[i].mentions.append([m.start(), m.end()])
            if word not in entities[i].aliases and word != entities[i].name:
                entities[i].aliases.append(word)
        for e in entities:
            e.mentions.sort()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions = self.mentions(doc, text)
        grouped = self.group(doc, mentions, text)
        entities = self.build(doc, grouped)
        self.sweep_partial_names(doc, entities, text)
        from newstrace.analyze.roles import RoleBinder

        RoleBinder(self.d).apply(doc, entities)
        doc._.nt_entities = entities
        index = sorted(((s, t, i) for i, e in enumerate(entities) for s, t in e.mentions), key=lambda x: x[0])
        setattr(doc._, _INDEX, (index, [s for s, _, _ in index]))
        return doc


def _overlapping(index: list[tuple[int, int, int]], starts: list[int], start: int,
                 end: int) -> list[tuple[int, int, int]]:
    i = bisect_right(starts, end - 1) if end > start else bisect_right(starts, start)
    found = []
    for s, t, ei in reversed(index[max(0, i - 200):i]):
        if t > start and s < end:
            found.append((s, t, ei))
        elif s < start - 2 * MAX_NAME_CHARS:
            break
    return found


def entity_at(doc: Doc, start_char: int, end_char: int) -> Entity | None:
    """The entity a character span refers to, or None.

    - a span overlapping name mentions gives the entity of the mention that holds the span's syntactic head
      ("ISI chief Faiz Hameed" -> Faiz Hameed, "Hameed's visit" -> Faiz Hameed), else the largest overlap;
    - a role description gives the person bound to that role earlier in the article ("the ISI chief",
      "the head of Pakistan's Inter-Services Intelligence" -> Faiz Hameed, when the article said so);
    - a capitalised partial name the model did not tag ("Faiz") gives the one person whose name contains it.
    Works after the ``newstrace_entities`` component ran; cheap (binary search over sorted mentions).
    """
    entities: list[Entity] = doc._.nt_entities or []
    index, starts = getattr(doc._, _INDEX, None) or ([], [])
    if not entities or end_char <= start_char:
        return None
    from newstrace.analyze.roles import role_holder

    holder = role_holder(doc, entities, index, start_char, end_char)
    if holder is not None:
        return holder
    hits = _overlapping(index, starts, start_char, end_char)
    if hits:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is not None and len(span) and doc.has_annotation("DEP"):
            head = span.root.idx
            for s, t, ei in hits:
                if s <= head < t:
                    return entities[ei]
        s, t, ei = max(hits, key=lambda h: (min(h[1], end_char) - max(h[0], start_char),
                                            entities[h[2]].type == "PERSON"))
        return entities[ei]
    # a capitalised word of exactly one person's name
    words = {name_key(w) for w in fold(doc_text(doc)[start_char:end_char]).split() if w[:1].isupper()}
    owners = {i for i, e in enumerate(entities) if e.type == "PERSON" and words & set(name_key(e.name).split())}
    return entities[owners.pop()] if len(owners) == 1 else None


@Language.factory("newstrace_entities", assigns=["doc._.nt_entities"], requires=["doc.ents"])
def make_entities(nlp: Language, name: str) -> EntityGrouper:
    return EntityGrouper()
