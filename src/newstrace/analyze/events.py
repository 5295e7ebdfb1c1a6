"""The event component: each sentence (and the headline) coded into PLOVER events with their evidence.

Factory ``newstrace_events`` writes ``doc._.nt_events: list[Event]``. For every word that the event lexicon
(``data/events/triggers.yaml``) knows, the component

1. picks the most specific lexicon entry whose companion words are in the parse ("call for", "hunger strike") and
   whose conditions hold ("strike" is a labour strike with a workforce for subject and no object, an assault
   otherwise); a gerund complement the parser read as an adjective ("denied arresting the activist") is repaired
   first (``gerunds.py``);
2. finds the predicate that carries the event: the verb itself, the light verb of an event noun ("held
   talks", "took a trip"), or none for a nominal event ("Hameed's visit", "the attack on the convoy");
3. finds actor and target phrases through the parse (active and passive voice, conjunctions, appositions,
   prepositional partners, relative and infinitive clauses) and binds them to entities (``event_roles.py``);
4. reads the modality from the parse (``modality.py``) and applies PLOVER's rules that an intended material
   act is coded as the verbal type it amounts to (a future attack is a THREATEN) and a refused agreement is a
   REJECT;
5. lets a governing verbal event absorb the events in its complement ("agreed to cooperate" is one AGREE,
   "refused to deploy" one REJECT), lets a denial negate its complement instead of being a REJECT ("denied
   arresting X", "rejected claims that it had detained X"), and folds a participle of result into its event
   ("walked off the job, halting the loading of ships" is one strike).

Flags on an event: ``headline`` (the trigger is in the headline), ``nominal`` (no verb carries it),
``intended:TYPE`` / ``negated:TYPE`` (the lexical type before a PLOVER re-coding). ``actor_country`` and
``target_country`` are the entity's country, else a country named inside the party's phrase.

Time per document is bounded: the PhraseMatchers run once per Doc, sentences longer than ``max_sentence_tokens``
or made mostly of non-words (flattened tables) are skipped, and a sentence yields at most
``max_events_per_sentence`` events.
"""

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from newstrace.analyze.actors import get_dictionary
from newstrace.analyze.event_lexicon import EventLexicon, Trigger, load_lexicon
from newstrace.analyze.event_roles import Binder, Party, children, conjuncts, subject_of
from newstrace.analyze.gerunds import repair_gerund_complements
from newstrace.analyze.names import doc_text
from newstrace.analyze.modality import modality_of
from newstrace.model import Event, Evidence

log = logging.getLogger(__name__)

OBJECT_DEPS = {"dobj", "dative", "obj"}
# an event noun is carried by a light verb when it is the verb's object or its passive subject
LIGHT_NOUN_DEPS = {"dobj", "nsubjpass", "attr", "oprd"}
# nouns that count or group events ("a series of meetings", "a new round of talks", "a wave of strikes")
MEASURE_NOUNS = {"series", "round", "number", "couple", "set", "string", "spate", "wave", "flurry", "host", "batch"}
# links through which a governing event word takes another event as its complement
COMPLEMENT_DEPS = {"xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp", "acl", "nsubjpass"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
PLACE_ONLY_LABELS = {"LOC", "FAC"}  # entities that are only places, never actors ("the Europe Bridge")
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "along", "around", "within"}
NON_PARTY_LABELS = {"DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"}
DASHES = {"\u2014", "\u2013", "-", "--"}
NEWLINE = re.compile(r"\n[ \t]*\n")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
MIN_WORD_SHARE = 0.4  # below this share of alphabetic tokens a "sentence" is a flattened table or list


@dataclass
class Candidate:
    """An event word with the entry it matched and the predicate that carries it."""

    token: Token
    entry: Trigger
    pred: Token
    seg: Span
    kind: str  # "verb" | "light" | "nominal"
    dropped: bool = False


def segments(doc: Doc, text: str) -> list[tuple[Span, int]]:
    """The sentences of the Doc cut at blank lines (so a headline never runs into the body), each with the
    character offset where its paragraph starts. A single line break may be a hard wrap inside a sentence."""
    breaks = [m.end() for m in PARAGRAPH_BREAK.finditer(text)]
    # the tokens that hold a blank line, found from the text without walking every token
    spans = (doc.char_span(m.start(), m.start() + 1, alignment_mode="expand") for m in NEWLINE.finditer(text))
    newline_tokens = sorted({sp.start for sp in spans if sp is not None and len(sp)})
    out: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        lo = bisect.bisect_left(newline_tokens, sent.start)
        hi = bisect.bisect_left(newline_tokens, sent.end)
        for i in newline_tokens[lo:hi]:
            if i > start:
                out.append(doc[start:i])
            start = i + 1
        if start < sent.end:
            out.append(doc[start : sent.end])
    return [(seg, breaks[bisect.bisect_right(breaks, seg.start_char) - 1] if breaks and breaks[0] <= seg.start_char
             else 0) for seg in out]


def usable(seg: Span, max_tokens: int) -> bool:
    """Whether the parse of a segment is worth coding: not a run-on of hundreds of tokens, not a table."""
    n = len(seg)
    if n == 0 or n > max_tokens:
        return False
    words = sum(1 for t in seg if t.is_alpha)
    return words / n >= MIN_WORD_SHARE


class EventCoder:
    """The ``newstrace_events`` component: codes events with the lexicon compiled into PhraseMatchers at load."""

    def __init__(self, nlp: Language, lexicon: EventLexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        self.dictionary = get_dictionary()
        self.light_verbs = self.lex.role_words("light_verbs")
        self.target_preps = self.lex.role_words("target_preps")
        self.visit_preps = self.lex.role_words("visit_preps")
        self.actor_preps = self.lex.role_words("actor_preps")
        self.symmetric = {w.upper() for w in self.lex.role_words("symmetric_types")}
        self.of_actor_types = {w.upper() for w in self.lex.role_words("of_actor_types")}
        self.topic_verbs = self.lex.role_words("topic_object_verbs")
        self.document_objects = self.lex.role_words("document_objects")
        self.location_target_types = {w.upper() for w in self.lex.role_words("location_target_types")}
        self.own_country_types = {w.upper() for w in self.lex.role_words("own_country_target_types")}
        self.stative_participles = self.lex.role_words("stative_participles")
        self.stance_nouns = self.lex.role_words("stance_nouns")
        self.state_actors = self.lex.role_words("state_actors")
        self.patient_modes = self.lex.role_words("possessive_patient_modes")
        self.of_target_modes = self.lex.role_words("of_target_modes")
        self.workforce = self.lex.role_words("workforce_nouns")
        self.gerund_governors = self.lex.role_words("gerund_governors")
        self.result_absorbs: dict[str, str] = dict(self.lex.roles.get("result_absorbs") or {})
        self.retype: dict[str, str] = dict(self.lex.roles.get("future_retype") or {})
        self.negated_retype: dict[str, str] = dict(self.lex.roles.get("negated_retype") or {})
        self.max_tokens = int(self.lex.roles.get("max_sentence_tokens") or 120)
        self.max_events = int(self.lex.roles.get("max_events_per_sentence") or 12)
        self.type_cameo = {t.type: (t.cameo or "")[:2] for ts in self.lex.triggers.values() for t in ts}
        # PhraseMatchers over the head lemmas (hash lookups, the fastest matching spaCy offers), compiled once
        self.verbs = self.lex.words("verb")
        self.nouns = self.lex.words("noun")
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        heads = sorted(self.verbs | self.nouns)
        self.lemma_matcher.add("NT_EVENT", [Doc(nlp.vocab, words=[w], lemmas=[w]) for w in heads])
        # a title-cased headline word the tagger took for a name keeps its case as lemma ("Secret Talks With ...")
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lower_matcher.add("NT_EVENT", [Doc(nlp.vocab, words=[w]) for w in sorted(self.nouns)])

    def matches(self, doc: Doc) -> list[tuple[str, int]]:
        """(part of speech, token index) of every word whose lemma heads a lexicon entry, in text order."""
        starts = sorted({s for _k, s, _e in self.lemma_matcher(doc)} | {s for _k, s, _e in self.lower_matcher(doc)})
        out = []
        for i in starts:
            tok = doc[i]
            if tok.pos_ == "VERB" and tok.lemma_.lower() in self.verbs:
                out.append(("verb", i))
            elif tok.pos_ in ("NOUN", "PROPN") and (tok.lemma_.lower() in self.nouns or
                                                   (tok.pos_ == "PROPN" and tok.lower_ in self.nouns)):
                out.append(("noun", i))
        return out

    # -- matching ---------------------------------------------------------------------------------------------
    def _entry(self, tok: Token, pos: str, seg: Span | None = None) -> Trigger | None:
        """The most specific lexicon entry for this word whose companion words are in its parse and whose
        conditions on the verb's subject and object hold (within ``seg``, by default the word's sentence)."""
        seg = seg if seg is not None else tok.sent
        lemma = tok.lemma_.lower()
        cands = self.lex.candidates(pos, lemma) or self.lex.candidates(pos, tok.lower_)
        if not cands:
            return None
        near: set[str] | None = None
        direct: set[str] = set()
        for entry in cands:
            if not self._fits(entry, tok, seg):
                continue
            if not entry.companions:
                return entry
            if near is None:
                direct, near = set(), set()
                for c in tok.children:
                    if c.dep_ == "prep" and any(o.ent_type_ in ("DATE", "TIME") for o in c.children):
                        continue  # "fired tear gas ... on Wednesday" is no "fire on": a time is no companion
                    direct.update((c.lower_, c.lemma_.lower()))
                    for g in c.children:
                        near.update((g.lower_, g.lemma_.lower()))
                near |= direct
            # the first companion is the word's own dependent ("call for", "hunger strike"), the others may sit
            # one level further down ("take to the streets", "state of emergency")
            if entry.companions[0] in direct and all(w in near for w in entry.companions[1:]):
                return entry
        return None

    def _fits(self, entry: Trigger, tok: Token, seg: Span) -> bool:
        """Whether a verb meets its entry's conditions: a workforce for subject ("dock workers strike", "nurses
        stopped work"), no direct object ("strike" as a labour strike: "missiles struck the depot" is an assault),
        a direct object or passive subject ("searched the house"; "searched for survivors" is a rescue)."""
        if entry.pos != "verb" or (not entry.workforce and entry.object is None):
            return True
        # "dockers strike over terminal lease": the parser may read "over" as a particle and the issue as an object
        issue = any(c.dep_ == "prt" and c.lower_ in {"over", "for"} for c in tok.children)
        has_object = not issue and any(c.dep_ in OBJECT_DEPS for c in tok.children)
        subj, passive = subject_of(tok, seg)
        if entry.object == "none" and (has_object or passive):
            return False
        if entry.object == "required" and not (has_object or passive):
            return False
        if entry.workforce:
            if subj is None or passive:
                return False
            # "thousands of dock workers", "the Chittagong Dock Workers' Union"
            return self._quantified(subj).lemma_.lower() in self.workforce
        return True

    def _candidates(self, doc: Doc, matches: list[tuple[str, int]], seg_of: Callable[[int], int],
                    segs: list[tuple[Span, int]]) -> list[Candidate]:
        out: list[Candidate] = []
        for pos, start in matches:
            si = seg_of(start)
            if si < 0:
                continue
            tok = doc[start]
            seg = segs[si][0]
            entry = self._entry(tok, pos, seg)
            if entry is None:
                continue
            if pos == "verb":
                if tok.dep_ == "amod":
                    continue  # an attributive participle ("the attacked convoy") names, it does not report
                if self._idiom(tok):
                    continue
                if any(c.dep_ in OBJECT_DEPS and c.lemma_.lower() in self.document_objects for c in tok.children):
                    continue  # "released a statement", "provided details": a publication, not an event
                if tok.dep_ in ("acl", "relcl") and tok.head.lemma_.lower() in self.document_objects:
                    continue  # "a statement released by the ministry"
                out.append(Candidate(tok, entry, tok, seg, "verb"))
                continue
            if tok.dep_ == "compound" or tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                continue  # "protest leaders", or a word inside a name
            carrier = tok
            if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in MEASURE_NOUNS:
                carrier = tok.head.head  # "held a series of meetings": the measure noun is the light verb's object
            head = carrier.head
            if (carrier.dep_ in LIGHT_NOUN_DEPS and head.i != carrier.i and head.pos_ in ("VERB", "AUX")
                    and head.lemma_.lower() in self.light_verbs and seg.start <= head.i < seg.end):
                if ("light", head.lemma_.lower(), tok.lemma_.lower()) in self.lex.not_events:
                    continue  # "took charge" is an assumption of office, not a charge
                out.append(Candidate(tok, entry, head, seg, "light"))
            else:
                out.append(Candidate(tok, entry, tok, seg, "nominal"))
        return out

    def _idiom(self, tok: Token) -> bool:
        """Whether a verb with one of its dependents is a set phrase that states no event ("asked not to be
        named", "declined to comment")."""
        lemma = tok.lemma_.lower()
        for c in tok.children:
            if ("verbs", lemma, c.lemma_.lower()) in self.lex.not_events:
                return True
            for g in c.children:
                if ("verbs", lemma, g.lemma_.lower()) in self.lex.not_events:
                    return True
        return False

    # -- complements --------------------------------------------------------------------------------------------
    def _absorb(self, cands: list[Candidate]) -> None:
        """A verbal event governing another event codes the pair as itself ("agreed to cooperate"); a verb of
        denial over an event is not a rejection but the event's negation ("denied meeting the delegation")."""
        by_token: dict[int, Candidate] = {}
        for c in cands:
            by_token.setdefault(c.token.i, c)
            by_token.setdefault(c.pred.i, c)
        negating = self.lex.cue("negating_governors")
        claim_nouns, rejecting = self.lex.cue("claim_nouns"), self.lex.cue("rejecting_governors")
        for c in cands:
            tok = c.pred
            via_claim = False
            for _ in range(4):
                if (tok.dep_ not in COMPLEMENT_DEPS or tok.head.i == tok.i
                        or not (c.seg.start <= tok.head.i < c.seg.end)):
                    break
                tok = tok.head
                # "rejected claims that it had detained X": the claim noun passes its clause on to the rejection
                via_claim = via_claim or (tok.pos_ == "NOUN" and tok.lemma_.lower() in claim_nouns)
                gov = by_token.get(tok.i)
                if gov is None or gov is c:
                    continue
                if tok.lemma_.lower() in negating or (via_claim and tok.lemma_.lower() in rejecting):
                    gov.dropped = True
                elif gov.entry.type in self.lex.absorbs or gov.entry.type == c.entry.type:
                    c.dropped = True
                break
        self._absorb_results(cands, by_token)
        # a light verb that is itself an event word ("hosted talks", "renewed negotiations", "granted asylum"):
        # the same type is one event, told by the verb; another type is the noun's event, the verb only carries it
        for c in cands:
            if c.kind == "light":
                gov = next((g for g in cands if g.token.i == c.pred.i and g.kind == "verb"), None)
                if gov is None or gov.dropped:
                    continue
                if gov.entry.type == c.entry.type:
                    c.dropped = True
                else:
                    gov.dropped = True

    def _absorb_results(self, cands: list[Candidate], by_token: dict[int, Candidate]) -> None:
        """A participle clause of result after an event ("walked off the job, halting the loading of ships",
        "attacked the convoy, killing nine") tells the governing event's effect: an event of the same type and
        mode, or of the type ``result_absorbs`` folds into the governing one, is dropped."""
        for c in cands:
            pred = c.pred
            if c.dropped or c.kind != "verb" or pred.dep_ != "advcl" or pred.tag_ != "VBG" or pred.i < pred.head.i:
                continue
            gov = by_token.get(pred.head.i)
            if gov is None or gov is c or gov.dropped:
                continue
            same = (gov.entry.type, gov.entry.mode) == (c.entry.type, c.entry.mode)
            if same or self.result_absorbs.get(gov.entry.type) == c.entry.type:
                c.dropped = True

    # -- parties ------------------------------------------------------------------------------------------------
    def _prep_objects(self, tok: Token, preps: set[str], seg: Span, skip: set[str] = frozenset()) -> list[Token]:
        out = []
        for p in children(tok, {"prep", "agent", "dative"}, seg):
            if p.lower_ in preps and p.lower_ not in skip:
                # a time or an amount ("on Wednesday") is neither a party nor a place
                out.extend(o for o in children(p, {"pobj", "pcomp"}, seg) if o.ent_type_ not in NON_PARTY_LABELS)
        return out

    def _parties(self, c: Candidate, binder: Binder) -> tuple[list[Token], list[Token], list[Token]]:
        """Actor heads, target heads and visit destinations of a candidate, from the parse."""
        seg, tok, pred = c.seg, c.token, c.pred
        visit = c.entry.mode == "visit"
        target_preps = self.target_preps | (self.visit_preps if visit else set())
        actors: list[Token] = []
        targets: list[Token] = []
        dest: list[Token] = []
        if c.kind in ("verb", "light"):
            subj, passive = subject_of(pred, seg)
            if c.kind == "light" and subj is not None and subj.i == tok.i:
                subj, passive = None, False  # "talks were held": the noun is no party
            if passive and pred.lower_ in self.stative_participles and not children(pred, {"agent"}, seg):
                passive = False  # "Israel is opposed to the plan" states Israel's stance, it is no passive
            if passive:
                if subj is not None:
                    targets.append(subj)
                actors.extend(o for a in children(pred, {"agent"}, seg) for o in children(a, {"pobj"}, seg))
            elif subj is not None:
                actors.append(subj)
            if c.kind == "verb":
                if not passive and pred.lemma_.lower() not in self.topic_verbs:
                    targets.extend(t for t in children(pred, OBJECT_DEPS, seg) if t.pos_ != "ADP")
                partners = self._prep_objects(pred, target_preps, seg, skip={"by"})
                # the object may be the thing given or done ("sent aid to Peru", "provided photographs to
                # Macedonia"): then the named partner of the preposition is the target
                if not targets or (partners and not any(binder.named(t, seg) for t in targets)
                                   and any(binder.named(t, seg) for t in partners)):
                    targets = partners
                answered = self._answered(pred, seg)
                if answered and not any(binder.entity_of(t, seg) for t in targets):
                    targets = answered  # "blocked streets in Hong Kong in defiance of the authorities"
                if not any(binder.named(t, seg) for t in targets):
                    # the party may sit in the complement: "demanded that the US cancel ...", "offered to hand
                    # them over to Britain", "refused to meet the king"
                    inner = self._complement_party(pred, seg, binder)
                    if inner is not None:
                        targets = [inner]
            else:
                targets.extend(self._prep_objects(tok, target_preps, seg))
                if not targets and c.entry.type not in self.of_actor_types:
                    # "mounted an invasion of Lebanon", "launched an investigation of the ministry"
                    targets.extend(self._prep_objects(tok, {"of"}, seg))
                if not targets:
                    targets.extend(children(pred, {"dative"}, seg))
                    targets.extend(self._prep_objects(pred, target_preps, seg, skip={"by"}))
        else:
            # nominal event: "Hameed's visit", "the attack by militants on the convoy", "talks between X and Y"
            by_phrase = self._prep_objects(tok, {"by"}, seg)
            possessive = children(tok, {"poss"}, seg)
            if (possessive and not by_phrase and c.entry.mode in self.patient_modes
                    and not self._prep_objects(tok, self.target_preps | {"of"}, seg)):
                targets.extend(possessive)  # "Saro-Wiwa's execution": the possessive is the one executed
                possessive = []
            actors.extend(possessive)
            actors.extend(by_phrase)
            of_objects = self._prep_objects(tok, {"of"}, seg)
            of_is_actor = c.entry.type in self.of_actor_types and c.entry.mode not in self.of_target_modes
            if of_is_actor and not actors:
                actors.extend(of_objects)
            if not actors:
                for m in children(tok, {"compound", "amod", "nmod"}, seg):
                    if binder.entity_of(m, seg) is not None:
                        actors.append(m)
                        break
            targets.extend(self._prep_objects(tok, target_preps - {"of"}, seg))
            if not of_is_actor:
                targets.extend(of_objects)
        # a document does not act, its issuer does: "the party issued a declaration demanding ..."
        actors = [subject_of(a.head, seg)[0] or a if a.lemma_.lower() in self.document_objects
                  and a.dep_ in OBJECT_DEPS else a for a in actors]
        # the trigger's own words are no party: "went on strike", "walked off the job", "reached an agreement"
        own = set(c.entry.companions)
        actors = [t for t in actors if t.lemma_.lower() not in own]
        targets = [t for t in targets if t.lemma_.lower() not in own]
        actors = [t for t in map(self._quantified, actors) if self._partyable(t, seg)]
        targets = [t for t in map(self._quantified, targets) if self._partyable(t, seg)]
        if visit:
            # the place gone to is the host of a visit: "trip to Kabul", "arrived in Kabul"; an "in" phrase that
            # names no place ("rushed, in his article, ...") is no destination
            dest = [t for t in targets if t.head.lower_ in self.visit_preps
                    and (t.ent_type_ in PLACE_LABELS or binder.place_in(t.idx, t.idx + len(t.text)))]
            targets = [t for t in targets if t.head.lower_ not in self.visit_preps or t in dest
                       or t.head.lower_ in self.target_preps]
        # "talks between X and Y", "clashes among factions": the first party acts, the others are targets
        if not actors and targets and targets[0].head.lower_ in ("between", "among"):
            actors = [targets[0]]
            targets = targets[1:] or [t for t in conjuncts(actors[0], seg)[1:]]
            if targets and targets[0] in conjuncts(actors[0], seg):
                actors = [actors[0]]
        return actors, targets, dest

    def _answered(self, pred: Token, seg: Span) -> list[Token]:
        """Whom an act answers or is meant for, named in a stance phrase ("blocked streets in defiance of the
        authorities", "fired rockets in retaliation for the raid") or in the event it prepares ("mobilized
        reservists for a war against Iraq")."""
        for obj in self._prep_objects(pred, {"in"}, seg):
            if obj.lemma_.lower() in self.stance_nouns:
                return self._prep_objects(obj, {"of", "to", "against", "at", "for"}, seg)
        for obj in self._prep_objects(pred, {"for"}, seg):
            if obj.lemma_.lower() in self.nouns:
                return self._prep_objects(obj, self.target_preps, seg)
        return []

    @staticmethod
    def _quantified(tok: Token) -> Token:
        """The party counted by a number or an amount: "hundreds of protesters" -> protesters, "70 million
        dollars of aid for Romania" -> aid."""
        if tok.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY") or tok.pos_ == "NUM":
            for p in tok.children:
                if p.dep_ == "prep" and p.lower_ == "of":
                    for o in p.children:
                        if o.dep_ == "pobj":
                            return o
        return tok

    @staticmethod
    def _partyable(tok: Token, seg: Span) -> bool:
        """Whether a phrase can be a party: not a time or amount ("on Tuesday"), not a dateline ("DOHA, Qatar —")."""
        if tok.ent_type_ in NON_PARTY_LABELS:
            return False
        if tok.i - seg.start <= 3 and tok.is_upper and len(tok.text) > 1:
            if any(t.text in DASHES for t in tok.doc[tok.i + 1 : min(tok.i + 6, seg.end)]):
                return False
        return True

    def _state_actor(self, party: Party, binder: Binder) -> bool:
        """Whether a party acts for the state: a government, military or police entity, a country, or a phrase
        headed by a state noun ("police", "the army", "authorities")."""
        if party.entity and binder.entity_sector(party.entity) in ("GOV", "MIL", "POL", "JUD"):
            return True
        if party.entity and binder.entity_type.get(party.entity) == "GPE":
            return True
        return party.token.lemma_.lower() in self.state_actors

    def _where_country(self, c: Candidate, binder: Binder, targets: list[Token]) -> str | None:
        """The country of the place an event word, or the thing it acts on, is located at ("demonstrated in
        Serbia", "lifted a state of emergency in West Darfur", "reimposed blockades in the West Bank")."""
        words = [c.pred, c.token, *targets, *children(c.pred, OBJECT_DEPS, c.seg)]
        words += [o for t in targets for o in self._prep_objects(t, {"of"}, c.seg)]
        for word in words:
            for obj in self._prep_objects(word, LOCATIVE_PREPS, c.seg):
                if obj.lemma_.lower() in self.stance_nouns:
                    continue  # "in defiance of the authorities" says whom, not where
                # the place itself, or the place a common noun is in ("at a jail in northern Israel", "in a
                # district of western Kabul")
                for where in (obj, *self._prep_objects(obj, LOCATIVE_PREPS | {"of"}, c.seg)):
                    if where.ent_type_ in PLACE_LABELS or binder.entity_of(where, c.seg):
                        country = binder.country_of(where, c.seg, binder.entity_of(where, c.seg))
                        if country:
                            return country
        return None

    def _complement_party(self, pred: Token, seg: Span, binder: Binder) -> Token | None:
        """The first named party of a verb's clausal complement: the subject of a that-clause, else the object
        or prepositional partner of an infinitive."""
        for comp in children(pred, {"ccomp"}, seg):
            for subj in children(comp, {"nsubj", "nsubjpass"}, seg):
                if binder.named(subj, seg):
                    return subj
        for comp in children(pred, {"xcomp"}, seg):
            for obj in [*children(comp, OBJECT_DEPS, seg), *self._prep_objects(comp, self.target_preps, seg)]:
                if obj.pos_ != "ADP" and binder.named(obj, seg):
                    return obj
        return None

    # -- context ------------------------------------------------------------------------------------------------
    def _place(self, c: Candidate, dest: list[Token], binder: Binder, para_start: int,
               parties: list[Token]) -> str | None:
        """Where the event happened: the place gone to, a place the event word is located at ("met in Kabul"),
        a place the sentence names outside its parties' phrases, or the last place named earlier in the
        paragraph."""
        def place_of(tok: Token) -> str | None:
            return binder.place_in(tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text))

        for d in dest:
            if found := place_of(d):
                return found
        for word in {c.pred, c.token}:
            for obj in self._prep_objects(word, LOCATIVE_PREPS, c.seg):
                if found := place_of(obj):
                    return found
        inside = [(p.left_edge.idx, p.right_edge.idx + len(p.right_edge.text)) for p in parties]
        named = binder.places_between(c.seg.start_char, c.seg.end_char)
        for start, end, place in named:
            if not any(s <= start < e for s, e in inside):
                return place
        # a place inside a party's phrase as the object of a locative preposition on the party itself ("met the
        # Taliban leadership in Kabul": the parser cannot tell where the phrase attaches) is where the meeting was;
        # deeper in the phrase it describes the party ("Akhtari, the head of the political office in Doha"), and as
        # a modifier ("Pakistani ISI chief", "Kabul's envoy") it says who
        doc = c.seg.doc
        heads = {p.i for p in parties}
        for start, end, place in named:
            span = doc.char_span(start, end, alignment_mode="expand")
            head = span.root if span is not None else None
            if (head is not None and head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS
                    and (head.head.head.i in heads or not heads)):
                return place
        return binder.place_before(c.seg.start_char, para_start)

    def _date(self, c: Candidate, binder: Binder, published: str | None) -> str | None:
        best: tuple[int, str | None] | None = None
        for start, _end, value in binder.dates_in(c.seg.start_char, c.seg.end_char):
            dist = abs(start - c.token.idx)
            if best is None or dist < best[0]:
                best = (dist, value)
        if best is not None:
            return best[1]
        return published[:10] if published else None

    # -- the component ------------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.nt_events = self.code(doc)
        except Exception as exc:  # noqa: BLE001 - one odd parse must not lose the document's other analyses
            log.warning("event coding failed: %s", exc)
            doc._.nt_events = []
        return doc

    def code(self, doc: Doc) -> list[Event]:
        """The events of a Doc, in text order."""
        if len(doc) == 0:
            return []
        # "denied arresting the activist": a gerund complement the parser took for an adjective is put right first
        repair_gerund_complements(doc, self.gerund_governors)
        matches = self.matches(doc)
        if not matches:
            return []
        text = doc_text(doc)  # built from the tokens on each access: read it once
        segs = segments(doc, text)
        starts = [seg.start for seg, _p in segs]
        fit: dict[int, bool] = {}

        def seg_of(i: int) -> int:
            """The usable segment holding token i, or -1 (each segment is judged once, when first needed)."""
            si = bisect.bisect_right(starts, i) - 1
            if si < 0 or not (segs[si][0].start <= i < segs[si][0].end):
                return -1
            if si not in fit:
                fit[si] = usable(segs[si][0], self.max_tokens)
            return si if fit[si] else -1

        para_of = {seg.start: p for seg, p in segs}
        cands = self._candidates(doc, matches, seg_of, segs)
        if not cands:
            return []
        self._absorb(cands)
        binder = Binder(doc, text, self.dictionary)
        meta = doc._.nt_meta or {}
        body_start = int(meta.get("body_start") or 0)
        published = meta.get("published")
        events: list[Event] = []
        per_seg: dict[int, int] = {}
        for c in sorted(cands, key=lambda c: c.token.i):
            if c.dropped:
                continue
            actors, targets, dest = self._parties(c, binder)
            if not actors and not targets:
                continue  # an event word with no party in the parse says too little to code
            if c.entry.weak and not dest and not any(binder.named(t, c.seg) for t in targets[:1]):
                continue  # an everyday verb ("provided", "received") is an event only towards a named party
            actor_parties = [binder.party(t, c.seg) for a in actors[:1] for t in conjuncts(a, c.seg)]
            target_parties = [binder.party(t, c.seg) for a in targets[:1] for t in conjuncts(a, c.seg)]
            etype = c.entry.type
            if etype in self.symmetric and len(actor_parties) > 1 and not target_parties:
                # "Pakistan and Afghanistan held talks": the first party acts, the others are its partners
                actor_parties, target_parties = actor_parties[:1], actor_parties[1:]
            modality = modality_of(c.pred, c.token, c.seg, self.lex, text)
            mode, cameo, flags = c.entry.mode, c.entry.cameo, []
            if c.entry.civil and actor_parties and not self._state_actor(actor_parties[0], binder):
                # "demonstrators blocked the bridge": an obstruction protest, not a state's restriction
                etype, _, civil_mode = c.entry.civil.partition("/")
                mode, cameo = civil_mode.lower() or None, self.type_cameo.get(etype) or None
            if modality in ("future", "conditional") and etype in self.retype:
                # PLOVER codes an intended act as the verbal event it amounts to
                flags.append(f"intended:{etype}")
                etype = self.retype[etype]
                mode, cameo = None, self.type_cameo.get(etype) or None
            elif modality == "negated" and etype in self.negated_retype:
                # a refused agreement is a rejection, asserted
                flags.append(f"negated:{etype}")
                etype, modality = self.negated_retype[etype], "asserted"
                mode, cameo = None, self.type_cameo.get(etype) or None
            if c.token.idx < body_start:
                flags.append("headline")
            if c.kind == "nominal":
                flags.append("nominal")
            lo = min(c.pred.i, c.token.i)
            hi = max(c.pred.i, c.token.i)
            trig = doc[lo : hi + 1]
            seg_start, seg_end = c.seg.start_char, c.seg.end_char
            evidence = Evidence(start=seg_start, end=seg_end, text=text[seg_start:seg_end],
                                trigger=[trig.start_char, trig.end_char])
            place = self._place(c, dest, binder, para_of.get(c.seg.start, 0), [*actors, *targets])
            date = self._date(c, binder, published)
            # an unnamed party of a domestic event ("people blocked streets in Hong Kong", "lifted the state of
            # emergency in West Darfur") is coded with the country where the event happens
            where = (self._where_country(c, binder, targets[:1]) if c.entry.type in self.location_target_types
                     else None)
            pairs = [(a, t) for a in (actor_parties or [None]) for t in (target_parties or [None])]
            for actor, target in pairs:
                n = per_seg.get(c.seg.start, 0)
                if n >= self.max_events:
                    break
                if actor is not None and target is not None and actor.entity and actor.entity == target.entity:
                    if len(target_parties) > 1:
                        continue  # one of several partners is the actor itself
                    target = None
                per_seg[c.seg.start] = n + 1
                actor_country = _country(actor, where, binder)
                home = actor_country if etype in self.own_country_types else None
                events.append(Event(
                    id=f"v{len(events) + 1}", type=etype, mode=mode, cameo=cameo,
                    actor=actor.entity if actor else None, target=target.entity if target else None,
                    place=place, date=date, modality=modality, evidence=evidence, flags=list(flags),
                    actor_text=actor.text if actor else None, target_text=target.text if target else None,
                    trigger=trig.text, actor_country=actor_country, target_country=_country(target, where or home, binder),
                ))
        return events


def _country(party: Party | None, where: str | None, binder: Binder) -> str | None:
    """A party's country, else (for a party that names no one, or only a place, or none at all) the country where
    it happens."""
    if party is None or party.country:
        return party.country if party else where
    if party.entity and not party.ethnic and binder.entity_type.get(party.entity) not in PLACE_ONLY_LABELS:
        return None  # a named actor of unknown country
    return where


@Language.factory(
    "newstrace_events",
    assigns=["doc._.nt_events"],
    requires=["token.dep", "token.lemma", "token.pos"],
)
def make_events(nlp: Language, name: str) -> EventCoder:
    """The event coder over the shipped lexicon plus the user's files (``NEWSTRACE_LEXICONS``)."""
    return EventCoder(nlp)
