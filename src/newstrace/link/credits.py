"""Explicit credits: an article that says "the Tarnvale Tribune reported" or "according to Tribune" came after it.

A credit decides which of two texts that share words is the copy, before publication times do: metadata dates are
often missing, day-only or wrong, while a text that credits another outlet cannot be its origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import rule_files

NAME = r"((?:[A-Z][\w&'.-]*\s+){0,4}[A-Z][\w&'.-]*)"
CUES_BEFORE = re.compile(
    rf"\b(?:according\s+to|by|reported\s+by|first\s+reported\s+by|cited\s+by|quoted\s+by|told|via|courtesy\s+of)"
    rf"\s+(?:the\s+)?{NAME}")
CUES_AFTER = re.compile(
    rf"(?:\bthe\s+)?{NAME}\s+(?:has\s+|had\s+|first\s+)?(?:reported|reports|said\s+in\s+a\s+report|wrote|revealed|"
    rf"broke\s+the\s+news|news\s+agency\s+reported)\b")
TLD = re.compile(r"\.(?:com|net|org|info|news|co|pk|in|qa|uk|af|us|example)(?:\.[a-z]{2})?$")


def fold(name: str | None) -> str:
    """An outlet's name or domain as letters only: "The Tarnvale Tribune" and "tarnvale-tribune.com" meet."""
    if not name:
        return ""
    name = name.strip().casefold()
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name)
    name = TLD.sub("", name.split("/", 1)[0]) if "." in name and " " not in name else name
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[^a-z]", "", name)


@lru_cache(maxsize=4096)
def credited_names(text: str) -> frozenset[str]:
    """The folded names a text credits as its source ("X reported", "according to X")."""
    out = set()
    for rx in (CUES_BEFORE, CUES_AFTER):
        for m in rx.finditer(text):
            f = fold(m.group(1))
            if len(f) >= 4:
                out.add(f)
    return frozenset(out)


def credits(text: str | None, *outlet_names: str | None) -> bool:
    """Whether ``text`` credits the outlet known by any of these names (name, domain): a whole name, or a
    distinctive part of it of five letters or more ("Tribune" for the Tarnvale Tribune)."""
    if not text:
        return False
    names = {f for f in (fold(n) for n in outlet_names) if f}
    if not names:
        return False
    for c in credited_names(text):
        for n in names:
            if c == n or (len(c) >= 5 and (c in n or n in c)):
                return True
    return False


# a wire dateline names its agency in brackets: "KAMPALA, Dec 1 (GlobeWire) -", "LIMA (CNA) —"
DATELINE_AGENCY = re.compile(r"^[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?\s*\(([^()]{2,40}?)(?:,[^()]*)?\)\s*[-–—:]",
                             re.M)
ACRONYM = re.compile(r"^[A-Z]{2,5}$")


@dataclass(frozen=True)
class CreditRules:
    """What marks a republished text besides a credit in it: wire bylines and alternate-rendering URLs."""

    wire_words: tuple[str, ...]
    url_markers: tuple[str, ...]


@lru_cache(maxsize=1)
def load_rules() -> CreditRules:
    """The shipped credit rules, extended by any ``NEWSTRACE_LEXICONS`` file that has their keys."""
    words: list[str] = []
    markers: list[str] = []
    for data in rule_files([DATA_DIR / "link" / "credits.yaml", *get_settings().lexicon_files], "credit rules"):
        words += [str(w).casefold() for w in data.get("wire_byline_words") or []]
        markers += [str(m).casefold() for m in data.get("alternate_url_markers") or []]
    return CreditRules(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(markers)))


def dateline_agency(text: str | None) -> str | None:
    """The agency a text's dateline names ("KAMPALA, Dec 1 (GlobeWire) -" gives GlobeWire), if any."""
    m = DATELINE_AGENCY.search((text or "")[:600])
    return m.group(1).strip() if m else None


def is_wire_byline(byline: str | None, rules: CreditRules | None = None) -> bool:
    """Whether a byline names an agency or a desk rather than a person ("GlobeWire" counts when the dateline or the
    other text names it; here: "Wire Reports", "Staff and agencies", "CNA")."""
    if not byline:
        return False
    rules = rules or load_rules()
    text = byline.strip()
    if ACRONYM.match(text):
        return True
    folded = " " + re.sub(r"[^\w]+", " ", text.casefold()) + " "
    return any(f" {w} " in folded for w in rules.wire_words)


def republished(byline: str | None, text: str | None, origin_names: tuple[str | None, ...]) -> bool:
    """Whether a text shows it is another outlet's: its byline or its dateline's agency names that outlet, or its
    byline names a wire or a desk."""
    names = {f for f in (fold(n) for n in origin_names) if f}
    for credit in (byline, dateline_agency(text)):
        f = fold(credit)
        if f and any(f == n or (len(f) >= 5 and (f in n or n in f)) for n in names):
            return True
    return is_wire_byline(byline)


def alternate_rendering(url: str | None, rules: CreditRules | None = None) -> bool:
    """Whether a URL is an alternate rendering of a page (an AMP or print view)."""
    if not url:
        return False
    rules = rules or load_rules()
    low = url.casefold()
    return any(marker in low for marker in rules.url_markers)
