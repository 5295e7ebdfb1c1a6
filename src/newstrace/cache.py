"""A disk cache for data built from shipped files (the place gazetteer), so a new process loads it, not builds it.

Entries are ``marshal`` files (plain dicts, lists, tuples, strings and numbers load several times faster than a
pickle of objects) named by a hash of everything the build reads: the code that builds it and its input files.
Change any of them and the key changes, so a stale entry is never read. A cache that cannot be read or written
is not an error: the value is built as if there were none. ``NEWSTRACE_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from newstrace.settings import get_settings

log = logging.getLogger(__name__)

T = TypeVar("T")


def fingerprint(parts: Iterable[str | bytes | Path]) -> str:
    """A hash of strings, bytes and files' contents (a missing file hashes as its name alone)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            h.update(str(part).encode("utf-8"))
            try:
                h.update(part.read_bytes())
            except OSError:
                h.update(b"\x00missing")
        elif isinstance(part, str):
            h.update(part.encode("utf-8"))
        else:
            h.update(part)
        h.update(b"\x1f")
    return h.hexdigest()[:24]


def cache_dir() -> Path | None:
    """Where entries live: ``NEWSTRACE_CACHE_DIR``, else ``$XDG_CACHE_HOME/newstrace`` or ``~/.cache/newstrace``."""
    value = get_settings().cache_dir
    if value and value.lower() in ("off", "none", "0"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newstrace"


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """The value stored as ``name`` under ``key``, or ``build()``'s, stored for the next process.

    The value must be made of marshal's types. Writes go to a temporary file renamed into place, so processes
    that build at the same time never see each other's half-written entry.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.marshal"
    try:
        # loads() of the whole file: load() on a file object reads it a few bytes at a time, five times slower
        return marshal.loads(path.read_bytes())
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as exc:
        log.warning("cache entry %s unreadable (%s); rebuilding", path, exc)
    value = build()
    _write(path, value)
    return value


def _write(path: Path, value: Any) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(value))
        os.replace(tmp, path)
        for old in path.parent.glob(path.name.split("-")[0] + "-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)  # an entry for an older key is never read again
    except (OSError, ValueError) as exc:
        log.warning("cache entry %s not written: %s", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
