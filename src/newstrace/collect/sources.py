"""The sources file of ``newstrace watch``: which feeds and sitemaps to follow, and how often.

```yaml
interval: 15m            # default poll interval (seconds, or 30s / 15m / 2h)
sources:
  - url: https://gazette.example/rss.xml
    name: Velmora Gazette
    interval: 10m
  - url: https://ledger.example/sitemap-news.xml
    kind: sitemap          # feed | sitemap | auto (the default: decided by the body)
  - https://wire.example/atom.xml     # a bare URL takes the defaults
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from newstrace.yamlio import load_yaml

KINDS = ("auto", "feed", "sitemap")
DEFAULT_INTERVAL = 900.0
MIN_INTERVAL = 0.05  # tests poll fast; a real deployment sets minutes
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.I)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


class SourcesError(ValueError):
    """The sources file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class SourceSpec:
    """One followed feed or sitemap."""

    url: str
    name: str | None = None
    kind: str = "auto"
    interval: float = DEFAULT_INTERVAL


def parse_duration(value: Any, where: str) -> float:
    """Seconds from a number or a ``30s``/``15m``/``2h``/``1d`` string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise SourcesError(f"{where}: interval {value!r} is not a duration (e.g. 900, 30s, 15m, 2h)")
        seconds = float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]
    if seconds < MIN_INTERVAL:
        raise SourcesError(f"{where}: interval {value!r} is too short")
    return seconds


def parse_sources(data: Any, origin: str = "sources") -> list[SourceSpec]:
    """The sources a parsed YAML document lists (a mapping with ``sources:``, or a bare list)."""
    if isinstance(data, list):
        data = {"sources": data}
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{origin}: expected a 'sources:' list of feed or sitemap URLs")
    default = parse_duration(data.get("interval", DEFAULT_INTERVAL), f"{origin}: interval")
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["sources"], 1):
        where = f"{origin}: source {i}"
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise SourcesError(f"{where}: needs a url")
        url = entry["url"].strip()
        if not url.lower().startswith(("http://", "https://")):
            raise SourcesError(f"{where}: {url!r} is not an http(s) URL")
        kind = str(entry.get("kind", "auto")).lower()
        if kind not in KINDS:
            raise SourcesError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if url in seen:
            continue
        seen.add(url)
        specs.append(SourceSpec(url=url, name=entry.get("name"), kind=kind,
                                interval=parse_duration(entry.get("interval", default), where)))
    return specs


def load_sources(path: str | Path) -> list[SourceSpec]:
    """The sources of a YAML file; ``SourcesError`` with the reason when the file is missing or malformed."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"cannot read {p}: {exc}") from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{p} is not valid YAML: {exc}") from exc
    return parse_sources(data, str(p))
