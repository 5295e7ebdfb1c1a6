"""The event lexicon: trigger words and phrases mapped to PLOVER type, mode and CAMEO code, loaded from data.

The shipped files live in ``newstrace/data/events/`` (``triggers.yaml``, ``modality.yaml``, ``roles.yaml``); a user
adds files of the same shape through the ``NEWSTRACE_LEXICONS`` setting (a file with a ``types`` key adds
triggers, one with modality or role keys extends those lists). Later files win over earlier ones when the same
trigger is defined twice, so a user can re-type a shipped word.

A trigger is a head lemma plus optional companion words: ``"call for"`` is the verb *call* with *for* among its
dependents, ``"hunger strike"`` is the noun *strike* with *hunger* among its modifiers. Matching is a dictionary
lookup on the head lemma followed by a check of the companions in the parse, so it costs O(1) per token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)

EVENT_DATA = DATA_DIR / "events"
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry: the head lemma, the companion words that must accompany it, and what it codes."""

    head: str
    companions: tuple[str, ...]
    pos: str  # "verb" | "noun"
    type: str
    mode: str | None
    cameo: str | None
    order: int  # load order: a later entry wins a tie
    weak: bool = False  # an everyday word: an event only when its target is a named entity or place
    civil: str | None = None  # "TYPE/mode" coded instead when the actor is not an organ of the state
    workforce: bool = False  # codes only with a workforce as the verb's subject ("dock workers strike")
    object: str | None = None  # "none": only without a direct object; "required": only with one

    @property
    def phrase(self) -> str:
        words = (self.head, *self.companions) if self.pos == "verb" else (*self.companions, self.head)
        return " ".join(words)


@dataclass
class EventLexicon:
    """All triggers by (pos, head lemma), the type settings, modality cues and role settings."""

    triggers: dict[tuple[str, str], list[Trigger]] = field(default_factory=dict)
    absorbs: set[str] = field(default_factory=set)
    modality: dict[str, set[str]] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    # ("verbs", verb, dependent) or ("light", light verb, noun): set phrases that state no event
    not_events: set[tuple[str, str, str]] = field(default_factory=set)

    def candidates(self, pos: str, lemma: str) -> list[Trigger]:
        """The triggers whose head is this lemma, most specific (most companion words, then conditions) first, later
        files first."""
        return self.triggers.get((pos, lemma), [])

    def words(self, pos: str) -> set[str]:
        """Every head lemma of this part of speech (for the Matcher)."""
        return {lemma for (p, lemma) in self.triggers if p == pos}

    def cue(self, name: str) -> set[str]:
        return self.modality.get(name, set())

    def role_words(self, name: str) -> set[str]:
        return set(self.roles.get(name) or [])


def _split(phrase: str, pos: str) -> tuple[str, tuple[str, ...]]:
    """Head and companions of a phrase: a verb phrase leads with its head, a noun phrase ends with it
    (except "state of emergency", where the head comes before "of")."""
    words = [w.lower() for w in str(phrase).split() if w]
    if not words:
        raise ValueError("empty trigger")
    if len(words) == 1:
        return words[0], ()
    if pos == "verb":
        return words[0], tuple(words[1:])
    if "of" in words[1:-1]:
        return words[0], tuple(words[1:])
    return words[-1], tuple(words[:-1])


def _read(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("event lexicon %s not read: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("event lexicon %s is not a mapping; ignored", path)
        return {}
    return data


def build_lexicon(paths: Iterable[Path]) -> EventLexicon:
    """The lexicon from these YAML files, in order (later entries win ties with earlier ones)."""
    lex = EventLexicon()
    order = 0
    for path in paths:
        data = _read(Path(path))
        for type_name, spec in (data.get("types") or {}).items():
            type_name = str(type_name).upper()
            if type_name not in PLOVER_TYPES:
                log.warning("%s: %s is not a PLOVER type; ignored", path, type_name)
                continue
            spec = spec or {}
            if spec.get("absorbs"):
                lex.absorbs.add(type_name)
            for group in spec.get("groups") or []:
                cameo = str(group.get("cameo") or spec.get("cameo") or "") or None
                mode = group.get("mode") or None
                weak = bool(group.get("weak"))
                civil = str(group["civil"]).upper() if group.get("civil") else None
                workforce = bool(group.get("workforce"))
                obj = str(group["object"]).lower() if group.get("object") else None
                for pos, key in (("verb", "verbs"), ("noun", "nouns")):
                    for phrase in group.get(key) or []:
                        try:
                            head, comp = _split(phrase, pos)
                        except ValueError:
                            continue
                        order += 1
                        lex.triggers.setdefault((pos, head), []).append(
                            Trigger(head, comp, pos, type_name, mode, cameo, order, weak, civil, workforce, obj))
        for name, values in data.items():
            if name == "types":
                continue
            if name == "not_events" and isinstance(values, dict):
                for kind, phrases in values.items():
                    lex.not_events.update((str(kind), *str(p).lower().split()[:2]) for p in phrases or []
                                          if len(str(p).split()) >= 2)
            elif isinstance(values, list):
                # cue and role lists: a later file adds words to the same list
                words = [str(v).lower() for v in values]
                lex.modality.setdefault(name, set()).update(words)
                lex.roles[name] = list(dict.fromkeys([*(lex.roles.get(name) or []), *words]))
            elif isinstance(values, dict):
                lex.roles.setdefault(name, {}).update({str(k).upper(): str(v).upper() for k, v in values.items()})
            elif values is not None:
                lex.roles[name] = values
    for key, entries in lex.triggers.items():
        # the most specific first: more companion words, then conditions on subject or object, then the later file
        entries.sort(key=lambda t: (-len(t.companions), -(t.workforce + (t.object is not None)), -t.order))
    return lex


def default_paths() -> list[Path]:
    """The shipped files, then the user's files from ``NEWSTRACE_LEXICONS``."""
    shipped = [EVENT_DATA / "triggers.yaml", EVENT_DATA / "modality.yaml", EVENT_DATA / "roles.yaml"]
    return [*shipped, *get_settings().lexicon_files]


@lru_cache(maxsize=8)
def _cached(paths: tuple[str, ...]) -> EventLexicon:
    return build_lexicon(Path(p) for p in paths)


def load_lexicon(paths: Iterable[Path] | None = None) -> EventLexicon:
    """The event lexicon from the shipped data plus the user's files, loaded once per set of paths."""
    chosen = tuple(str(p) for p in (paths if paths is not None else default_paths()))
    return _cached(chosen)
