"""Lexicons as data: the shipped YAML files under ``data/quotes`` and ``data/flags`` plus the user's own.

A shipped lexicon is named by its path under ``data/`` without the suffix (``quotes/cues``, ``flags/hedge``). A user
file listed in ``NEWSTRACE_LEXICONS`` joins a shipped lexicon when it says which one, either with
``lexicon: quotes/cues`` or, for a flag lexicon, with ``kind: hedge`` (which means ``flags/hedge``); its lists
extend the shipped lists of the same key. A user flag file with a new kind adds a new flag kind.
"""

from __future__ import annotations

from collections.abc import Iterator

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        log.warning("lexicon %s could not be read: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _user_lexicons() -> dict[str, list[dict[str, Any]]]:
    """The user's lexicon files grouped by the shipped lexicon they extend."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in get_settings().lexicon_files:
        data = _read_yaml(path)
        name = data.get("lexicon") or (f"flags/{data['kind']}" if isinstance(data.get("kind"), str) else None)
        if isinstance(name, str):
            found.setdefault(name, []).append(data)
    return found


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if key == "lexicon":
            continue
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        elif key not in out:
            out[key] = value
    return out


@lru_cache(maxsize=64)
def lexicon(name: str) -> dict[str, Any]:
    """The lexicon ``name`` (``quotes/cues``): the shipped file merged with the user's files that extend it."""
    path = DATA_DIR / f"{name}.yaml"
    data = _read_yaml(path) if path.exists() else {}
    for extra in _user_lexicons().get(name, []):
        data = _merge(data, extra)
    return data


@lru_cache(maxsize=256)
def words(name: str, key: str) -> frozenset[str]:
    """The entries of one list of a lexicon, lower-cased, as a set for membership tests (built once per process)."""
    return frozenset(str(w).casefold() for w in lexicon(name).get(key) or [] if w is not None)


def clear_cache() -> None:
    """Forget the lexicons read so far, so that changed files or settings are read again."""
    lexicon.cache_clear()
    words.cache_clear()


def _flag_files() -> Iterator[tuple[str, dict]]:
    """(kind, data) of each flag lexicon: the shipped ``data/flags/*.yaml`` and the user's flag files, in name
    order."""
    names = {f"flags/{p.stem}" for p in (DATA_DIR / "flags").glob("*.yaml")} | {
        n for n in _user_lexicons() if n.startswith("flags/")
    }
    for name in sorted(names):
        data = lexicon(name)
        yield str(data.get("kind") or name.split("/", 1)[1]), data


def flag_exceptions() -> dict[str, frozenset[str]]:
    """Per flag kind, the words that, right after a cue, make it something else (``not_followed_by``): "exclusive"
    is the outlet's claim to sole knowledge, "exclusive economic zone" and "exclusive rights" are not."""
    out: dict[str, set[str]] = {}
    for kind, data in _flag_files():
        out.setdefault(kind, set()).update(str(w).casefold() for w in data.get("not_followed_by") or [])
    return {k: frozenset(v) for k, v in out.items()}


def flag_lexicons() -> dict[str, list[str]]:
    """Every flag kind with its phrases: the shipped ``data/flags/*.yaml`` and the user's flag files."""
    kinds: dict[str, list[str]] = {}
    for kind, data in _flag_files():
        kinds.setdefault(kind, []).extend(str(p) for p in data.get("phrases") or [] if p)
    return kinds
