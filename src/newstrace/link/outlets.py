"""Outlets: who published an article, and which outlets count as one voice.

An outlet is the registered domain of the article's URL (``tldextract`` with its bundled public-suffix snapshot,
never the network), else of the outlet field when that is a domain, else the outlet name case-folded. Outlets of
one owner or one wire are grouped by the YAML files of ``data/outlets/`` plus the user's files
(``NEWSTRACE_OUTLETS``), so that they count once when independent outlets are counted. The same files say where
outlets publish from (``homes:``: the country of a .com outlet, the town of a local one), which the place
component reads as the article's focus.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from newstrace.domains import registered_domain as domain_of
from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)

_DOMAINISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/]+\.[a-z]{2,}(?:[:/].*)?$", re.I)
_WS = re.compile(r"\s+")


def registered_domain(value: str | None) -> str | None:
    """The registered domain (``example.co.uk``) of a URL or host name, or None when it has none."""
    if not value or not _DOMAINISH.match(value.strip()):
        return None
    return domain_of(value)


def outlet_key(url: str | None, outlet: str | None) -> str | None:
    """The outlet an article counts as: its URL's registered domain, else the outlet field's, else its name."""
    for value in (url, outlet):
        dom = registered_domain(value)
        if dom:
            return dom
    if outlet and outlet.strip():
        return _WS.sub(" ", outlet.strip()).casefold()
    return None


@dataclass
class OutletGroups:
    """Outlet -> group name (and kind): outlets of one owner or one wire share a group."""

    groups: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def group(self, key: str | None) -> str | None:
        """The voice an outlet counts as: its group's name, or the outlet itself when it belongs to none."""
        if key is None:
            return None
        return self.groups.get(key, key)

    def rows(self) -> list[tuple[str, str, str | None]]:
        return [(o, g, self.kinds.get(g)) for o, g in sorted(self.groups.items())]


def _normalise_member(value: str) -> str:
    return registered_domain(value) or _WS.sub(" ", value.strip()).casefold()


def _outlet_files(extra: list[Path] | None = None) -> list[Path]:
    """The shipped outlet files, then the user's (``NEWSTRACE_OUTLETS``), in the order later entries win."""
    files = sorted((DATA_DIR / "outlets").glob("*.yaml"))
    return files + [Path(f) for f in (extra if extra is not None else get_settings().outlet_files)]


def _read_section(path: Path, section: str) -> object:
    """One top-level section of an outlet file, or None; a file that cannot be read is logged and skipped."""
    try:
        data = read_yaml(path) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        log.warning("outlet file %s skipped: %s", path, exc)
        return None
    return data.get(section) if isinstance(data, dict) else None


def read_group_file(path: Path, into: OutletGroups) -> None:
    """Add the groups of one YAML file (``groups: [{name, kind, outlets: [...]}]``); a bad file is logged, skipped."""
    groups = _read_section(path, "groups")
    for grp in groups if isinstance(groups, list) else []:
        if not isinstance(grp, dict) or not grp.get("name"):
            continue
        name = str(grp["name"])
        if grp.get("kind"):
            into.kinds[name] = str(grp["kind"])
        for member in grp.get("outlets") or []:
            if isinstance(member, str) and member.strip():
                into.groups[_normalise_member(member)] = name


def load_groups(extra: list[Path] | None = None) -> OutletGroups:
    """The shipped outlet groups plus the user's files (later files win for an outlet listed twice)."""
    groups = OutletGroups()
    for path in _outlet_files(extra):
        read_group_file(path, groups)
    return groups


@dataclass(frozen=True)
class OutletHome:
    """Where an outlet publishes from: its country (ISO3) and, for a local outlet, its town (and GeoNames admin1
    code where the country has several towns of the name)."""

    country: str
    town: str | None = None
    admin1: str | None = None


def read_home_file(path: Path, into: dict[str, OutletHome]) -> None:
    """Add the ``homes:`` of one YAML file (``domain: {country, town, admin1}``); a bad file or entry is skipped."""
    homes = _read_section(path, "homes")
    for outlet, home in homes.items() if isinstance(homes, dict) else ():
        if isinstance(home, dict) and isinstance(home.get("country"), str):
            into[_normalise_member(str(outlet))] = OutletHome(home["country"].upper(), home.get("town"),
                                                              home.get("admin1"))


@lru_cache(maxsize=1)
def outlet_homes() -> dict[str, OutletHome]:
    """The shipped outlet homes plus the user's files (``NEWSTRACE_OUTLETS``; later files win), read once."""
    homes: dict[str, OutletHome] = {}
    for path in _outlet_files():
        read_home_file(path, homes)
    return homes
