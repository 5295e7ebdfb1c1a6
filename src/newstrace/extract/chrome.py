"""The chrome vocabulary: widget, navigation, cookie and copyright patterns and author-bio cues, as data.

The shipped vocabulary is ``data/extract/chrome.yaml``; YAML files listed in ``NEWSTRACE_LEXICONS`` that carry
a top-level ``chrome:`` (or ``bio:``) key add their patterns to it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import load_yaml

log = logging.getLogger(__name__)

CHROME_FILE = DATA_DIR / "extract" / "chrome.yaml"


@dataclass
class ChromeVocabulary:
    """Compiled patterns: per reason, the whole-line patterns and the in-line prompt patterns; bio cues."""

    whole: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    prompt: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    professions: re.Pattern[str] | None = None
    bio_cues: list[re.Pattern[str]] = field(default_factory=list)

    def whole_match(self, norm: str) -> str | None:
        """The reason of the first whole-line pattern that ``norm`` (a normalised line) is, or None."""
        for reason, pat in self.whole:
            if pat.fullmatch(norm):
                return reason
        return None

    def prompt_match(self, norm: str) -> str | None:
        """The reason of the first prompt pattern found in ``norm``, or None."""
        for reason, pat in self.prompt:
            if pat.search(norm):
                return reason
        return None

    def profession_count(self, norm: str) -> int:
        """How many distinct profession words a line uses (the vocabulary of an author bio)."""
        if self.professions is None:
            return 0
        return len(set(self.professions.findall(norm)))

    def bio_cue_count(self, norm: str) -> int:
        """How many author-bio cues ("follow her on", "is a ... writer", a handle) a line matches."""
        return sum(1 for pat in self.bio_cues if pat.search(norm))


def _read(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = load_yaml(fh) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("could not read chrome vocabulary %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=8)
def _load(extra: tuple[Path, ...]) -> ChromeVocabulary:
    vocab = ChromeVocabulary()
    professions: list[str] = []
    cues: list[str] = []
    for path in (CHROME_FILE, *extra):
        data = _read(path)
        for reason, kinds in (data.get("chrome") or {}).items():
            for kind in ("whole", "prompt"):
                for pattern in (kinds or {}).get(kind) or []:
                    try:
                        compiled = re.compile(pattern, re.I)
                    except re.error as exc:
                        log.warning("bad chrome pattern %r in %s: %s", pattern, path, exc)
                        continue
                    getattr(vocab, kind).append((reason, compiled))
        bio = data.get("bio") or {}
        professions += [str(p) for p in bio.get("professions") or []]
        cues += [str(c) for c in bio.get("cues") or []]
    if professions:
        alt = "|".join(sorted((re.escape(p.lower()) for p in professions), key=len, reverse=True))
        vocab.professions = re.compile(rf"(?<![\w-])({alt})s?(?![\w-])", re.I)
        for cue in cues:
            try:
                vocab.bio_cues.append(re.compile(cue.replace("%PROFESSIONS%", alt), re.I))
            except re.error as exc:
                log.warning("bad bio cue %r: %s", cue, exc)
    return vocab


def chrome_vocabulary() -> ChromeVocabulary:
    """The shipped chrome vocabulary plus the user's (``NEWSTRACE_LEXICONS`` files with a ``chrome:`` key)."""
    extra = tuple(p for p in get_settings().lexicon_files if p.suffix.lower() in {".yaml", ".yml"})
    return _load(extra)
