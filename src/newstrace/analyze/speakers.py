"""Who a speaker phrase refers to: a named entity, a pronoun or description bound to one, or an unnamed source.

``resolve_speaker`` takes the phrase as the parser found it (the subject of "said", the object of "according
to") and yields a ``Speaker``: the entity id when one can be bound, the phrase as written, and the source kind
(person, organization, outlet, anonymous, document, author). Pronouns and definite descriptions bind only to an
entity in the same or the previous sentence of the same paragraph; nothing is guessed across paragraphs.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newstrace.analyze.lexicons import words
from newstrace.analyze.names import doc_text
from newstrace.analyze.pipeline import doc_value
from newstrace.model import Entity

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them"}
THING_PRONOUNS = {"it"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
OUTLET_VOICE = {"we", "i", "us"}  # outside quotes, the writer speaking in person is the outlet's own voice
PERSON_TYPES = {"PERSON"}
GROUP_TYPES = {"ORG", "GPE", "NORP"}
PERSON_ROLE_NOUNS = {
    "official", "spokesman", "spokeswoman", "spokesperson", "minister", "president", "senator", "secretary",
    "chief", "head", "leader", "director", "commander", "general", "envoy", "ambassador", "diplomat", "scholar",
    "analyst", "expert", "governor", "mayor", "prosecutor", "judge", "candidate", "nominee", "lawmaker", "aide",
    "adviser", "advisor", "chairman", "chairwoman", "founder", "co-founder", "man", "woman", "writer", "author",
    "columnist", "reporter", "journalist", "correspondent", "professor", "researcher", "officer", "premier",
    "king", "queen", "prince", "emir", "cleric", "negotiator", "mediator", "representative", "congressman",
    "congresswoman", "strategist", "manager", "executive", "businessman", "activist", "lawyer", "attorney",
    "economist", "historian", "veteran", "rival", "opponent", "predecessor", "successor", "incumbent",
}
# descriptions of states and their organs bind to organisations or countries; the rest only to organisations
STATE_ROLE_NOUNS = {"ministry", "government", "administration", "regime", "embassy", "authorities", "cabinet",
                    "parliament", "congress", "senate", "court", "army", "military", "police", "department"}
GROUP_ROLE_NOUNS = {
    "agency", "group", "militia", "movement", "party", "organisation", "organization", "office", "company", "firm",
    "council", "committee", "campaign", "coalition", "alliance", "union", "leadership", "force", "forces",
    "institute", "commission", "network", "faction",
}


@dataclass
class Speaker:
    """A resolved speaker: the entity id (or None), the phrase as written, and its source kind."""

    entity: str | None
    text: str | None
    kind: str
    start: int | None = None
    end: int | None = None


class EntityIndex:
    """The article's entity mentions sorted by offset, for "which entity is at these characters" lookups."""

    def __init__(self, entities: list[Entity]) -> None:
        rows = sorted((s, e, ent) for ent in entities for s, e in ent.mentions)
        self.starts = [r[0] for r in rows]
        self.rows = rows
        self.by_id = {ent.id: ent for ent in entities}

    def at(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping [start, end), the longest mention first."""
        best = None
        i = bisect.bisect_left(self.starts, end)
        for s, e, ent in reversed(self.rows[max(0, i - 40):i]):
            if s < end and e > start and (best is None or e - s > best[1] - best[0]):
                best = (s, e, ent)
        return best[2] if best else None

    def between(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        """The mentions wholly inside [start, end), in text order."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [r for r in self.rows[lo:hi] if r[1] <= end]


def entity_index(doc: Doc) -> EntityIndex:
    """The entity index of a Doc, built once per Doc and kept on ``doc.user_data``."""
    idx = doc.user_data.get("nt_entity_index")
    if idx is None:
        idx = EntityIndex(list(doc_value(doc, "nt_entities")))
        doc.user_data["nt_entity_index"] = idx
    return idx


def is_page_label(doc: Doc, start: int, end: int) -> bool:
    """Whether the phrase at ``[start, end)`` is a label the page prints over one of its parts (a caption, a
    credit, a media box, a sidebar), which stands where a speaker would but never speaks.

    A label opens its line and ends it, or is followed by a colon or a comma ("MEDIA CAPTION: ...", "VIDEO",
    "IMAGE SOURCE, GETTY IMAGES"); a word in running text ("the video shows ...", "THE MINISTER SAID" in a text
    set in capitals) is none. In that place it is a label when it is
    - a label of ``data/quotes/labels.yaml`` ("MEDIA CAPTION", "VIDEO", "Related Topics"), or one before a comma
      ("IMAGE SOURCE, GETTY IMAGES");
    - set all in capitals with a function word in it ("A SIMPLE GUIDE", "MORE ON THIS STORY"), naming no person
      or organisation (a name in capitals, "WALLACE:" opening a transcript turn, is one the entity component
      found).
    """
    full = doc_text(doc)
    text = full[start:end]
    opens_line = full[full.rfind("\n", 0, start) + 1:start].strip(" \t\"'\u201c") == ""
    after = full[end:end + 2].lstrip(" \t")
    if not opens_line or not (after == "" or after[:1] in ":,\n"):
        return False
    key = " ".join(text.casefold().split()).strip(" ,:;-\u2013\u2014")
    labels = words("quotes/labels", "labels")
    if key in labels or key.split(",")[0].strip() in labels:
        return True
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 2 or not any(t.is_stop for t in span):
        return False
    ent = entity_index(doc).at(start, end)
    return ent is None or ent.type not in ("PERSON", "ORG")


def anonymity_phrases() -> frozenset[str]:
    """Every phrase that marks a source as unnamed: the anonymity cues ("sources said", "it is believed") and the
    phrases that withhold a name ("on condition of anonymity", "not authorised to speak")."""
    return words("quotes/anonymous", "phrases") | words("quotes/anonymous", "withholding")


def withholds_name(verb: Token, content: tuple[int, int] | None = None) -> bool:
    """Whether a clause or phrase on a speech verb withholds its speaker's name: "told reporters on condition of
    anonymity", "said, speaking on condition of anonymity", "told GlobeWire, declining to be identified".

    Such a speaker is anonymous whatever its description names ("the ministry's spokesman", "two central bank
    officials"). The reported content (``content``, character offsets) is not searched: a source may report that
    someone else asked not to be named.
    """
    withholding = words("quotes/anonymous", "withholding")
    for child in verb.children:
        if child.dep_ not in {"advcl", "prep", "npadvmod", "advmod", "conj", "xcomp"}:
            continue
        start, end = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
        if content is not None and start < content[1] and content[0] < end:
            continue
        text = " " + " ".join(t.lower_ for t in child.subtree) + " "
        if any(" " + p + " " in text for p in withholding):
            return True
    return False


def is_outlet_name(name: str) -> bool:
    """An organisation whose name says it is a news outlet ("the Daily Courier", "Reuters")."""
    low = name.casefold().strip()
    if low.startswith("the "):
        low = low[4:]
    if low in words("quotes/outlets", "names"):
        return True
    return any(w in words("quotes/outlets", "name_words") for w in low.replace("-", " ").split())


def kind_of_entity(ent: Entity, cue: str | None = None) -> str:
    """The source kind of a named entity: a person, an outlet, or an organisation (governments included)."""
    if ent.type in PERSON_TYPES:
        return "person"
    if ent.type == "ORG" and (is_outlet_name(ent.name) or any(is_outlet_name(a) for a in ent.aliases)):
        return "outlet"
    return "organization"


def _trim(span: Span) -> Span:
    """The span without leading/trailing punctuation and spaces."""
    s, e = span.start, span.end
    while s < e and (span.doc[s].is_punct or span.doc[s].is_space):
        s += 1
    while e > s and (span.doc[e - 1].is_punct or span.doc[e - 1].is_space):
        e -= 1
    # keep a closing bracket whose opening bracket is inside ("the Institute (AEI)")
    if e < len(span.doc) and span.doc[e].text == ")" and "(" in span.doc[s:e].text and ")" not in span.doc[s:e].text:
        e += 1
    return span.doc[s:e]


def phrase_of(tok: Token, stop: int | None = None, limit: int = 25) -> Span:
    """The noun phrase headed by ``tok``: its subtree, cut before a quote mark or ``stop`` and at ``limit`` tokens."""
    doc = tok.doc
    left, right = tok.left_edge.i, tok.right_edge.i + 1
    if stop is not None and left < stop <= tok.i:
        left = stop
    if stop is not None and tok.i < stop < right:
        right = stop
    # a quotation inside the subject is not part of the speaker
    for i in range(tok.i + 1, right):
        if doc[i].is_quote or doc[i].text in {"\u201c", "\u201d", '"'}:
            right = i
            break
    for i in range(tok.i - 1, left - 1, -1):
        if doc[i].is_quote or doc[i].text in {"\u201c", "\u201d", '"'}:
            left = i + 1
            break
    # a relative clause that reports speech is a second attribution, not part of the speaker ("X, who said ...")
    for sub in tok.subtree:
        if sub.i > tok.i and sub.dep_ in {"relcl", "acl"} and sub.lemma_.casefold() in words("quotes/cues", "speech_verbs") \
                and left < sub.left_edge.i < right:
            right = sub.left_edge.i
    left = max(left, tok.i - limit)
    right = min(right, tok.i + limit)
    return _trim(doc[left:right])


def _sentence_window(doc: Doc, pos: int, para_start: int) -> int:
    """Where a backward search for an antecedent may start: the previous sentence's start, never before the paragraph."""
    sent = doc[pos].sent
    start = sent.start
    if sent.start > 0:
        start = doc[sent.start - 1].sent.start
    return max(doc[start].idx, para_start)


def _antecedent(doc: Doc, before: int, para_start: int, types: set[str], avoid: list[tuple[int, int]],
                near_from: int | None = None, no_outlets: bool = False) -> tuple[Entity, int, int] | None:
    """The nearest entity of ``types`` mentioned before ``before`` in this or the previous sentence.

    Subjects are preferred to other mentions (a pronoun subject usually continues the previous subject), and
    mentions inside quotations (``avoid``) are skipped: a name in someone's quote is not who speaks.
    """
    idx = entity_index(doc)
    window_from = near_from if near_from is not None else _sentence_window(doc, _tok_at(doc, before), para_start)
    cands = [(s, e, ent) for s, e, ent in idx.between(window_from, before)
             if ent.type in types and not any(a <= s < b for a, b in avoid)
             and not (no_outlets and kind_of_entity(ent) == "outlet")]
    if not cands:
        return None
    subjects, kept = [], []
    speech = words("quotes/cues", "speech_verbs")
    for s, e, ent in cands:
        span = doc.char_span(s, e, alignment_mode="expand")
        root = span.root if span is not None else None
        # the listener of a speech verb ("told Meridian that ...") is not who the description refers to
        if root is not None and root.dep_ in {"dobj", "dative"} and root.head.lemma_.casefold() in speech:
            continue
        kept.append((s, e, ent))
        if root is not None and root.dep_ in {"nsubj", "nsubjpass"}:
            subjects.append((s, e, ent))
    cands = kept
    if not cands:
        return None
    s, e, ent = (subjects or cands)[-1]
    return ent, s, e


def _role_holder(doc: Doc, start: int, end: int) -> Entity | None:
    """The person the entities component bound to a role description, when that component offers it."""
    try:
        from newstrace.analyze.entities import entity_at
    except ImportError:
        return None
    try:
        ent = entity_at(doc, start, end)
    except Exception:  # noqa: BLE001 - the binding is a bonus; without it the description stays unbound
        return None
    return ent if ent is not None and ent.type in PERSON_TYPES else None


def _tok_at(doc: Doc, char: int) -> int:
    """The index of the token at or just before a character offset."""
    lo, hi = 0, len(doc) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc[mid].idx <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def resolve_speaker(phrase: Span, para_start: int, avoid: list[tuple[int, int]], cue: str | None = None,
                    anchor: int | None = None) -> Speaker:
    """The speaker behind a phrase: a named entity, an antecedent of a pronoun or description, or an unnamed source.

    Rules, in order: a name inside the phrase is the speaker; "he/she" bind to the nearest person, "they/it" to the
    nearest organisation, country or group, and "the former official" to the nearest person (in this or the previous
    sentence, counted from ``anchor`` when given: the quote the phrase attributes, since a parser often cuts a
    sentence at a quote mark); "I/we" outside quotes is the outlet itself; a document noun ("a statement") is a document, an outlet
    noun or name an outlet; "sources", "officials", "a source close to ..." and any phrase that withholds a name are
    anonymous.
    """
    doc = phrase.doc
    text = phrase.text
    start, end = phrase.start_char, phrase.end_char
    if not len(phrase):
        return Speaker(None, None, "anonymous")
    head = phrase.root
    low = head.lower_
    idx = entity_index(doc)
    window = _tok_at(doc, min(anchor, start) if anchor is not None else start)
    # a relative pronoun ("officials who said") stands for the noun it modifies, an appositive for its head
    if low in RELATIVE_PRONOUNS and head.head.dep_ == "relcl" and head.head.head.i < head.i:
        noun = head.head.head
        if noun.dep_ == "appos" and noun.head.i < noun.i:
            noun = noun.head
        sub = resolve_speaker(phrase_of(noun, stop=head.i), para_start, avoid, cue, anchor)
        return Speaker(sub.entity, text, sub.kind, start, end)
    # withheld names win over any name inside the phrase ("a source close to the Taliban")
    lowered = " " + phrase.text.casefold() + " "
    if any(" " + p + " " in lowered for p in anonymity_phrases()):
        return Speaker(None, text, "anonymous", start, end)
    lemma = head.lemma_.casefold()
    is_document = head.pos_ == "NOUN" and (lemma in words("quotes/cues", "document_nouns")
                                          or low in words("quotes/cues", "document_nouns"))
    # a name: the entity whose mention covers the phrase head, else a name in apposition to a role noun
    # ("the spokesman, John Kirby"); a possessive name is the owner, not the speaker ("Hameed's visit")
    ent = idx.at(head.idx, head.idx + len(head.text))
    if ent is None:
        for child in head.children:
            if child.dep_ in {"appos", "compound", "poss"} and (
                child.dep_ != "poss" or is_document
            ) and (child.dep_ != "compound" or lemma in PERSON_ROLE_NOUNS | GROUP_ROLE_NOUNS or is_document):
                cand = idx.at(child.idx, child.idx + len(child.text))
                if cand is not None and child.dep_ != "appos" and lemma in PERSON_ROLE_NOUNS and cand.type != "PERSON":
                    continue  # "the ISPR chief" is a person of that organisation, bound below
                if cand is not None:
                    ent = cand
                    break
    if ent is not None:
        if is_document:
            return Speaker(ent.id, text, "document", start, end)
        return Speaker(ent.id, text, kind_of_entity(ent, cue), start, end)
    if low in OUTLET_VOICE:
        return Speaker(None, text, "author", start, end)
    if low in PERSON_PRONOUNS or low in GROUP_PRONOUNS or low in THING_PRONOUNS:
        if low in THING_PRONOUNS and head.dep_ == "nsubjpass" or (low == "it" and head.dep_ == "expl"):
            # "it is believed that ..." hides who believes it
            return Speaker(None, text, "anonymous", start, end)
        types = PERSON_TYPES if low in PERSON_PRONOUNS else GROUP_TYPES
        found = _antecedent(doc, start, para_start, types, avoid,
                            near_from=_sentence_window(doc, window, para_start), no_outlets=low not in PERSON_PRONOUNS)
        if found is None:
            return Speaker(None, text, "anonymous" if low in GROUP_PRONOUNS else "person", start, end)
        ent, _, _ = found
        return Speaker(ent.id, text, kind_of_entity(ent, cue), start, end)
    if is_document:
        return Speaker(None, text, "document", start, end)
    if low in words("quotes/cues", "report_nouns"):
        return Speaker(None, text, "anonymous", start, end)
    if lemma in words("quotes/outlets", "nouns") and lemma not in {"media"}:
        return Speaker(None, text, "outlet", start, end)
    definite = any(t.lower_ in {"the", "this", "that"} or t.dep_ == "poss" for t in head.lefts)
    plural = head.tag_ in {"NNS", "NNPS"}
    if definite and not plural and (lemma in PERSON_ROLE_NOUNS or lemma in GROUP_ROLE_NOUNS | STATE_ROLE_NOUNS):
        # "the former Pentagon official said": the nearest named person (an organisation for "the ministry")
        types = PERSON_TYPES if lemma in PERSON_ROLE_NOUNS else ({"ORG", "GPE"} if lemma in STATE_ROLE_NOUNS
                                                                  else {"ORG", "NORP"})
        found = _antecedent(doc, start, para_start, types, avoid,
                            near_from=_sentence_window(doc, window, para_start), no_outlets=True)
        if found is not None:
            ent, _, _ = found
            return Speaker(ent.id, text, kind_of_entity(ent, cue), start, end)
        if lemma in PERSON_ROLE_NOUNS:
            # a role the article itself gave a named person earlier ("Gen Awan, the ISI chief, ...")
            bound = _role_holder(doc, start, end)
            if bound is not None:
                return Speaker(bound.id, text, "person", start, end)
    if lemma in words("quotes/anonymous", "nouns") or low in words("quotes/anonymous", "nouns"):
        return Speaker(None, text, "anonymous", start, end)
    if head.pos_ == "PROPN":
        # a name the entity recogniser missed is still a named source; its apposition tells what kind
        appos = {c.lemma_.casefold() for c in head.children if c.dep_ == "appos"}
        kind = "organization" if appos & (GROUP_ROLE_NOUNS | STATE_ROLE_NOUNS) else "person"
        return Speaker(None, text, kind, start, end)
    if lemma in GROUP_ROLE_NOUNS or lemma in STATE_ROLE_NOUNS:
        return Speaker(None, text, "organization", start, end)
    if lemma in PERSON_ROLE_NOUNS:
        return Speaker(None, text, "anonymous", start, end)
    # an inanimate subject ("the visit affirms that ...") is evidence in the writer's argument, not a source
    return Speaker(None, text, "none", start, end)
