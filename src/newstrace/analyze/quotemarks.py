"""Direct quotations found by their quote marks, in every common style, without trusting any mark blindly.

Works on the raw string, so it is fast and independent of the parser. It yields the outermost quoted passages:
nested quotes stay inside their outer quote; a mark that never closes is dropped on its own, so one stray mark
cannot swallow the paragraphs after it; marks after digits (5'11", 3' 20") are measures, not quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# opening mark -> the marks that may close it
PAIRS: dict[str, tuple[str, ...]] = {
    "\u201c": ("\u201d", '"'),  # “ ”
    "\u201e": ("\u201c", "\u201d"),  # „ “ (German, Polish)
    "\u00ab": ("\u00bb",),  # « »
    "\u2039": ("\u203a",),  # ‹ ›
    "\u300c": ("\u300d",),  # 「 」
    '"': ('"', "\u201d"),
    "\u2018": ("\u2019",),  # ‘ ’
}
SINGLE_OPENERS = {"\u2018"}
DOUBLE_OPENERS = {"\u201c", "\u00ab", "\u201e"}
TWO_APOSTROPHES = "''"
MAX_PARAGRAPHS = 12  # a quote running on longer than this is a broken mark, not a speech
MAX_CHARS = 8000

_PARA = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Marked:
    """One quoted passage: ``start``/``end`` include the marks, ``inner_start``/``inner_end`` do not."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    paragraphs: int = 1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a text as [start, end) offsets: its non-empty lines, trimmed of surrounding spaces."""
    out = []
    for m in _PARA.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_measure(text: str, i: int) -> bool:
    """A straight double mark right after a number is an inch or second mark (5'11", 3' 20", a 12" pipe)."""
    before = text[max(0, i - 8):i]
    if not before or not before[-1].isdigit():
        return False
    nxt = text[i + 1:i + 2]
    if re.search(r"\d\s?['\u2032\u2019]\s?\d{1,2}(?:\.\d+)?$", before):
        return True
    # "12" wide", "a 5"-long": a measure when a word or hyphen follows; "won 3-2"," closes a quote
    return nxt == "-" or (nxt == " " and text[i + 2:i + 3].isalpha() and text[i + 2:i + 3].islower())


def _can_open(text: str, i: int, mark: str) -> bool:
    """An opening mark starts a word: nothing or a space/bracket/dash before it, a word or mark after it."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if not nxt or nxt.isspace():
        return False
    if mark == '"':
        if _is_measure(text, i):
            return False
        return prev.isspace() or prev in "([{\u2014\u2013-/:;,\u2018'" or i == 0
    if mark in SINGLE_OPENERS:
        # an elided year ('90s) is not a quote
        if re.match(r"\u2018\d\ds\b", text[i:i + 4]):
            return False
        return prev.isspace() or prev in "([{\u2014\u2013-/:;,\"\u201c" or i == 0
    return True


def _can_close(text: str, i: int, mark: str, opener: str) -> bool:
    """A closing mark ends a word: not a space before it, and for ’ not a letter after it (Taliban’s)."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() and mark == '"':
        return False
    if mark == '"' and _is_measure(text, i):
        return False
    if mark == "\u2019":
        return not nxt.isalnum() and not prev.isspace()
    return True


def _two_apostrophe_close(text: str, i: int, e: int) -> int | None:
    """Where a '' quote opened at ``i`` closes: the next '' that follows a non-space, within the paragraph."""
    if i + 2 >= e or text[i + 2].isspace():
        return None
    j = text.find(TWO_APOSTROPHES, i + 2, e)
    while j != -1:
        if not text[j - 1].isspace():
            return j
        j = text.find(TWO_APOSTROPHES, j + 2, e)
    return None


def _scan_paragraph(text: str, s: int, e: int, skip_to: int = -1) -> Iterator[tuple[str, int, int | None]]:
    """Yield (opener, open_pos, close_pos or None when the paragraph ends inside the quote) for one paragraph."""
    i = max(s, skip_to)
    while i < e:
        ch = text[i]
        if ch == "'" and text.startswith(TWO_APOSTROPHES, i):
            # '' ... '': doubled apostrophes standing for double quote marks (wire and archive text)
            close = _two_apostrophe_close(text, i, e)
            if close is None:
                if i + 2 < e and not text[i + 2].isspace():
                    yield TWO_APOSTROPHES, i, None
                    return
                i += 2
                continue
            yield TWO_APOSTROPHES, i, close
            i = close + 2
            continue
        if ch in PAIRS and _can_open(text, i, ch):
            closers = PAIRS[ch]
            j = i + 1
            close = None
            while j < e:
                cj = text[j]
                if cj in closers and _can_close(text, j, cj, ch):
                    close = j
                    break
                # a second opener of the same straight kind after a space means the first one was stray
                if ch == '"' and cj == '"' and text[j - 1].isspace() and _can_open(text, j, cj):
                    break
                # nested quotes take the other kind of mark, so a second double opener means the first was stray
                if cj == ch and ch in DOUBLE_OPENERS and _can_open(text, j, cj):
                    break
                j += 1
            if close is not None:
                yield ch, i, close
                i = close + 1
                continue
            if j >= e:
                yield ch, i, None
                return
            i = j  # the stray opener is dropped; scanning goes on from the next opener
            continue
        i += 1


def find_quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[Marked]:
    """The outermost quoted passages of ``text``.

    A quote left open at the end of a paragraph continues only when the next paragraph opens with the same mark
    (the newspaper convention for a quote over several paragraphs) and closes within ``MAX_PARAGRAPHS``;
    otherwise the lone mark is ignored and the rest of its paragraph is scanned again.
    """
    paras = paragraphs(text) if paras is None else paras
    out: list[Marked] = []
    k = 0
    skip_to = -1
    while k < len(paras):
        s, e = paras[k]
        restart = None
        for opener, o, c in _scan_paragraph(text, s, e, skip_to):
            if c is not None:
                w = len(opener)
                if c - o - w > 0 and c - o <= MAX_CHARS:
                    out.append(Marked(o, c + w, o + w, c))
                continue
            # open at the paragraph end: look for the continuation convention
            end_k, close = k, None
            n = k + 1
            while n < len(paras) and n - k <= MAX_PARAGRAPHS:
                ps, pe = paras[n]
                if not text.startswith(opener, ps) and not (opener == "\u201c" and text[ps] == '"'):
                    break
                found = [(op, oo, cc) for op, oo, cc in _scan_paragraph(text, ps, pe, ps)]
                if found and found[0][1] == ps and found[0][2] is not None and found[0][0] == opener:
                    close = found[0][2]
                    end_k = n
                    break
                if found and found[0][1] == ps and found[0][2] is None:
                    n += 1
                    continue
                break
            if close is not None and close - o <= MAX_CHARS * 2:
                w = len(opener)
                out.append(Marked(o, close + w, o + w, close, paragraphs=end_k - k + 1))
                k = end_k
                skip_to = close + w
                restart = True
            else:
                # an unbalanced mark: drop it, keep the rest of the paragraph
                restart = False
                skip_to = o + 1
            break
        if restart is None:
            k += 1
            skip_to = -1
        elif restart:
            continue
        else:
            # rescan the same paragraph after the stray mark, dropping each further stray mark the same way
            while skip_to < e:
                again = None
                for _opener, o2, c2 in _scan_paragraph(text, s, e, skip_to):
                    if c2 is None:
                        again = o2 + 1
                        break
                    if c2 - o2 <= MAX_CHARS:
                        w = len(_opener)
                        out.append(Marked(o2, c2 + w, o2 + w, c2))
                if again is None:
                    break
                skip_to = again
            k += 1
            skip_to = -1
    return out
