"""Article metadata that every input form shares: outlet from URL, ISO dates, language, stop words.

All of it works offline: registered domains come from ``newstrace.domains`` (tldextract's bundled public-suffix
snapshot) and the stop-word lists are the ones spaCy ships for each language (plain data, no model is loaded).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

from newstrace.domains import registered_domain

# languages whose stop words the line classifier and the language check know (spaCy's spacy.lang.<code>)
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "pl")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of ``url`` (``www.bbc.co.uk/news`` -> ``bbc.co.uk``), or None for no usable host."""
    if not url or not isinstance(url, str):
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I) and "." not in url.split("/")[0]:
        return None  # a local path, not a URL
    if url.lower().startswith("file:"):
        return None
    return registered_domain(url)


_DOMAIN = re.compile(r"\b(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,})\b", re.I)
_OWNER_LINE = re.compile(r"©|\(c\)|copyright|all rights reserved", re.I)


def outlet_from_footer(lines: list[str]) -> str | None:
    """The registered domain a page prints in its own copyright line ("© 2026 Corniche Daily | cornichedaily.qa").

    A scrape without a URL still names its site in the footer; only lines that assert ownership count, so a
    domain merely mentioned in a related-links list is not taken for the outlet.
    """
    for line in lines:
        if not _OWNER_LINE.search(line):
            continue
        for match in _DOMAIN.finditer(line):
            outlet = outlet_from_url("http://" + match.group(1))
            if outlet and "." in outlet:
                return outlet
    return None


def is_web_url(value: str | None) -> bool:
    """True for an http(s) URL, the only kind that names an article online."""
    return bool(value) and bool(re.match(r"^https?://", str(value), re.I))


def iso_date(value: Any, languages: list[str] | None = None) -> str | None:
    """An ISO 8601 date (or datetime when a time is given) from the forms feeds and pages use, else None.

    ``languages`` narrows the month names tried for a written date (all of dateparser's otherwise, slower).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    if _ISO_DAY.match(text):
        return text[:10]
    try:
        return parsedate_to_datetime(text).isoformat()  # RFC 822 dates of RSS and e-mail
    except (TypeError, ValueError, IndexError):
        pass
    try:
        import dateparser

        parsed = dateparser.parse(
            text[:100], languages=languages, settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"}
        )
    except Exception:  # noqa: BLE001 - an unparseable date is simply unknown
        parsed = None
    return parsed.date().isoformat() if parsed else None


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The stop words spaCy ships for ``lang`` (empty for a language it does not know).

    The list is read from spaCy's data file without importing spaCy, which keeps extraction quick to start in
    a process that never loads a model.
    """
    spec = importlib.util.find_spec("spacy")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "lang" / lang / "stop_words.py"
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            continue
        match = re.search(r'"""(.*?)"""', source, re.S)
        if match:
            return frozenset(w.lower() for w in match.group(1).split())
    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()))


def words(text: str) -> list[str]:
    """The alphabetic words of ``text``, lower-cased."""
    return [w.lower() for w in _WORD.findall(text)]


def guess_language(text: str, *, sample: int = 20000) -> str | None:
    """The language whose stop words cover most of the text's words; None when there are too few words.

    Function words make up a third to a half of running text in any of these languages, which is enough to
    tell them apart cheaply; the check reads at most ``sample`` characters.
    """
    tokens = words(text[:sample])
    if len(tokens) < 5:
        return None
    best, best_share = None, 0.0
    for lang in LANGUAGES:
        sw = stop_words(lang)
        share = sum(t in sw for t in tokens) / len(tokens)
        if share > best_share + 1e-9:
            best, best_share = lang, share
    if best is None or best_share < 0.12:
        return None
    return best
