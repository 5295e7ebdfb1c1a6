"""The flags component: spans a reader should look at twice, never a verdict on truth.

Writes ``doc._.nt_flags`` (``Flag(kind, start, end, text)`` in text order) and adds each flag's kind to the
events whose sentence it touches. Kinds and their cue phrases are data (``data/flags/*.yaml`` plus the user's
files): ``exclusive`` ("we have learned", "none of the media ... has exposed"), ``overclaim`` ("evidently
proves"), ``hedge`` ("reportedly"), ``loaded`` (pejorative wording); ``anonymous`` marks unnamed sources, from
the anonymous-source phrases and from the speakers of anonymous quotes.

An exclusive claim is often restated elsewhere in the article, the headline first of all: an event of the same
type whose sentence shares at least two content words with the exclusive sentence carries the flag too.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newstrace.analyze.lexicons import flag_exceptions, flag_lexicons
from newstrace.analyze.names import doc_text
from newstrace.analyze.pipeline import doc_value
from newstrace.analyze.speakers import anonymity_phrases
from newstrace.model import Event, Flag

log = logging.getLogger(__name__)

CONTENT_POS = {"NOUN", "ADJ", "VERB"}
MIN_SHARED_WORDS = 2
SENTENCE_KINDS = ("exclusive", "overclaim", "hedge", "loaded", "anonymous")


def cue_matcher(nlp: Language, kinds: tuple[str, ...] | None = None) -> PhraseMatcher:
    """A PhraseMatcher of the flag lexicons' cue phrases (of these kinds, or all), labelled by kind."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for kind, phrases in flag_lexicons().items():
        if kinds is None or kind in kinds:
            matcher.add(kind, [nlp.make_doc(p) for p in sorted(set(phrases))])
    return matcher


def cue_spans(doc: Doc, matcher: PhraseMatcher) -> dict[str, list[Span]]:
    """The cue spans of a Doc by kind, less those a word of the kind's ``not_followed_by`` list follows ("exclusive
    economic zone")."""
    skip = flag_exceptions()
    out: dict[str, list[Span]] = {}
    for match_id, s, e in matcher(doc):
        kind = doc.vocab.strings[match_id]
        if e < len(doc) and doc[e].lower_ in skip.get(kind, ()):
            continue
        out.setdefault(kind, []).append(doc[s:e])
    return out


class Flagger:
    """Match the flag lexicons once per Doc and hand the kinds to the events they touch."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = cue_matcher(nlp)
        anon = sorted(anonymity_phrases())
        self.matcher.add("anonymous", [nlp.make_doc(p) for p in anon])
        self.vocab = nlp.vocab

    def __call__(self, doc: Doc) -> Doc:
        try:
            flags = self.flags(doc)
            self.mark_events(doc, flags, [*doc_value(doc, "nt_events"), *doc_value(doc, "nt_happenings")])
        except Exception as exc:  # noqa: BLE001 - flags are advisory; a failure leaves none
            log.warning("flags: %s: %s", type(exc).__name__, exc)
            flags = []
        doc._.nt_flags = flags
        return doc

    def flags(self, doc: Doc) -> list[Flag]:
        """Every flag span: lexicon matches (longest per kind) and the speakers of anonymous quotes."""
        by_kind = cue_spans(doc, self.matcher)
        out: list[Flag] = []
        for kind, spans in by_kind.items():
            for span in filter_spans(spans):
                out.append(Flag(kind=kind, start=span.start_char, end=span.end_char, text=span.text))
        seen = {(f.start, f.end) for f in out if f.kind == "anonymous"}
        for q in doc_value(doc, "nt_quotes"):
            if q.kind == "anonymous" and q.speaker_span and tuple(q.speaker_span) not in seen:
                s, e = q.speaker_span
                if not any(f.kind == "anonymous" and f.start <= s < f.end for f in out):
                    out.append(Flag(kind="anonymous", start=s, end=e, text=doc_text(doc)[s:e]))
                    seen.add((s, e))
        out.sort(key=lambda f: (f.start, f.end, f.kind))
        return out

    def mark_events(self, doc: Doc, flags: list[Flag], events: list[Event]) -> None:
        """Add each flag's kind to the events of the sentence it sits in; spread ``exclusive`` to restatements."""
        for ev in events:
            s, e = ev.evidence.start, ev.evidence.end
            for f in flags:
                if s <= f.start and f.end <= e and f.kind not in ev.flags:
                    ev.flags.append(f.kind)
        exclusive = [f for f in flags if f.kind == "exclusive"]
        if not exclusive:
            return
        claims = []
        for f in exclusive:
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            if span is None:
                continue
            sent = span.sent
            claim_words = self._content_lemmas(sent, skip=(span.start, span.end))
            claim_types = {ev.type for ev in events if ev.evidence.start <= f.start < ev.evidence.end}
            claims.append((claim_words, claim_types))
        for ev in events:
            if "exclusive" in ev.flags:
                continue
            span = doc.char_span(ev.evidence.start, ev.evidence.end, alignment_mode="expand")
            if span is None:
                continue
            ev_words = self._content_lemmas(span)
            for claim_words, claim_types in claims:
                if len(ev_words & claim_words) >= MIN_SHARED_WORDS and (not claim_types or ev.type in claim_types):
                    ev.flags.append("exclusive")
                    break

    @staticmethod
    def _content_lemmas(span: Span, skip: tuple[int, int] | None = None) -> set[str]:
        """The content words of a span (nouns, adjectives, verbs; no stop words), lemmatised and lower-cased."""
        out = set()
        for tok in span:
            if skip and skip[0] <= tok.i < skip[1]:
                continue
            if tok.pos_ in CONTENT_POS and not tok.is_stop and tok.is_alpha and len(tok.text) > 2:
                out.add(tok.lemma_.casefold())
        return out


@Language.factory("newstrace_flags", assigns=["doc._.nt_flags"], requires=["doc._.nt_events"])
def make_flags(nlp: Language, name: str) -> Flagger:
    """The flags component: exclusive, overclaim, hedge, loaded and anonymous spans."""
    return Flagger(nlp)
