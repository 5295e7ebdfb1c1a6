"""Explicit credits: an article that says "the Tarnvale Tribune reported" or "according to Tribune" came after it.

A credit decides which of two texts that share words is the copy, before publication times do: metadata dates are
often missing, day-only or wrong, while a text that credits another outlet cannot be its origin.
"""

from __future__ import annotations

import re
from functools import lru_cache

NAME = r"((?:[A-Z][\w&'.-]*\s+){0,4}[A-Z][\w&'.-]*)"
CUES_BEFORE = re.compile(
    rf"\b(?:according\s+to|reported\s+by|first\s+reported\s+by|cited\s+by|quoted\s+by|told|via|courtesy\s+of)"
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
