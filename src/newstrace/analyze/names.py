"""Name normalisation shared by entities, places and cross-article resolution.

Everything here is a pure function on strings, so the same keys come out in the analysis component and in the
link stage, and a name written "Kandahār", "KANDAHAR" or "Kandahar's" meets the same key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_UPPER = re.compile(r"[^\W\d_a-z\u00df-\u00ff]")  # letters that are not lower case (Latin lower ranges)
_LOWER = re.compile(r"[a-z\u00df-\u00ff]")
_APOS = "'\u2019\u2018`\u00b4"
_POSSESSIVE = re.compile(r"[" + _APOS + r"]s?$")
_PUNCT_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_DASHES = re.compile(r"[\u2010-\u2015\-]")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Text without diacritics ("Kandahār" -> "Kandahar"); scripts without a Latin decomposition are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def strip_possessive(text: str) -> str:
    """The name without a trailing possessive ("Hameed's" -> "Hameed", "Taliban’s" -> "Taliban")."""
    return _POSSESSIVE.sub("", text.rstrip()) if len(text) > 2 else text


def clean_surface(text: str) -> str:
    """A mention as a name: whitespace folded, no leading article, no possessive, no edge punctuation."""
    text = _WS.sub(" ", text).strip()
    text = _LEADING_ARTICLE.sub("", text)
    text = strip_possessive(text)
    return _PUNCT_EDGE.sub("", text)


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The identity key of a name: folded, case-folded, hyphens and dots as spaces, no article or possessive.

    "Inter-Services Intelligence" and "inter services intelligence" share a key; "U.S." becomes "u s".
    """
    text = fold(clean_surface(text)).casefold()
    text = _DASHES.sub(" ", text).replace(".", " ").replace(",", " ")
    return _WS.sub(" ", text).strip()


def compact_key(text: str) -> str:
    """The key without spaces ("u s" -> "us", "al qaeda" -> "alqaeda"), for spellings that split differently."""
    return name_key(text).replace(" ", "")


def skeleton(text: str) -> str:
    """A transliteration-tolerant key: the first letter, then consonants with doubles collapsed.

    Spelling variants of transliterated names mostly differ in vowels and doubled letters ("Hameed"/"Hamid",
    "Qaeda"/"Qaida", "Mohammed"/"Muhammad"), so they share this key; fuzzy scores then decide.
    """
    key = compact_key(text)
    if not key:
        return ""
    head, rest = key[0], key[1:]
    rest = _DOUBLES.sub(r"\1", _VOWELS.sub("", rest.replace("h", "")))
    return head + rest


def initials(text: str) -> str:
    """The acronym a multi-word name would have ("Inter-Services Intelligence" -> "isi").

    Words are split on spaces and hyphens; short function words ("of", "the", "and") are skipped as acronyms
    usually skip them ("Organization of the Petroleum Exporting Countries" -> "opec").
    """
    words = [w for w in _DASHES.sub(" ", fold(text)).split() if w]
    letters = [w[0] for w in words if w.casefold() not in _FUNCTION_WORDS and w[0].isalpha()]
    return "".join(letters).casefold() if len(letters) >= 2 else ""


_FUNCTION_WORDS = {"of", "the", "and", "for", "in", "on", "de", "du", "la", "le", "des", "al", "el", "e", "i", "a"}


def is_acronym(text: str) -> bool:
    """Whether a mention is written as an acronym: 2-6 capitals, maybe with dots or a digit ("ISI", "U.N.")."""
    bare = text.replace(".", "").replace("&", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalnum() and sum(c.isalpha() for c in bare) >= 2


def is_all_caps_text(text: str) -> bool:
    """Whether a whole text is set in capitals (then case tells nothing about names or acronyms)."""
    head = text[:5000]
    upper = len(_UPPER.findall(head))
    lower = len(_LOWER.findall(head))
    return upper + lower > 40 and upper / (upper + lower) > 0.8


def is_latin(text: str) -> bool:
    """Whether the letters of a name are Latin (accented Latin counts)."""
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


_TEXT_KEY = ("newstrace", "text")


def keep_text(doc, text: str) -> None:  # noqa: ANN001 - a spaCy Doc
    """Record the text a Doc was made from, so ``doc_text`` never has to rebuild it from the tokens."""
    doc.user_data[_TEXT_KEY] = text


def doc_text(doc) -> str:  # noqa: ANN001 - a spaCy Doc; names.py stays free of spaCy imports
    """The text of a Doc, read once and kept in ``doc.user_data`` (``Doc.text`` joins every token each time)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text
