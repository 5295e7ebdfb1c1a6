"""YAML reading for the shipped data files and users' own, through libyaml's C parser when PyYAML has it.

The lexicons, dictionaries and mappings are read by every new process (each ingest worker among them); the C
loader reads them several times faster than the pure-Python one and accepts the same safe subset of YAML.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
log = logging.getLogger(__name__)


def load_yaml(source: str | bytes | IO[str]) -> Any:
    """The data of one YAML document (safe types only), like ``yaml.safe_load``."""
    return yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader, the C build of SafeLoader


def read_yaml(path: Path | str) -> Any:
    """The data of a YAML file read as UTF-8."""
    return load_yaml(Path(path).read_text(encoding="utf-8"))


def rule_files(paths: Iterable[Path | str], what: str) -> Iterator[dict[str, Any]]:
    """The data of each rules file that reads as a YAML mapping, in order (the shipped file first, then the user's);
    a file that cannot be read is logged as skipped and the others still count."""
    for path in paths:
        try:
            data = read_yaml(path) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            log.warning("%s file %s skipped: %s", what, path, exc)
            continue
        if isinstance(data, dict):
            yield data
