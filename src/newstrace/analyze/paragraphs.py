"""Paragraph breaks as sentence boundaries, set before the parser runs.

A headline has no final full stop, so without help the parser runs it into the first sentence of the body and
attaches body words to headline words ("... with Taliban, Al Qaeda" + "Pakistani government ..."). Marking the
token after every blank line as a sentence start keeps each paragraph (and the headline) its own parse; the
parser respects boundaries that are already set. A single line break is left alone: hard-wrapped text breaks
lines inside sentences.

A dateline ("KABUL -", "New Delhi:", "ISLAMABAD, Sept 4 (Reuters) -") is made a sentence of its own the same
way, so the first sentence of the story is parsed without the town as its subject (``analyze/datelines.py``).
"""

from spacy.language import Language
from spacy.tokens import Doc

from newstrace.analyze.datelines import doc_dateline


@Language.component("newstrace_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """Yields the Doc with ``is_sent_start`` set on each token that follows a blank line."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and prev.text.count("\n") >= 2 and not tok.is_space:
            tok.is_sent_start = True
    dateline = doc_dateline(doc)
    if dateline is not None:
        # the story's first word: the first token at or after the dateline's end (a few tokens in)
        first = next((tok for tok in doc if tok.idx >= dateline.end), None)
        if first is not None and first.i > 0:
            first.is_sent_start = True
    return doc
