"""Failure reasons a reader understands: what went wrong with a document, in words, named by its stage.

Every document that fails is stored with a reason (``Failure.reason``) that people read in ``newstrace errors``,
the web pages and the exit summary. A reason is ``"<kind>: <sentence>"``: the kind before the colon is short and
stable ("truncated WARC", "analysis error") so failures can be counted by kind; the sentence after it says
what happened to this document. Known problems (an archive cut short, a text too long for the model, bad
bytes) get their own sentence; anything else is an internal error, said so, with the stage where it happened
and the technical detail in brackets for a bug report.
"""

from __future__ import annotations

import re

# the stage as the subject of a sentence
STAGE_NAMES = {
    "collect": "reading the document",
    "extract": "extracting the article",
    "analyze": "analysing the text",
    "store": "storing the result",
}

_E088 = re.compile(r"\[E088\] Text of length (\d+) exceeds maximum of (\d+)")


def _known(exc: BaseException) -> str | None:
    """A sentence for problems with a known cause, or None."""
    if isinstance(exc, MemoryError):
        return "the document needs more memory than this machine has free; try it alone or with fewer workers"
    if isinstance(exc, RecursionError):
        return "the document is nested too deeply to be read (a page of thousands of nested elements)"
    if isinstance(exc, UnicodeError):
        return f"the text holds bytes that are not valid in its character encoding ({exc})"
    m = _E088.search(str(exc))
    if m:
        return (f"the text is {int(m.group(1)):,} characters long, more than the spaCy pipeline takes at once "
                f"({int(m.group(2)):,})")
    if isinstance(exc, OSError) and exc.strerror:
        return f"the system reported: {exc.strerror.lower()}"
    return None


def describe(exc: BaseException) -> str:
    """The exception as words: a known cause's sentence, else its message with its class named in brackets."""
    known = _known(exc)
    if known:
        return known
    message = str(exc).strip() or "no detail given"
    return f"an internal error in newstrace ({type(exc).__name__}: {message})"


def failure_reason(stage: str, exc: BaseException) -> str:
    """The stored reason for a document that failed at ``stage`` with ``exc``.

    An exception that already carries a reader's sentence (``ReasonError``) is used as it is; otherwise the reason
    is ``"<stage> error: <what happened> while <stage>"``, e.g. "analysis error: an internal error in newstrace
    (KeyError: 'x') while analysing the text".
    """
    if isinstance(exc, ReasonError):
        return str(exc)
    kind = {"collect": "collect", "extract": "extraction", "analyze": "analysis", "store": "store"}.get(stage, stage)
    return f"{kind} error: {describe(exc)} while {STAGE_NAMES.get(stage, stage)}"


class ReasonError(RuntimeError):
    """An error whose message is already a reason as stored: ``"<kind>: <sentence>"``."""
