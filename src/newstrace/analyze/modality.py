"""How surely a sentence states an event: asserted, negated, possible, future, conditional or question.

The decision reads the dependency parse around the event's predicate (the event verb, or the light verb that
carries an event noun) and the verbs that govern it through complement links, with the cue words of
``data/events/modality.yaml``. The first rule that fires wins, in this order: a question, a denial, a condition,
a hedge, an intention or schedule; otherwise the sentence asserts the event.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from newstrace.analyze.event_lexicon import EventLexicon
from newstrace.analyze.names import doc_text

# complement links through which a governing word colours the event below it ("denied meeting",
# "plans to visit", "is believed to have met", "said they would unveil")
GOVERNING_DEPS = {"xcomp", "ccomp", "pcomp", "dobj", "conj", "advcl", "csubj", "oprd"}
MAX_HOPS = 4


def governors(pred: Token, sent: Span, claim_nouns: frozenset[str] | set[str] = frozenset()) -> list[Token]:
    """The words that govern ``pred`` through complement links, nearest first, within the sentence; a clause on a
    claim noun ("claims that it had detained X") is governed by that noun and, through it, by the noun's verb."""
    out: list[Token] = []
    tok = pred
    for _ in range(MAX_HOPS):
        if tok.head.i == tok.i or not (sent.start <= tok.head.i < sent.end):
            break
        if tok.dep_ in {"acl", "ccomp"} and tok.head.pos_ == "NOUN" and tok.head.lemma_.lower() in claim_nouns:
            tok = tok.head
            out.append(tok)
            continue
        if tok.dep_ not in GOVERNING_DEPS:
            break
        if tok.dep_ == "conj":
            # a conjoined verb shares the governor of the first conjunct, not the conjunct itself
            tok = tok.head
            continue
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.i != tok.head.i:
            # a gerund after a preposition is governed by the word the preposition attaches to
            # ("suspected of attacking", "accused of meeting")
            tok = tok.head
        tok = tok.head
        out.append(tok)
    return out


def _negated(words: list[Token], govs: list[Token], lex: EventLexicon) -> bool:
    negators = lex.cue("negators")
    for tok in words:
        if tok is not words[-1] and tok.lemma_.lower() in lex.cue("presupposing_verbs"):
            continue  # "did not announce the visit until the plane had landed": the visit took place
        # a negation attached to the event word or its own auxiliary chain: "did not meet", "never adhered",
        # "no talks were held"
        for c in tok.children:
            if c.dep_ in ("neg", "advmod", "det", "preconj") and c.lower_ in negators:
                return True
    for i, gov in enumerate(govs):
        # a verb of denial or failure over the event: "denied meeting", "failed to attend"
        if gov.lemma_.lower() in lex.cue("negating_governors"):
            return True
        # a claim of the event that its governor rejects: "rejected claims that it had detained the journalist",
        # "dismissed accusations of torturing detainees"
        if (gov.pos_ == "NOUN" and gov.lemma_.lower() in lex.cue("claim_nouns") and i + 1 < len(govs)
                and govs[i + 1].lemma_.lower() in lex.cue("rejecting_governors")):
            return True
        # a negated control verb: "did not plan to visit"
        if gov.pos_ in ("VERB", "AUX") and any(c.dep_ == "neg" for c in gov.children):
            if gov.lemma_.lower() in lex.cue("future_governors"):
                return True
    return False


def _conditional(words: list[Token], govs: list[Token], lex: EventLexicon) -> bool:
    marks = lex.cue("conditional_marks")
    # the event sits inside an "if" / "unless" clause, or under a verb that does
    if any(c.dep_ == "mark" and c.lower_ in marks for tok in [*words, *govs[:2]] for c in tok.children):
        return True
    # or the event is promised on a condition: "will boycott the vote unless the president resigns"
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children)
               for c in words[0].children)


def _modal(words: list[Token], govs: list[Token], names: set[str]) -> bool:
    return any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in names
        for tok in [*words, *govs]
        for c in tok.children
    )


def _possible(words: list[Token], govs: list[Token], lex: EventLexicon) -> bool:
    if _modal(words, govs, lex.cue("possible_modals")):
        return True
    hedges = lex.cue("hedge_adverbs")
    if any(c.dep_ == "advmod" and c.lower_ in hedges for tok in [*words, *govs] for c in tok.children):
        return True
    # "is believed to have met", "suspected of attacking", "claims of shelling"
    return any(g.lemma_.lower() in lex.cue("possible_governors") for g in govs)


def _future(words: list[Token], govs: list[Token], lex: EventLexicon) -> bool:
    if _modal(words, govs, lex.cue("future_modals")):
        return True
    # "plans to visit", "is set to sign", "is due to meet", "vowed to retaliate"
    if any(g.lemma_.lower() in lex.cue("future_governors") for g in govs):
        return True
    # headline style: a subject and an infinitive with no finite verb is what will happen ("Ministers to meet in
    # Pellow", "Biden to visit Kyiv")
    return any(w.dep_ == "ROOT" and w.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in w.children)
               and any(c.dep_ in ("nsubj", "nsubjpass") for c in w.children) for w in words)


def modality_of(pred: Token, trigger: Token, sent: Span, lex: EventLexicon, text: str | None = None) -> str:
    """The modality of the event whose predicate is ``pred`` and whose trigger word is ``trigger`` (``text`` is
    the Doc's text, passed in because ``Doc.text`` is rebuilt from the tokens on every access)."""
    words = [pred] if pred.i == trigger.i else [pred, trigger]
    govs = governors(pred, sent, lex.cue("claim_nouns"))
    sent_text = (text if text is not None else doc_text(sent.doc))[sent.start_char : sent.end_char]
    if sent_text.rstrip().rstrip("\"'\u201d\u2019)").endswith("?"):
        return "question"
    if _negated(words, govs, lex):
        return "negated"
    if _conditional(words, govs, lex):
        return "conditional"
    if _possible(words, govs, lex):
        return "possible"
    if _future(words, govs, lex):
        return "future"
    return "asserted"
