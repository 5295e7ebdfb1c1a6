"""The attribution component: on whose word each event rests.

Sets ``Event.source`` for every event in ``doc._.nt_events`` and writes ``doc._.nt_sourcing`` (events counted by
source kind). The rules, in order:

1. an event inside a quote, a reported clause or a block passage belongs to that quote's speaker (the innermost
   quote wins, so Clinton's line quoted inside Rubin's passage is Clinton's); ``source.quote`` is the quote id;
2. an event in a sentence that leans on an unnamed source ("it is believed", "officials who asked not to be
   named", "reports emerged") rests on that anonymous source;
3. otherwise the outlet asserts it on its own word: ``author``.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from newstrace.analyze.lexicons import words
from newstrace.analyze.pipeline import doc_value, sourcing_profile
from newstrace.analyze.speakers import anonymity_phrases
from newstrace.model import Event, Quote, Source

log = logging.getLogger(__name__)


def _anchor(ev: Event) -> tuple[int, int]:
    """The characters that place an event: its trigger when known, else its evidence sentence."""
    trig = ev.evidence.trigger
    if trig and len(trig) == 2 and trig[0] is not None:
        return int(trig[0]), int(trig[1])
    return ev.evidence.start, ev.evidence.end


MIN_UNATTRIBUTED_WORDS = 4  # a shorter quoted phrase nobody is said to have said is a scare quote, not a source


def innermost_quote(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The shortest quote whose content holds [start, end): nested quotes are more specific than their hosts.

    A short quoted phrase with neither speaker nor cue ("an “emergency” trip") vouches for nothing and is passed over.
    """
    best = None
    for q in quotes:
        if q.speaker is None and q.cue is None and len(q.text.split()) < MIN_UNATTRIBUTED_WORDS:
            continue
        if q.start <= start and end <= q.end and (best is None or q.end - q.start < best.end - best.start):
            best = q
    return best


def source_of_quote(q: Quote) -> Source:
    """The source an event inherits from the quote it sits in."""
    kind = q.kind or ("person" if q.speaker else "anonymous")
    if kind == "none":
        kind = "anonymous"
    return Source(kind=kind, entity=q.speaker, text=q.speaker_text, cue=q.cue, quote=q.id)


def _scope(phrase: Span) -> tuple[int, int]:
    """The characters an anonymous cue vouches for: the clause its verb governs.

    "it is believed that X" and "X, officials who asked not to be named said" cover their whole clause; "after
    reports emerged about a clash" covers only the clause of "emerged", not the sentence around it.
    """
    tok = phrase.root
    # a noun source ("sources", "officials who ...") speaks through its verb
    while tok.dep_ not in {"ROOT"} and tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ in {"parataxis"} and tok.head.i != tok.i:
        tok = tok.head  # "The plan, sources said, ..." vouches for the clause it interrupts
    tok = _speech_of_withholding(tok)
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def _speech_of_withholding(verb: Token) -> Token:
    """The speech verb a withholding clause describes, or ``verb`` itself.

    "..., two officials told GlobeWire, speaking on condition of anonymity" and "officials who asked not to be
    named said ..." tell how the source speaks, not what it says: the anonymity covers the clause of the speech
    verb (its content and the description of the source). A clause modifying any other verb ("withdrew after reports
    emerged") keeps its own scope.
    """
    speech = words("quotes/cues", "speech_verbs")
    if verb.dep_ in {"advcl", "xcomp", "conj"} and verb.head.i != verb.i and verb.head.lemma_.casefold() in speech:
        # a participle or conjoined clause of the speech verb: "told X, speaking on condition of anonymity"
        return verb.head
    if verb.dep_ in {"relcl", "acl"} and verb.head.i != verb.i:
        # a clause on the source noun: "officials who asked not to be named said", "a source, not authorised to
        # speak publicly, told ..."
        noun = verb.head
        if noun.dep_ in {"nsubj", "nsubjpass"} and noun.head.lemma_.casefold() in speech:
            return noun.head
    return verb


class Attributor:
    """Give every event its source (the ``newstrace_attribution`` component)."""

    def __init__(self, nlp: Language) -> None:
        self.anonymous = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrases = sorted(anonymity_phrases())
        self.anonymous.add("ANONYMOUS", [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        events = doc_value(doc, "nt_events")
        try:
            quotes = list(doc_value(doc, "nt_quotes"))
            anon = [(doc[s:e], _scope(doc[s:e])) for _, s, e in self.anonymous(doc)]
            for ev in [*events, *doc_value(doc, "nt_happenings")]:
                ev.source = self.source(doc, ev, quotes, anon)
        except Exception as exc:  # noqa: BLE001 - a failure here leaves the events on the author's word
            log.warning("attribution: %s: %s", type(exc).__name__, exc)
        doc._.nt_sourcing = sourcing_profile(events)
        return doc

    def source(self, doc: Doc, ev: Event, quotes: list[Quote],
               anon: list[tuple[Span, tuple[int, int]]]) -> Source:
        """The source of one event (rules 1-3 of the module docstring)."""
        start, end = _anchor(ev)
        q = innermost_quote(quotes, start, end)
        if q is not None and q.kind != "author":
            return source_of_quote(q)
        # an anonymous cue in the event's own sentence
        for phrase, (c_start, c_end) in anon:
            if c_start <= start and end <= c_end and not (phrase.start_char <= start < phrase.end_char):
                return Source(kind="anonymous", text=phrase.text, cue=phrase.text)
        return Source(kind="author")


@Language.factory("newstrace_attribution", assigns=["doc._.nt_sourcing"], requires=["doc._.nt_quotes"])
def make_attribution(nlp: Language, name: str) -> Attributor:
    """The attribution component: ``Event.source`` for every event and the article's sourcing profile."""
    return Attributor(nlp)
