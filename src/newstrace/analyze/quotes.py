"""The quotes component: direct quotes, reported speech and block passages, each with its speaker and cue.

Writes ``doc._.nt_quotes``: a list of ``Quote`` in text order. Three rules find them:

* ``block_quotes``: "X wrote:" (or "In his article titled '...', X wrote:") followed by an unmarked passage,
  possibly several paragraphs, which is X's until the text turns back to the outlet's voice;
* ``direct_quotes``: passages between quote marks (see ``quotemarks``), bound to the cue verb next to them
  (", she explained", "X said:"), or to the previous quote's speaker when they continue it;
* ``reported_speech``: "X said (that) ...", "..., sources said", "according to X, ...", "it is believed that ...",
  "X is said to ...", "reports emerged about ...".

Each quote's speaker is resolved by ``speakers.resolve_speaker``: an entity id where one can be bound, and the
source kind (person, organization, outlet, anonymous, document). The component runs after entities and before
events; ``attribution`` later reads the quotes to source each event.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.symbols import ADJ, NOUN, PROPN, VERB
from spacy.tokens import Doc, Span, Token

from newstrace.analyze.datelines import doc_dateline
from newstrace.analyze.described import name_described_sources
from newstrace.analyze.lexicons import flag_lexicons, lexicon, words
from newstrace.analyze.names import doc_text
from newstrace.analyze.quotemarks import Marked, find_quotes, paragraphs
from newstrace.analyze.speakers import (Speaker, anonymity_phrases, entity_index, is_page_label, phrase_of,
                                        resolve_speaker, withholds_name)
from newstrace.model import Quote

_CUE_POS = frozenset({VERB, NOUN, PROPN, ADJ})  # the parts of speech a reported-speech cue can be
log = logging.getLogger(__name__)

MAX_QUOTES = 2000  # per document: beyond this the rest of a pathological input is left unquoted
MAX_BLOCK_PARAGRAPHS = 8
MIN_UNATTRIBUTED_WORDS = 2  # a shorter quoted phrase with no speaker is a scare quote or a title
FRAME_AFTER = 40  # tokens after a quote searched for its cue (", said the minister of ...")
FRAME_BEFORE = 30  # tokens before a quote searched for its cue ("X told reporters on Monday: ")
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
CONTENT_DEPS = {"ccomp"}
REPORT_VERBS = {"emerge", "surface", "circulate", "suggest", "indicate", "say", "claim", "show"}
QUOTE_CHARS = set("\u201c\u201d\u2018\u2019\"'\u00ab\u00bb\u201e\u2039\u203a") | {"''", "``"}
SENT_END = {".", "!", "?", "\u2026", "..."}
ELLIPSIS = ("\u2026", "...")
DASH_CHARS = "\u2015\u2014\u2013"
CONTENT_PREPS = {"for", "about", "of", "to", "on", "against"}
# speech verbs whose subject is a source whatever it is ("the bank said", "the clip says"); evidential verbs
# ("the visit affirms", "the data show") take only subjects that are sources already
CORE_SPEECH = {"say", "tell", "add", "claim", "announce", "report", "state", "write", "explain", "argue", "insist",
               "warn", "deny", "confirm", "note", "acknowledge", "reveal", "respond", "reply", "declare", "allege"}
OUTLET_FIRST_PERSON = {"we", "our", "us", "ours"}
_TURN = re.compile(r"[\"\u201c]?([A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,3}):[ \t]+(?=\S)")


@dataclass
class Found:
    """A quote before ids are given: the content span, the cue token span and the speaker."""

    start: int
    end: int
    direct: bool
    speaker: Speaker | None
    cue: Span | None
    block: bool = False
    marked: Marked | None = None


def _cue_span(verb: Token) -> Span:
    """The cue as written: the verb with its auxiliaries and negation before it, and a particle after it."""
    doc = verb.doc
    s, e = verb.i, verb.i + 1
    while s > 0 and doc[s - 1].dep_ in {"aux", "auxpass", "neg"} and doc[s - 1].head.i == verb.i:
        s -= 1
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == e:
            e += 1
    return doc[s:e]


class QuoteFinder:
    """Find every quote of a Doc with its speaker, cue and offsets (the ``newstrace_quotes`` component)."""

    def __init__(self) -> None:
        self.speech = words("quotes/cues", "speech_verbs")
        self.intent = words("quotes/cues", "intent_verbs")
        self.object_verbs = words("quotes/cues", "object_content_verbs")
        self.not_cues = words("quotes/cues", "not_cues")
        self.claim_nouns = words("quotes/cues", "claim_nouns")
        self.stance = words("quotes/cues", "stance_adjectives")
        self.doc_nouns = words("quotes/cues", "document_nouns")
        self.report_nouns = words("quotes/cues", "report_nouns")
        self.preps = [tuple(str(w).casefold() for w in p) for p in lexicon("quotes/cues").get("preposition_cues") or []]
        self.anon_nouns = words("quotes/anonymous", "nouns")
        self.withheld = [p for p in anonymity_phrases() if p.startswith(("asked", "declined", "not "))]
        flags = flag_lexicons()
        self.evaluative = [p.casefold() for k in ("overclaim", "exclusive") for p in flags.get(k, [])]

    # -- entry point ----------------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.nt_quotes = self.find(doc)
        except Exception as exc:  # noqa: BLE001 - one odd document must not stop the pipeline
            log.warning("quotes: %s: %s", type(exc).__name__, exc)
            doc._.nt_quotes = []
        return doc

    def find(self, doc: Doc) -> list[Quote]:
        """The quotes of a Doc in text order, each with an id ``q1``, ``q2``, ..."""
        if not len(doc):
            return []
        paras = paragraphs(doc_text(doc))
        self._paras = paras
        self._para_starts = [p[0] for p in paras]
        marked = find_quotes(doc_text(doc), paras)[:MAX_QUOTES]
        avoid = [(m.start, m.end) for m in marked]
        used: set[int] = set()
        found: list[Found] = []
        blocks = list(self.block_quotes(doc, marked, avoid, used))
        blocks.extend(self.transcript_turns(doc, avoid))
        found.extend(blocks)
        # a direct quote's cue may also report a wider clause ("said it had received a protest and had
        # “categorically rejected” it"), so only the cues of block passages are closed to reported speech
        direct = list(self.direct_quotes(doc, marked, avoid, set()))
        found.extend(direct)
        found.extend(self.reported_speech(doc, direct, avoid, used))
        found = [f for f in found if not self._no_speaker(doc, f.speaker)]
        found.sort(key=lambda f: (f.start, -f.end))
        self._inherit_from_hosts(found)
        quotes = []
        for f in found[:MAX_QUOTES]:
            sp = f.speaker
            quotes.append(Quote(
                id=f"q{len(quotes) + 1}",
                speaker=sp.entity if sp else None,
                speaker_text=sp.text if sp else None,
                cue=f.cue.text if f.cue is not None else None,
                text=doc_text(doc)[f.start:f.end],
                start=f.start,
                end=f.end,
                direct=f.direct,
                kind=(sp.kind if sp and sp.kind != "none" else "anonymous"),
                speaker_span=[sp.start, sp.end] if sp and sp.start is not None else None,
                cue_span=[f.cue.start_char, f.cue.end_char] if f.cue is not None else None,
                block=f.block,
            ))
        name_described_sources(doc, quotes)
        return quotes

    @staticmethod
    def _no_speaker(doc: Doc, speaker: Speaker | None) -> bool:
        """Whether a found speaker is a part of the page rather than a source: a word of the dateline ("New
        Delhi: ...", "KABUL, Sept 4 -" say where the story was filed) or a page label ("MEDIA CAPTION: ...",
        "A SIMPLE GUIDE", "VIDEO"); a quote it would introduce is no quote."""
        if speaker is None or speaker.start is None or speaker.end is None:
            return False
        dateline = doc_dateline(doc)
        if dateline is not None and dateline.covers(speaker.start):
            return True
        return is_page_label(doc, speaker.start, speaker.end)

    @staticmethod
    def _inherit_from_hosts(found: list[Found]) -> None:
        """A quote with no speaker inside a reported clause is the reporter's words: "X said the deal was “fair”"."""
        for f in found:
            if f.speaker is not None:
                continue
            hosts = [h for h in found if h is not f and h.speaker is not None and h.start <= f.start and f.end <= h.end]
            if hosts:
                host = min(hosts, key=lambda h: h.end - h.start)
                f.speaker, f.cue = host.speaker, host.cue

    # -- helpers ---------------------------------------------------------------------------------------------------
    def _para(self, char: int) -> tuple[int, int]:
        """The paragraph holding a character offset."""
        k = max(0, bisect.bisect_right(self._para_starts, char) - 1)
        return self._paras[k] if self._paras else (0, 0)

    def _para_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, char) - 1)

    def _is_cue(self, tok: Token) -> bool:
        return tok.pos_ in {"VERB", "AUX"} and tok.lemma_.casefold() in self.speech and tok.lower_ not in {"'s", "’s"}

    def _subject(self, verb: Token) -> Token | None:
        """The subject of a cue verb, or of the verb it hangs from ("saying ...", "and added that ...")."""
        v: Token | None = verb
        for _ in range(3):
            if v is None:
                break
            for child in v.children:
                if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and child.lower_ == "it"):
                    return child
                if child.dep_ == "nsubjpass":
                    # a passive cue speaks through its agent ("was announced by the ministry"), never its subject
                    agent = next((c for c in v.children if c.dep_ == "agent"), None)
                    obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
                    return obj
            if v.dep_ in {"conj", "xcomp", "advcl", "acl"} and v.head.i != v.i:
                v = v.head
            else:
                break
        return None

    @staticmethod
    def _core_speaker(speaker: Speaker, subj: Token, lemma: str) -> Speaker:
        """Whoever says, tells or announces something is a source: an unknown noun becomes an organisation when it
        is one definite thing ("the bank said", headline style "hospital says"), an unnamed source otherwise
        ("listeners said")."""
        if speaker.kind != "none" or lemma not in CORE_SPEECH:
            return speaker
        head = subj
        if head.lower_ in {"who", "which", "that"} and head.head.dep_ == "relcl":
            head = head.head.head
        definite = any(t.lower_ in {"the", "this"} or t.dep_ == "poss" for t in head.lefts)
        # a singular noun with no determiner at all is a headline's definite thing: "death toll rises, hospital says"
        bare = not any(t.dep_ in {"det", "poss", "nummod"} for t in head.lefts)
        kind = "organization" if (definite or bare) and head.tag_ == "NN" else "anonymous"
        return Speaker(speaker.entity, speaker.text, kind, speaker.start, speaker.end)

    def _speaker(self, doc: Doc, verb: Token, avoid: list[tuple[int, int]], q_start: int | None = None,
                 q_end: int | None = None) -> Speaker | None:
        """The speaker of a cue verb: its subject's phrase, or a name right after it ("said Jane Roe")."""
        if any(c.dep_ == "nsubjpass" and c.lower_ != "it" for c in verb.children) and self._subject(verb) is None:
            return None
        subj = self._subject(verb)
        para_start = self._para(verb.idx)[0]
        content = (q_start, q_end) if q_start is not None and q_end is not None else None
        if subj is not None and not (q_start is not None and q_start <= subj.idx < (q_end or 0)):
            return _unnamed_if_withheld(verb, self._core_speaker(
                resolve_speaker(phrase_of(subj), para_start, avoid, verb.lemma_, anchor=q_start), subj,
                verb.lemma_.casefold()), content)
        # inverted order: the speaker follows the verb
        for tok in doc[verb.i + 1:min(len(doc), verb.i + 6)]:
            if tok.is_punct or tok.text in QUOTE_CHARS:
                break
            if tok.pos_ in {"PROPN", "PRON", "NOUN"} and tok.dep_ not in {"dobj", "dative"}:
                head = tok
                while head.head.i != head.i and head.head.pos_ in {"PROPN", "NOUN"} and head.dep_ in {"compound", "flat"}:
                    head = head.head
                return _unnamed_if_withheld(
                    verb, resolve_speaker(phrase_of(head), para_start, avoid, verb.lemma_, anchor=q_start), content)
        return None

    # -- rule 1: block passages ------------------------------------------------------------------------------------
    def block_quotes(self, doc: Doc, marked: list[Marked], avoid: list[tuple[int, int]],
                     used: set[int]) -> Iterator[Found]:
        """Passages introduced by a cue and a colon ("X wrote:") with no quote mark after the colon.

        The passage runs to the end of its paragraph and then over the following paragraphs until the outlet's
        voice comes back (``_block_end``).
        """
        text = doc_text(doc)
        for tok in doc:
            if tok.text != ":" or tok.i == 0:
                continue
            verb = doc[tok.i - 1]
            if not self._is_cue(verb):
                continue
            after = tok.idx + 1
            while after < len(text) and text[after] in " \t":
                after += 1
            if after >= len(text) or text[after] in "\n\r" or text[after] in QUOTE_CHARS:
                continue  # a quote mark after the colon is a direct quote, handled by its own rule
            speaker = self._speaker(doc, verb, avoid)
            if speaker is None or speaker.kind in {"none", "author"}:
                continue
            end = self._block_end(doc, after, speaker)
            used.add(verb.i)
            yield Found(after, end, True, speaker, _cue_span(verb), block=True)

    def transcript_turns(self, doc: Doc, avoid: list[tuple[int, int]]) -> list[Found]:
        """Interview transcripts: paragraphs opening with a speaker's name and a colon ("WALLACE: ...").

        Taken only when at least two paragraphs follow the pattern, and never for a place name (a dateline such as
        "ISLAMABAD: ..." opens a news story, not a turn of speech).
        """
        turns = []
        for s, e in self._paras:
            m = _TURN.match(doc_text(doc), s, e)
            if not m:
                continue
            n_s, n_e = m.span(1)
            name = doc.char_span(n_s, n_e, alignment_mode="contract")
            if name is None or not len(name) or any(t.ent_type_ in {"GPE", "LOC", "FAC", "DATE", "TIME"} for t in name):
                continue
            if not all(t.pos_ == "PROPN" or t.text.isupper() or t.is_punct for t in name):
                continue
            colon = doc.char_span(n_e, n_e + 1, alignment_mode="expand")
            turns.append((name, colon, m.end(), e))
        if len(turns) < 2:
            return []
        out = []
        for name, colon, cs, ce in turns:
            if ce - cs < 2:
                continue
            speaker = resolve_speaker(name, self._para(cs)[0], avoid, ":")
            if speaker.kind == "none":
                speaker = Speaker(None, name.text, "person", name.start_char, name.end_char)
            out.append(Found(cs, ce, True, speaker, colon, block=True))
        return out

    def _block_end(self, doc: Doc, start: int, speaker: Speaker) -> int:
        """Where a block passage ends: the end of its paragraph, or of a later one while the writer still speaks.

        The outlet's voice comes back with a paragraph that is not prose (a heading, a widget line), that speaks
        in the first person plural ("we", "our"), that names the quoted writer in the third person, that opens a
        new "X wrote:" passage, that closes the article in an evaluative voice (an overclaim or exclusive cue in the
        last paragraph), or after a paragraph that ends with an ellipsis (the excerpt was cut there).
        """
        text = doc_text(doc)
        k = self._para_index(start)
        end = self._paras[k][1]
        names = self._speaker_names(doc, speaker)
        prose = [i for i, (s, e) in enumerate(self._paras) if self._is_prose(text[s:e])]
        last_prose = prose[-1] if prose else -1
        n = k + 1
        while n < len(self._paras) and n - k <= MAX_BLOCK_PARAGRAPHS:
            prev = text[self._paras[n - 1][0]:self._paras[n - 1][1]].rstrip()
            if prev.endswith(ELLIPSIS):
                break
            s, e = self._paras[n]
            para = text[s:e]
            if not self._is_prose(para):
                break
            outside = self._outside_quotes(para)
            tokens = re.findall(r"[\w']+", outside)
            low = {t.casefold() for t in tokens}
            if low & OUTLET_FIRST_PERSON:
                break
            if names and any(t in names for t in tokens):
                break
            if re.search(r"\b\w+:\s", para) and any(self._is_cue(t) and t.i + 1 < len(doc) and doc[t.i + 1].text == ":"
                                                     for t in self._tokens_between(doc, s, e)):
                break
            if n == last_prose and any(p in para.casefold() for p in self.evaluative):
                break
            end = e
            n += 1
        return end

    @staticmethod
    def _is_prose(para: str) -> bool:
        """A paragraph of running text: several words and a sentence-final mark at the end."""
        stripped = para.rstrip()
        return len(stripped.split()) >= 8 and stripped[-1:] in {".", "!", "?", "\u201d", '"', "\u2019", "\u2026", ")"}

    @staticmethod
    def _outside_quotes(para: str) -> str:
        """The paragraph with its quoted passages blanked (what is said inside quotes is someone else's voice)."""
        out = list(para)
        for m in find_quotes(para):
            for i in range(m.start, m.end):
                out[i] = " "
        return "".join(out)

    @staticmethod
    def _tokens_between(doc: Doc, s: int, e: int) -> list[Token]:
        span = doc.char_span(s, e, alignment_mode="expand")
        return list(span) if span is not None else []

    @staticmethod
    def _speaker_names(doc: Doc, speaker: Speaker) -> set[str]:
        """The name parts of a bound writer ("Rubin", "Michael"), to notice the outlet speaking about them."""
        if not speaker.entity:
            return set()
        ent = entity_index(doc).by_id.get(speaker.entity)
        if ent is None:
            return set()
        parts = set()
        for name in [ent.name, *ent.aliases]:
            for part in re.findall(r"[\w']+", name):
                if len(part) > 2 and part[0].isupper():
                    parts.add(part)
        return parts

    # -- rule 2: direct quotes -------------------------------------------------------------------------------------
    def direct_quotes(self, doc: Doc, marked: list[Marked], avoid: list[tuple[int, int]],
                      used: set[int]) -> Iterator[Found]:
        """Quoted passages with the cue next to them; a quote with no cue continues the previous speaker's.

        The cue is searched in the words after the quote first (", she explained."), then in the words before it
        back to the previous quote or sentence end ("X said: "); the search never crosses a paragraph.
        """
        previous: Found | None = None
        prev_frame_end = -1
        for m in marked:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            words_in = len(doc_text(doc)[m.inner_start:m.inner_end].split())
            p_start, p_end = self._para(m.start)
            dashed = self._dash_signature(doc, span, p_end, avoid)
            if dashed is not None:
                f = Found(m.inner_start, m.inner_end, True, dashed[0], dashed[1], marked=m)
                previous, prev_frame_end = f, m.end
                yield f
                continue
            cue, frame_end = self._cue_after(doc, span, p_end)
            if cue is None:
                cue = self._cue_before(doc, span, p_start)
            if cue is None and m.start == p_start and span.start >= 2:
                # "The Daily Courier reports:" closing the paragraph before a quoted paragraph
                colon = doc[span.start - 1] if doc[span.start - 1].text == ":" else None
                if colon is None and doc[span.start - 1].is_space and doc[span.start - 2].text == ":":
                    colon = doc[span.start - 2]
                if colon is not None and colon.i > 0 and self._is_cue(doc[colon.i - 1]):
                    cue = doc[colon.i - 1]
            speaker = None
            if cue is not None:
                speaker = self._speaker(doc, cue, avoid, m.start, m.end)
                if speaker is None or speaker.kind == "none":
                    speaker, cue = None, None
            if cue is not None:
                used.add(cue.i)
                f = Found(m.inner_start, m.inner_end, True, speaker, _cue_span(cue), marked=m)
                previous, prev_frame_end = f, max(frame_end, m.end)
                yield f
                continue
            if previous is not None and self._continues(doc, previous, prev_frame_end, m):
                f = Found(m.inner_start, m.inner_end, True, previous.speaker, previous.cue, marked=m)
                previous, prev_frame_end = f, m.end
                yield f
                continue
            if words_in >= MIN_UNATTRIBUTED_WORDS:
                # speaker never named: kept as a quote, with no guess at who said it
                f = Found(m.inner_start, m.inner_end, True, None, None, marked=m)
                previous, prev_frame_end = None, m.end
                yield f

    def _dash_signature(self, doc: Doc, span: Span, p_end: int,
                        avoid: list[tuple[int, int]]) -> tuple[Speaker, Span] | None:
        """A quote signed with a dash and a name ("“...” ― Jane Roe."): the dash is the cue, the name the speaker."""
        text = doc_text(doc)
        pos = span.end_char
        # the closing mark and the dash may share a token ("”―"), so the dash is looked for in the characters
        while pos < p_end and text[pos - 1] not in DASH_CHARS and text[pos].isspace():
            pos += 1
        if pos < len(text) and text[pos] in DASH_CHARS:
            dash = pos
        elif text[pos - 1] in DASH_CHARS:
            dash = pos - 1
        else:
            return None
        first = doc.char_span(dash + 1, min(p_end, dash + 2), alignment_mode="expand")
        i = first.start if first is not None else len(doc)
        while i < len(doc) and doc[i].is_space and doc[i].idx < p_end:
            i += 1
        if i >= len(doc) or doc[i].pos_ != "PROPN" or doc[i].idx >= p_end or doc[i].idx < dash:
            return None
        j = i
        while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].idx < p_end and j - i < 4:
            j += 1
        # a signature closes its sentence or paragraph; a dash inside running text is an aside
        if j < len(doc) and doc[j].idx < p_end and not doc[j].is_space and doc[j].text not in SENT_END | {","}:
            return None
        speaker = resolve_speaker(doc[i:j], self._para(span.start_char)[0], avoid, "dash")
        cue = doc.char_span(dash, dash + 1, alignment_mode="expand")
        return speaker, cue if cue is not None else doc[i:i]

    def _continues(self, doc: Doc, prev: Found, prev_end: int, m: Marked) -> bool:
        """A quote with no cue right after the previous quote's attribution continues that speaker.

        Same paragraph with only a few words between, or the next paragraph opening with the quote while the
        previous paragraph ended with the previous quote's attribution (the newspaper convention).
        """
        if prev.speaker is None or prev.marked is None:
            return False
        gap = doc_text(doc)[prev_end:m.start]
        if len(gap.split()) > 3 or "\n" in gap and self._para(m.start)[0] != m.start:
            return False
        if "\n" in gap:
            # the next paragraph: the previous one must end right after the previous quote's attribution
            return self._para_index(m.start) == self._para_index(prev_end) + 1
        return True

    def _cue_after(self, doc: Doc, span: Span, p_end: int) -> tuple[Token | None, int]:
        """The cue verb in the few words after a quote, before the sentence ends (", she explained.")."""
        frame_end = span.end_char
        for tok in doc[span.end:min(len(doc), span.end + FRAME_AFTER)]:
            if tok.idx >= p_end or tok.text in QUOTE_CHARS and tok.i > span.end:
                break
            if tok.i - span.end >= 4 and not self._is_cue(tok):
                # only the attribution right after the quote ("..., said X") is its cue
                if tok.text in SENT_END:
                    break
                continue
            frame_end = tok.idx + len(tok.text)
            if self._is_cue(tok):
                # to the end of the attribution clause
                for t in doc[tok.i + 1:min(len(doc), tok.i + 8)]:
                    if t.text in SENT_END or t.text in QUOTE_CHARS or t.idx >= p_end:
                        break
                    frame_end = t.idx + len(t.text)
                return tok, frame_end
            if tok.text in SENT_END:
                break
        return None, frame_end

    def _cue_before(self, doc: Doc, span: Span, p_start: int) -> Token | None:
        """The cue verb before a quote in the same sentence, nearest first ("X told reporters: ", "X said that")."""
        for tok in reversed(doc[max(0, span.start - FRAME_BEFORE):span.start]):
            if tok.idx < p_start or tok.text in SENT_END or tok.text in QUOTE_CHARS:
                break
            if self._is_cue(tok):
                return tok
        return None

    def _clip(self, doc: Doc, content: Span, cue_char: int) -> Span:
        """Reported content stays in the cue's paragraph, whatever the parser joined across a line break."""
        p_start, p_end = self._para(cue_char)
        if p_start <= content.start_char and content.end_char <= p_end:
            return content
        s = max(content.start_char, p_start)
        e = min(content.end_char, p_end)
        if e <= s:
            return doc[content.start:content.start]
        span = doc.char_span(s, e, alignment_mode="contract")
        return _trim_span(span) if span is not None else doc[content.start:content.start]

    # -- rule 3: reported speech -----------------------------------------------------------------------------------
    def reported_speech(self, doc: Doc, direct: list[Found], avoid: list[tuple[int, int]],
                        used: set[int]) -> Iterator[Found]:
        """Indirect attributions found in the parse: a cue verb and its clausal complement, "according to X", the
        hearsay passive ("X is said to ..."), and unnamed reports ("reports emerged about ...")."""
        direct_spans = [(f.marked.start, f.marked.end) for f in direct if f.marked is not None]
        for tok in doc:
            # every cue below is a verb, a noun or an adjective, or the word "according"
            if tok.pos not in _CUE_POS and tok.lower_ != "according":
                continue
            low = tok.lower_
            if low == "according":
                f = self._according(doc, tok, avoid)
                if f is not None:
                    yield f
                continue
            if tok.dep_ in SUBJECT_DEPS and low in self.report_nouns and tok.head.lemma_.casefold() in REPORT_VERBS:
                f = self._report_noun(doc, tok, avoid)
                if f is not None:
                    yield f
                continue
            if tok.pos_ == "NOUN" and tok.lemma_.casefold() in self.claim_nouns:
                f = self._claim_noun(doc, tok, avoid)
                if f is not None:
                    yield f
                continue
            if tok.pos_ == "ADJ" and tok.lower_ in self.stance and tok.dep_ == "acomp":
                f = self._stance(doc, tok, avoid)
                if f is not None:
                    yield f
                continue
            if tok.i in used or tok.pos_ != "VERB" or not self._may_attribute(tok):
                continue
            f = self._clausal(doc, tok, avoid, direct_spans)
            if f is not None:
                used.add(tok.i)
                yield f

    def _may_attribute(self, tok: Token) -> bool:
        """A verb that can carry an attribution: a speech verb, or any verb with a clausal complement, an intent verb
        with an infinitive, or a verb of saying with an object (the speaker is checked later)."""
        lemma = tok.lemma_.casefold()
        if tok.lower_ in {"'s", "\u2019s", "'re", "\u2019re"}:
            return False
        if lemma in self.speech or lemma in self.intent or lemma in self.object_verbs:
            return True
        return lemma not in self.not_cues and any(c.dep_ in CONTENT_DEPS for c in tok.children)

    def _clausal(self, doc: Doc, verb: Token, avoid: list[tuple[int, int]],
                 direct_spans: list[tuple[int, int]]) -> Found | None:
        """ "X said (that) ...", "..., X said", "X is said to ..." and "X promised to ..." as reported speech."""
        content: Span | None = None
        lemma = verb.lemma_.casefold()
        comp = next((c for c in verb.children if c.dep_ in CONTENT_DEPS), None)
        subj = self._subject(verb)
        if comp is None and lemma in self.intent:
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
            if xcomp is not None and xcomp.i > verb.i:
                # "urged Congress to act": the addressee and the act
                content = doc[verb.i + 1:xcomp.right_edge.i + 1]
        negated = any(c.dep_ == "neg" for c in verb.children)
        # "did not mention the cabinet" says nothing; a negated clause ("did not say that ...") still reports
        # the object of an infinitive ("went to Kabul to discuss strategies") is the writer's account of a purpose
        own_subject = not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if comp is None and content is None and lemma in self.object_verbs and own_subject and not negated:
            obj = next((c for c in verb.children if c.dep_ in {"dobj", "attr"} and c.i > verb.i), None)
            if obj is None:
                # "called for a moratorium", "complained about the fees": the object of the verb's preposition
                prep = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ in CONTENT_PREPS), None)
                obj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None) if prep is not None else None
            if obj is not None:
                # "cited the poll", "accused him of lying", "called him a genius": the object and the rest of the
                # verb phrase after it
                right = max(obj.right_edge.i, max((c.right_edge.i for c in verb.rights
                                                   if c.dep_ in {"prep", "advcl", "xcomp", "oprd", "ccomp"}
                                                   and c.i > obj.i), default=obj.right_edge.i))
                content = doc[obj.left_edge.i:right + 1]
        if comp is not None and lemma not in self.speech and comp.i < verb.i and not (
                comp.right_edge.i + 1 < verb.i and doc[comp.right_edge.i + 1].text == ","):
            # a clause before a verb that is not a speech verb is reported only in the inverted shape
            # ("The plan will fail, critics fear"), not across a colon ("This is false: ... they feign")
            comp = None
        if comp is not None:
            content = doc[comp.left_edge.i:comp.right_edge.i + 1]
        elif verb.dep_ == "parataxis" or (verb.dep_ in {"advcl", "conj"} and verb.i > verb.head.i and subj is not None
                                          and subj.i > verb.head.i and lemma in {"say", "tell", "add"}):
            # "The plan, officials said, ..." / "The plan failed, she said.": the clause the cue interrupts
            head = verb.head
            toks = [t.i for t in head.subtree if not (verb.left_edge.i <= t.i <= verb.right_edge.i)]
            if toks:
                content = doc[min(toks):max(toks) + 1]
        elif subj is None and any(c.dep_ == "nsubjpass" for c in verb.children):
            subj = next(c for c in verb.children if c.dep_ == "nsubjpass")
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
            if xcomp is not None:
                # hearsay passive: "the chief is said to have met ..."
                content = doc[min(subj.left_edge.i, xcomp.left_edge.i):xcomp.right_edge.i + 1]
                speaker = Speaker(None, None, "anonymous")
                content = _trim_span(content)
                if len(content) < 2:
                    return None
                return Found(content.start_char, content.end_char, False, speaker, _cue_span(verb))
        if content is None:
            return None
        content = self._clip(doc, _trim_span(content), verb.idx)
        if len(content) < 2 or (subj is not None and subj.left_edge.i <= content.start
                                and content.end <= subj.right_edge.i + 1):
            return None
        s, e = content.start_char, content.end_char
        # "who asked not to be named" withholds a name; it reports nothing
        said = doc_text(doc)[verb.idx:e].casefold()
        if any(p in said for p in self.withheld):
            return None
        # the content is one direct quote already found: that quote is the record, not a second one
        for ds, de in direct_spans:
            if ds <= s and e <= de or (s <= ds and de <= e and (de - ds) >= 0.8 * (e - s)):
                return None
        if subj is None:
            return None
        speaker = _unnamed_if_withheld(verb, self._core_speaker(
            resolve_speaker(phrase_of(subj), self._para(verb.idx)[0], avoid, lemma), subj, lemma), (s, e))
        if speaker.kind == "none":
            return None
        if lemma not in self.speech and speaker.kind == "anonymous" and speaker.entity is None \
                and subj.lower_ not in {"he", "she", "they", "who"} and subj.lemma_.casefold() not in self.anon_nouns:
            return None  # a verb that is not a speech verb attributes only to a clear source
        return Found(s, e, False, speaker, _cue_span(verb))

    def _claim_noun(self, doc: Doc, noun: Token, avoid: list[tuple[int, int]]) -> Found | None:
        """ "his claim that ...", "the minister's warning that ...": the owner of the claim is its source."""
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        clause = next((c for c in noun.children if c.dep_ in {"acl", "ccomp"} and c.i > noun.i
                       and any(t.lower_ == "that" and t.dep_ == "mark" for t in c.children)), None)
        if owner is None or clause is None:
            return None
        content = self._clip(doc, _trim_span(doc[clause.left_edge.i:clause.right_edge.i + 1]), noun.idx)
        if len(content) < 2:
            return None
        speaker = resolve_speaker(phrase_of(owner), self._para(noun.idx)[0], avoid, noun.lemma_)
        if speaker.kind in {"none"}:
            return None
        return Found(content.start_char, content.end_char, False, speaker, doc[noun.i:noun.i + 1])

    def _stance(self, doc: Doc, adj: Token, avoid: list[tuple[int, int]]) -> Found | None:
        """ "officials were confident that ...": a stance of a source towards a clause."""
        clause = next((c for c in adj.children if c.dep_ == "ccomp"), None)
        verb = adj.head
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if clause is None or subj is None or subj.lower_ == "it":
            return None
        content = self._clip(doc, _trim_span(doc[clause.left_edge.i:clause.right_edge.i + 1]), adj.idx)
        if len(content) < 2:
            return None
        speaker = resolve_speaker(phrase_of(subj), self._para(adj.idx)[0], avoid, adj.lemma_)
        if speaker.kind in {"none", "document"}:
            return None
        return Found(content.start_char, content.end_char, False, speaker, doc[verb.i:adj.i + 1])

    def _according(self, doc: Doc, tok: Token, avoid: list[tuple[int, int]]) -> Found | None:
        """ "according to X, ..." / "..., according to X": X is the source of the clause the phrase hangs from."""
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
        if to is None:
            return None
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        head = tok.head if tok.head.i != tok.i else tok
        pp = range(tok.left_edge.i, max(tok.right_edge.i, obj.right_edge.i) + 1)
        sent = tok.sent
        base = head if head.i != tok.i else sent.root
        toks = [t.i for t in base.subtree if t.i not in pp] or [t.i for t in sent if t.i not in pp]
        if not toks:
            return None
        content = self._clip(doc, _trim_span(doc[min(toks):max(toks) + 1]), tok.idx)
        if len(content) < 2:
            return None
        speaker = resolve_speaker(phrase_of(obj), self._para(tok.idx)[0], avoid, "according to")
        if speaker.kind == "none":
            speaker = Speaker(None, speaker.text, "anonymous", speaker.start, speaker.end)
        return Found(content.start_char, content.end_char, False, speaker, doc[tok.i:to.i + 1])

    def _report_noun(self, doc: Doc, noun: Token, avoid: list[tuple[int, int]]) -> Found | None:
        """ "reports emerged about X" / "reports suggest that X": X rests on unnamed reports."""
        verb = noun.head
        target: Token | None = next((c for c in verb.children if c.dep_ in CONTENT_DEPS), None)
        if target is None:
            prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in {"about", "of", "on"}), None)
            if prep is not None:
                target = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if target is None:
            target = next((c for c in noun.children if c.dep_ in {"acl", "ccomp", "relcl"}), None)
        if target is None:
            return None
        content = self._clip(doc, _trim_span(doc[target.left_edge.i:target.right_edge.i + 1]), verb.idx)
        if len(content) < 2:
            return None
        phrase = phrase_of(noun, limit=6)
        phrase = doc[phrase.start:min(phrase.end, noun.i + 1)]
        speaker = Speaker(None, phrase.text, "anonymous", phrase.start_char, phrase.end_char)
        return Found(content.start_char, content.end_char, False, speaker, doc[verb.i:verb.i + 1])


def _unnamed_if_withheld(verb: Token, speaker: Speaker, content: tuple[int, int] | None) -> Speaker:
    """The speaker as an unnamed source when its speech verb withholds the name ("the ministry's spokesman told
    reporters, speaking on condition of anonymity, that ..."), else the speaker as resolved."""
    if speaker.kind in {"anonymous", "none", "author"} or not withholds_name(verb, content):
        return speaker
    return Speaker(None, speaker.text, "anonymous", speaker.start, speaker.end)


def _trim_span(span: Span) -> Span:
    """A span without punctuation or spaces at its edges (but keeping quote marks that close a quoted content)."""
    doc = span.doc
    s, e = span.start, span.end

    def dangling_open(i: int) -> bool:  # a quote mark at the start that closes something before it
        return doc[i].text in QUOTE_CHARS and (bool(doc[i].whitespace_) or doc[i].text in "\u201d\u2019\u00bb")

    def dangling_close(i: int) -> bool:  # a quote mark at the end that opens something after it
        return doc[i].text in QUOTE_CHARS and (i == 0 or bool(doc[i - 1].whitespace_) or doc[i].text in "\u201c\u2018\u00ab")

    while s < e and (doc[s].is_space or (doc[s].is_punct and (doc[s].text not in QUOTE_CHARS or dangling_open(s)))):
        s += 1
    while e > s and (doc[e - 1].is_space or (doc[e - 1].is_punct and doc[e - 1].text not in {"?", "!"}
                                               and (doc[e - 1].text not in QUOTE_CHARS or dangling_close(e - 1)))):
        e -= 1
    return doc[s:e]


@Language.factory("newstrace_quotes", assigns=["doc._.nt_quotes"], requires=["token.dep", "doc.sents"])
def make_quotes(nlp: Language, name: str) -> QuoteFinder:
    """The quotes component: direct, reported and block quotes with speakers (see the module docstring)."""
    return QuoteFinder()
