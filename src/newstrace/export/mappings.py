"""The export mappings as data: the shipped YAML of ``data/<format>/mapping.yaml`` merged with the user's files.

A user file (``NEWSTRACE_EXPORT_MAPPINGS``, ``os.pathsep``-separated) has one section per format (``gdelt:``,
``stix:``) shaped like the shipped file; each key's mapping is merged entry by entry over the shipped one (a list
or a scalar replaces it), so a user adds a known-group code or re-maps a sector without copying the rest.
"""

from __future__ import annotations

from typing import Any

import yaml

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml


class MappingError(ValueError):
    """A user mapping file that cannot be read or is not a mapping."""


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: dicts merged key by key (one level down as well), other values replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def load(section: str) -> dict[str, Any]:
    """The mapping of one export format: the shipped file with every user file's ``section`` merged over it."""
    data = read_yaml(DATA_DIR / section / "mapping.yaml") or {}
    for path in get_settings().export_files:
        try:
            user = read_yaml(path) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(f"cannot read export mapping {path}: {exc}") from exc
        if not isinstance(user, dict):
            raise MappingError(f"export mapping {path} is not a YAML mapping")
        part = user.get(section) or {}
        if not isinstance(part, dict):
            raise MappingError(f"section {section!r} of {path} is not a mapping")
        data = merge(data, part)
    return data
