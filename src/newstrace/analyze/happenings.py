"""The happening component: what the news reports that is no political event - disasters, accidents, rate moves.

Factory ``newstrace_happenings`` writes ``doc._.nt_happenings: list[Event]`` (``Event.ontology == "happening"``,
``type`` a kind of ``data/events/happenings.yaml`` such as ``EARTHQUAKE`` or ``SHIPWRECK``, ``category`` its
family) and removes from ``doc._.nt_events`` the PLOVER events that are the happening misread as an act ("a fire
killed nine patients" is no ASSAULT by the fire). Happenings carry evidence, place, date and modality like events,
and the attribution and flag components give them a source and flags, so the link stage groups and corroborates a
flood exactly as it does a meeting.

A happening is coded once per sentence and kind, from

- a noun that names it and that the sentence reports as happening: "an earthquake struck", "killed in a fire",
  "Quake kills two"; never a modifier ("fire brigade", "flood defences"), a figure of speech ("a flood of
  refugees", "a landslide victory", "came under fire", "opened fire"), arson ("set fire to", an attack) or a mere
  possibility ("the risk of floods");
- a generic noun with the thing it happened to ("ferry disaster", "bus accident", "the collapse of a bridge");
- a verb with the right kind of subject ("a ferry capsized", "the bus plunged into a gorge"; "talks collapsed" is
  no collapse) or object ("raised its policy rate").

A sentence the outlet presents as its exclusive knowledge but in which nothing is coded ("has learned exclusively
that the bus was running on an expired permit") is a happening of kind ``CLAIM`` (category ``statement``): the
claim an analyst must check most is never left out because it is no event.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newstrace.analyze.actors import get_dictionary
from newstrace.analyze.event_lexicon import EventLexicon, load_lexicon
from newstrace.analyze.event_roles import Binder, Party
from newstrace.analyze.flags import cue_matcher, cue_spans
from newstrace.analyze.events import PARAGRAPH_BREAK, segments, usable
from newstrace.analyze.modality import modality_of
from newstrace.analyze.names import doc_text
from newstrace.model import Event, Evidence
from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import rule_files

log = logging.getLogger(__name__)

HAPPENING_DATA = DATA_DIR / "events" / "happenings.yaml"
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
OBJECT_DEPS = {"dobj", "obj", "nsubjpass"}
# the dependents that make a noun a modifier of another noun ("fire brigade", "earthquake survivors")
MODIFIER_DEPS = {"compound", "amod", "nmod"}
# the dependents through which a noun's own modifiers hang ("gas explosion", "the ferry's sinking", "bus accident")
OWN_MODIFIER_DEPS = {"compound", "amod", "nmod", "poss"}
# clauses that take their subject from the clause they hang on ("capsized, killing nine"; "overturned and sank")
CLAUSE_DEPS = {"advcl", "xcomp", "conj", "acl", "relcl", "ccomp", "pcomp", "acomp", "oprd"}
MAX_SENTENCE_TOKENS = 150
STATEMENT = "CLAIM"  # the kind of an exclusive statement that codes no event (see ``HappeningCoder._statements``)
MIN_STATEMENT_WORDS = 5


@dataclass(frozen=True)
class Kind:
    """One kind of happening and the words that report it."""

    name: str
    category: str
    nouns: dict[str, tuple[tuple[str, ...], ...]]  # head lemma -> companion words (modifiers) of each phrase
    verbs: dict[str, tuple[tuple[str, ...], ...]]  # head lemma -> companion words (particles, prepositions)
    subjects: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()
    object_modifiers: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    modes: dict[str, str] = field(default_factory=dict)
    noun_modes: dict[str, str] = field(default_factory=dict)
    actor_subject: bool = False
    named: bool = False  # its nouns title a name ("Cyclone Mira")


@dataclass(frozen=True)
class HappeningLexicon:
    """The kinds, and the words that make a happening noun something else."""

    kinds: tuple[Kind, ...]
    heads: frozenset[str]
    of_objects: frozenset[str]
    figurative_of: frozenset[str]
    hypothetical: frozenset[str]
    gunfire: frozenset[str]
    supersedes: frozenset[str]
    harm_words: frozenset[str] = frozenset()

    def by_noun(self, lemma: str) -> Iterator[tuple[Kind, tuple[str, ...]]]:
        for kind in self.kinds:
            for comps in kind.nouns.get(lemma, ()):
                yield kind, comps

    def by_verb(self, lemma: str) -> Iterator[tuple[Kind, tuple[str, ...]]]:
        for kind in self.kinds:
            for comps in kind.verbs.get(lemma, ()):
                yield kind, comps

    def by_generic(self, lemma: str) -> Iterator[Kind]:
        return (k for k in self.kinds if lemma in k.generic)


def _phrases(items: Iterable[str], verb: bool) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Head lemma -> companions: "flash flood" is the noun flood with flash; "fall into" the verb fall with into."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for item in items:
        words = str(item).casefold().split()
        if not words:
            continue
        head, comps = (words[0], tuple(words[1:])) if verb else (words[-1], tuple(words[:-1]))
        out.setdefault(head, []).append(comps)
    # the longest phrase is tried first, so "plane crash" wins over a bare head
    return {h: tuple(sorted(c, key=len, reverse=True)) for h, c in out.items()}


def _words(value: object) -> frozenset[str]:
    return frozenset(str(w).casefold() for w in (value or []))


def build_lexicon(paths: Iterable[Path | str]) -> HappeningLexicon:
    """The happening lexicon from the shipped file and the user's files (later files add kinds and words)."""
    raw: dict[str, dict] = {}
    lists: dict[str, set[str]] = {}
    for data in rule_files(paths, "happening lexicon"):
        for name, spec in (data.get("happenings") or {}).items():
            if isinstance(spec, dict):
                merged = raw.setdefault(str(name).upper(), {})
                for key, value in spec.items():
                    if isinstance(value, list) and isinstance(merged.get(key), list):
                        merged[key] = [*merged[key], *value]
                    elif isinstance(value, dict) and isinstance(merged.get(key), dict):
                        merged[key] = {**merged[key], **value}
                    else:
                        merged[key] = value
        for key, value in (data.get("not_happenings") or {}).items():
            lists.setdefault(key, set()).update(_words(value))
        if "supersedes" in data:
            lists.setdefault("supersedes", set()).update(str(w).upper() for w in data.get("supersedes") or [])
        lists.setdefault("harm_words", set()).update(_words(data.get("harm_words")))
    kinds = tuple(
        Kind(
            name=name, category=str(spec.get("category") or "other"),
            nouns=_phrases(spec.get("nouns") or [], verb=False), verbs=_phrases(spec.get("verbs") or [], verb=True),
            subjects=_words(spec.get("subjects")), objects=_words(spec.get("objects")),
            object_modifiers=_words(spec.get("object_modifiers")), modifiers=_words(spec.get("modifiers")),
            generic=_words(spec.get("generic")),
            modes={str(k).casefold(): str(v) for k, v in (spec.get("modes") or {}).items()},
            noun_modes={str(k).casefold(): str(v) for k, v in (spec.get("noun_modes") or {}).items()},
            actor_subject=spec.get("actor") == "subject", named=bool(spec.get("named")),
        )
        for name, spec in raw.items()
    )
    return HappeningLexicon(
        kinds=kinds, heads=frozenset(lists.get("heads", ())), of_objects=frozenset(lists.get("of_objects", ())),
        figurative_of=frozenset(lists.get("figurative_of", ())),
        hypothetical=frozenset(lists.get("hypothetical", ())), gunfire=frozenset(lists.get("gunfire", ())),
        supersedes=frozenset(lists.get("supersedes", ())), harm_words=frozenset(lists.get("harm_words", ())),
    )


@lru_cache(maxsize=4)
def _cached(paths: tuple[str, ...]) -> HappeningLexicon:
    return build_lexicon(paths)


def load_happenings(paths: Iterable[Path | str] | None = None) -> HappeningLexicon:
    """The shipped happening lexicon plus the user's ``NEWSTRACE_LEXICONS`` files, loaded once per set of paths."""
    chosen = paths if paths is not None else [HAPPENING_DATA, *get_settings().lexicon_files]
    return _cached(tuple(str(p) for p in chosen))


# -- the parse --------------------------------------------------------------------------------------------------------

def _lemma(tok: Token) -> str:
    return tok.lemma_.casefold()


def _words_of(tok: Token) -> set[str]:
    """The word and its lemma, case-folded: what a lexicon word may match."""
    return {tok.lower_, _lemma(tok)}


def _subjects(verb: Token) -> list[Token]:
    """The subjects of a verb, through the clause it hangs on when it has none ("capsized, killing nine"; "the
    boat overturned and sank"; "is likely to raise rates"; "a ferry which sank": the noun a relative clause
    describes). The parser sometimes gives a phrase two subjects ("A magnitude 6.2 earthquake struck")."""
    seen = 0
    while verb is not None and seen < 4:
        subs = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        if subs:
            if verb.dep_ == "relcl" and any(c.tag_ in ("WDT", "WP") for c in subs):
                return [verb.head]
            return subs
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN")):
            return [verb.head]
        if verb.dep_ not in CLAUSE_DEPS or verb.head is verb:
            return []
        verb, seen = verb.head, seen + 1
    return []


def _subject(verb: Token) -> Token | None:
    """The last subject of a verb (the head of its subject phrase), or None."""
    subs = _subjects(verb)
    return subs[-1] if subs else None


def _head_words(tok: Token) -> set[str]:
    """The head word of a phrase and its compound parts ("passenger ferry" -> passenger ferry, ferry)."""
    words = _words_of(tok)
    comps = [c for c in tok.children if c.dep_ == "compound"]
    if comps:
        words.add(" ".join([*(c.lower_ for c in comps), tok.lower_]))
        words.add(" ".join([*(_lemma(c) for c in comps), _lemma(tok)]))
    return words


def _own_modifiers(tok: Token) -> set[str]:
    """The words that modify a noun: its compounds, adjectives and possessors, and the object of its "of" or
    "at" ("the collapse of a bridge", "an explosion at a gas plant")."""
    out: set[str] = set()
    for c in tok.children:
        if c.dep_ in OWN_MODIFIER_DEPS:
            out |= _head_words(c)
        elif c.dep_ == "prep" and c.lower_ in ("of", "at", "in", "aboard", "on"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out |= _head_words(g)
                    out |= {w for gg in g.children if gg.dep_ in OWN_MODIFIER_DEPS for w in _head_words(gg)}
    return out


def _hyphened_to(tok: Token) -> set[str]:
    """The word a noun is joined to by a hyphen before it ("cease-fire" -> cease), as word and lemma."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text in ("-", "‐", "‑") and not doc[tok.i - 1].whitespace_ \
            and not doc[tok.i - 2].whitespace_:
        return _words_of(doc[tok.i - 2])
    return set()


def _companions_present(tok: Token, comps: tuple[str, ...]) -> bool:
    if not comps:
        return True
    near = set()
    for c in tok.children:
        near |= _words_of(c)
    return all(w in near for w in comps)


def _governor(tok: Token) -> Token:
    """The word a noun hangs on, through its preposition ("came under fire": come; "killed in a fire": kill)."""
    head = tok.head
    if head.pos_ == "ADP" and head.head is not head:
        return head.head
    return head


class HappeningCoder:
    """The ``newstrace_happenings`` component."""

    def __init__(self, nlp: Language, lexicon: HappeningLexicon | None = None,
                 events_lexicon: EventLexicon | None = None) -> None:
        self.lex = lexicon or load_happenings()
        self.modal = events_lexicon or load_lexicon()
        self.dictionary = get_dictionary()
        self.exclusive = cue_matcher(nlp, ("exclusive",))
        # every word that may report a happening, looked up once per token
        self.verb_heads = frozenset(w for k in self.lex.kinds for w in k.verbs)
        self.noun_heads = frozenset(w for k in self.lex.kinds for w in (*k.nouns, *k.generic))

    def __call__(self, doc: Doc) -> Doc:
        try:
            happenings = self.code(doc)
            if happenings:
                doc._.nt_events, happenings = self.supersede(doc, list(doc._.nt_events or []), happenings)
        except Exception as exc:  # noqa: BLE001 - one odd parse must not lose the document's other analyses
            log.warning("happening coding failed: %s", exc)
            happenings = []
        doc._.nt_happenings = happenings
        return doc

    # -- what is a happening ----------------------------------------------------------------------------------------
    def _noun_kind(self, tok: Token, lemma: str) -> tuple[Kind, str | None] | None:
        """The kind a noun (read as ``lemma``) names as a happening the sentence reports, with its mode, or None."""
        lx = self.lex
        named = tok.dep_ == "compound" and tok.head.pos_ == "PROPN" and tok.is_title and any(
            k.named for k, _c in lx.by_noun(lemma))  # "Cyclone Mira", "Hurricane Ida": the storm's name
        if tok.dep_ in MODIFIER_DEPS and tok.head.pos_ in ("NOUN", "PROPN") and not named:
            return None  # "fire brigade", "earthquake survivors", "flood defences"
        gov = _governor(tok)
        if _lemma(gov) in lx.hypothetical or _lemma(tok.head) in lx.hypothetical:
            return None  # "the risk of floods", "fire safety"
        if _lemma(gov) in lx.heads or _lemma(tok.head) in lx.heads or (
                tok.head.lower_ == "under" and tok.head.dep_ == "prep"):
            return None  # "opened fire", "came under fire", "set fire to", "won by a landslide"
        if _hyphened_to(tok) & (lx.heads | lx.gunfire):
            return None  # "cease-fire", "gun-fire": a compound written with a hyphen
        mods = _own_modifiers(tok)
        if lemma in lx.figurative_of:
            of = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in c.children if g.dep_ == "pobj"]
            if of and not any(_lemma(g) in lx.of_objects for g in of):
                return None  # "a flood of refugees", "a storm of protest"
        for kind, comps in lx.by_noun(lemma):
            if not _companions_present(tok, comps):
                continue
            if kind.modifiers and not comps and not (mods & kind.modifiers):
                continue  # "gas explosion" is an accident; a bare "blast" is left to the event coder
            if kind.name == "FIRE" and mods & lx.gunfire:
                return None  # "heavy fire", "artillery fire"
            return kind, kind.noun_modes.get(lemma)
        for kind in lx.by_generic(lemma):
            if mods & kind.modifiers:
                return kind, None  # "ferry disaster", "bus accident", "the collapse of a bridge"
        return None

    def _verb_kind(self, tok: Token) -> tuple[Kind, str | None, Token | None] | None:
        """The kind a verb reports, its mode and its subject, or None when its subject or object is not of the
        kind ("talks collapsed", "shares plunged", "raised the issue")."""
        if tok.dep_ == "amod":
            return None  # "the capsized ferry" names the boat; the sentence reports something else
        subject = _subject(tok)
        for kind, comps in self.lex.by_verb(_lemma(tok)):
            if not _companions_present(tok, comps):
                continue
            if kind.objects:
                objs = [c for c in tok.children if c.dep_ in OBJECT_DEPS]
                if tok.dep_ == "relcl" or not objs and tok.dep_ == "acl":
                    objs.append(tok.head)
                if not any(_lemma(o) in kind.objects for o in objs):
                    continue
                mods = {w for o in objs for w in _own_modifiers(o)}
                subj_words = _head_words(subject) if subject is not None else set()
                if not (mods & kind.object_modifiers or subj_words & kind.subjects):
                    continue  # "raised tax rates", "cut the rate of enrichment": not a rate decision
            elif kind.subjects:
                if subject is None or not (_head_words(subject) & kind.subjects):
                    continue
            return kind, kind.modes.get(_lemma(tok)), subject
        return None

    # -- coding ------------------------------------------------------------------------------------------------------
    def code(self, doc: Doc) -> list[Event]:
        """The happenings of a Doc, in text order, one per sentence, kind and mode."""
        if len(doc) == 0:
            return []
        found: list[tuple[Token, Kind, str | None, Token | None, Span, int]] = []
        text = doc_text(doc)
        segs = segments(doc, text)
        starts = [seg.start for seg, _p in segs]
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN", "VERB"):
                continue
            lemma = _lemma(tok)
            si = bisect.bisect_right(starts, tok.i) - 1
            if si < 0:
                continue
            seg, para = segs[si]
            if not (seg.start <= tok.i < seg.end):
                continue
            hit: tuple[Kind, str | None, Token | None] | None = None
            if tok.pos_ == "VERB":
                if lemma in self.verb_heads:
                    hit = self._verb_kind(tok)
            else:
                for form in _noun_forms(tok):
                    if form in self.noun_heads and (res_n := self._noun_kind(tok, form)) is not None:
                        hit = (*res_n, None)
                        break
            if hit is None or not usable(seg, MAX_SENTENCE_TOKENS):
                continue
            kind, mode, subject = hit
            found.append((tok, kind, mode, subject if kind.actor_subject else None, seg, para))
        taken = {seg.start for *_rest, seg, _para in found}
        statements = self._statements(doc, segs, starts, taken)
        if not found and not statements:
            return []
        binder = Binder(doc, text, self.dictionary)
        meta = doc._.nt_meta or {}
        body_start = int(meta.get("body_start") or 0)
        published = meta.get("published")
        out: list[Event] = []
        seen: set[tuple[int, str, str | None]] = set()
        for tok, kind, mode, subject, seg, para in found:
            key = (seg.start, kind.name, mode)
            if key in seen:
                continue
            seen.add(key)
            pred = tok if tok.pos_ == "VERB" else _noun_predicate(tok)
            modality = modality_of(pred, tok, seg, self.modal, text)
            if tok.pos_ != "VERB" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
                modality = "negated"  # "no fire was reported"
            actor = binder.party(subject, seg) if subject is not None else None
            out.append(self._record(len(out) + 1, kind.name, kind.category, mode, tok, pred, seg, para, modality,
                                    actor, binder, body_start, published, text))
        for cue, seg, para in statements:
            root = seg.root
            out.append(self._record(len(out) + 1, STATEMENT, "statement", None, cue, cue, seg, para,
                                    modality_of(root, root, seg, self.modal, text), None, binder, body_start,
                                    published, text))
        return _in_text_order(out)

    def _record(self, n: int, kind: str, category: str, mode: str | None, tok: Token, pred: Token, seg: Span,
                para: int, modality: str, actor: Party | None, binder: Binder, body_start: int,
                published: str | None, text: str) -> Event:
        """The record of one happening whose word is ``tok``: evidence, place, date (the one nearest the word in
        its sentence, else the publication day) and the headline/nominal flags."""
        doc = seg.doc
        flags = ["headline"] if tok.idx < body_start else []
        if tok.pos_ in ("NOUN", "PROPN") and pred is tok and kind != STATEMENT:
            flags.append("nominal")
        trig = doc[tok.i : tok.i + 1]
        evidence = Evidence(start=seg.start_char, end=seg.end_char, text=text[seg.start_char:seg.end_char],
                            trigger=[trig.start_char, trig.end_char])
        date = None
        best = None
        for start, _end, value in binder.dates_in(seg.start_char, seg.end_char):
            if best is None or abs(start - tok.idx) < best:
                best, date = abs(start - tok.idx), value
        if date is None and published:
            date = published[:10]
        return Event(
            id=f"h{n}", type=kind, mode=mode, cameo=None,
            actor=actor.entity if actor else None, target=None, place=self._place(binder, seg, para), date=date,
            modality=modality, evidence=evidence, flags=flags, actor_text=actor.text if actor else None,
            trigger=trig.text, actor_country=actor.country if actor else None, ontology="happening",
            category=category,
        )

    def _statements(self, doc: Doc, segs: list[tuple[Span, int]], starts: list[int],
                    taken: set[int]) -> list[tuple[Token, Span, int]]:
        """Sentences the outlet presents as its exclusive knowledge ("has learned exclusively that the bus was
        running on an expired permit", "Exclusive: ...") in which no event and no happening is coded: each is a
        claim of its own (kind ``CLAIM``), so that it is counted, corroborated or not, and put before the analyst
        like any other exclusive claim. The cue word stands as its trigger."""
        cues = cue_spans(doc, self.exclusive).get("exclusive", [])
        if not cues:
            return []
        coded = {ev.evidence.start for ev in doc._.nt_events or []}
        out: list[tuple[Token, Span, int]] = []
        for cue in sorted(cues, key=lambda c: c.start):
            si = bisect.bisect_right(starts, cue.start) - 1
            if si < 0:
                continue
            seg, para = segs[si]
            if not (seg.start <= cue.start < seg.end) or seg.start in taken or seg.start_char in coded:
                continue
            if not usable(seg, MAX_SENTENCE_TOKENS) or sum(t.is_alpha for t in seg) < MIN_STATEMENT_WORDS:
                continue  # a bare "EXCLUSIVE" label line says nothing by itself
            taken.add(seg.start)
            out.append((cue[0], seg, para))
        return out

    @staticmethod
    def _place(binder: Binder, seg: Span, para: int) -> str | None:
        """Where a happening happened: the first place of its sentence that a country is known for ("capsized on
        Lake Victoria near Uganda's Kalangala islands": Uganda, since a lake shared by three countries says less),
        else its first place, else the last place named earlier in the paragraph, else earlier in the article."""
        named = binder.places_between(seg.start_char, seg.end_char)
        countries = {p.id: getattr(p, "country", None) for p in seg.doc._.nt_places or []}
        for _start, _end, place in named:
            if countries.get(place):
                return place
        # a happening has no actor to say which one it is, so a lead that names no place takes the place named
        # last before it, in the headline or the dateline if need be ("Floods in Sylhet" over "Flash floods have
        # forced 40,000 people from their homes")
        return named[0][2] if named else (binder.place_before(seg.start_char, para)
                                          or binder.place_before(seg.start_char, 0))

    # -- the events that are happenings -------------------------------------------------------------------------------
    def supersede(self, doc: Doc, events: list[Event], happenings: list[Event]) -> tuple[list[Event], list[Event]]:
        """The events minus those that report a happening as an act, and the happenings plus the tolls those
        events stated.

        An event is the happening misread when its word is the happening's word, or its subject (or the subject of
        the clause it hangs on) is the happening or what it happened to ("a fire killed nine", "Cyclone Odalys
        slams into Mozambique", "a ferry capsized, killing nine"): it is dropped, whatever its type. A harm with no
        actor at all ("At least seven people were killed, the disaster institute said") in a paragraph that reports
        a happening, or after one in an article where no one has been said to attack anyone, is the happening's
        toll: it becomes a report of that happening (its sentence, so "7 dead" is a claim about the cyclone)."""
        if not events:
            return events, happenings
        words: set[int] = set()
        subjects: set[int] = set()
        breaks = [0, *(m.end() for m in PARAGRAPH_BREAK.finditer(doc_text(doc)))]

        def para_of(pos: int) -> int:
            return breaks[bisect.bisect_right(breaks, pos) - 1]

        paragraphs = {para_of(h.evidence.start) for h in happenings}
        for h in happenings:
            span = doc.char_span(h.evidence.trigger[0], h.evidence.trigger[1], alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                words.add(t.i)
                if t.pos_ == "VERB":
                    subjects.update(i for s in _subjects(t) for i in _core(s))
        keep: list[Event] = []
        tolls: list[Event] = []
        attacked = False  # an act with an actor told before: later actorless harms may be its victims
        for ev in sorted(events, key=lambda e: (e.evidence.start, e.id)):
            if ev.evidence.trigger is None:
                keep.append(ev)
                continue
            span = doc.char_span(ev.evidence.trigger[0], ev.evidence.trigger[1], alignment_mode="expand")
            toks = list(span) if span is not None else []
            if any(t.i in words for t in toks):
                continue
            verb = next((t for t in toks if t.pos_ in ("VERB", "AUX")), toks[0] if toks else None)
            subs = _subjects(verb) if verb is not None else []
            if any(i in words or i in subjects for s in subs for i in _core(s)):
                continue
            if ev.type not in self.lex.supersedes:
                keep.append(ev)
                continue
            if verb is not None and verb.dep_ in CLAUSE_DEPS and verb.head.i in words:
                continue  # "capsized ..., killing nine": the clause of the happening's own verb
            harm = any(_lemma(t) in self.lex.harm_words for t in toks)
            before = [h for h in happenings if h.evidence.start <= ev.evidence.start]
            if not ev.actor_text and harm and before and (para_of(ev.evidence.start) in paragraphs or not attacked):
                # one report of the happening per sentence: a sentence that names it, or a toll already taken, is
                # reported once
                if not any(x.evidence.start == ev.evidence.start for x in [*before, *tolls]):
                    tolls.append(_as_toll(ev, before[-1]))
                continue
            if ev.actor_text:
                attacked = True
            keep.append(ev)
        if tolls:
            happenings = _in_text_order([*happenings, *tolls])
        kept = {id(e) for e in keep}
        return [e for e in events if id(e) in kept], happenings


def _in_text_order(happenings: list[Event]) -> list[Event]:
    """The happenings in text order, numbered h1, h2, ... in that order (as events are v1, v2, ...)."""
    out = sorted(happenings, key=lambda h: (h.evidence.start, h.id))
    for n, h in enumerate(out, 1):
        h.id = f"h{n}"
    return out


def _as_toll(ev: Event, happening: Event) -> Event:
    """A harm with no actor told as a report of the happening before it: its sentence, the happening's kind."""
    return Event(
        id=ev.id, type=happening.type, mode=happening.mode, cameo=None, actor=None, target=None,
        place=ev.place or happening.place, date=ev.date or happening.date, modality=ev.modality,
        evidence=ev.evidence, source=ev.source,
        flags=[f for f in ev.flags if not f.startswith(("intended:", "negated:"))] + ["toll"],
        trigger=ev.trigger, ontology="happening", category=happening.category,
    )


def _core(head: Token) -> set[int]:
    """The head of a phrase and the words that name it with it ("the passenger ferry", "a magnitude 6.2
    earthquake", "Oxygen cylinder blast"), not its clauses or prepositional phrases."""
    out = {head.i}
    for c in head.children:
        if c.dep_ in ("compound", "nmod", "appos", "amod", "nummod"):
            out |= _core(c)
    return out


def _noun_forms(tok: Token) -> list[str]:
    """The forms a noun may be listed under: its lemma, and for a title-cased headline word the tagger took for
    a name ("Quake Kills Two", "Landslides Block Road") its lower case and singular."""
    forms = [_lemma(tok)]
    if tok.pos_ == "PROPN":
        low = tok.lower_
        forms += [low, low[:-1] if low.endswith("s") else low]
    return list(dict.fromkeys(forms))


def _noun_predicate(tok: Token) -> Token:
    """The verb that carries a happening noun: the verb of its subject or object ("an earthquake struck"), the
    verb over its preposition ("killed in a fire"), else the noun itself (a headline or a nominal mention)."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "obj", "attr") and tok.head.pos_ in ("VERB", "AUX"):
        return tok.head
    gov = _governor(tok)
    if tok.dep_ == "pobj" and gov.pos_ in ("VERB", "AUX"):
        return gov
    return tok


@Language.factory(
    "newstrace_happenings",
    assigns=["doc._.nt_happenings", "doc._.nt_events"],
    requires=["token.dep", "token.lemma", "token.pos"],
)
def make_happenings(nlp: Language, name: str) -> HappeningCoder:
    """The happening coder over the shipped lexicon plus the user's files (``NEWSTRACE_LEXICONS``)."""
    return HappeningCoder(nlp)
