"""Where an export writes: a file path, an open stream, or stdout (``None`` or ``-``), opened the same way by all."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def describe(target: Any) -> str:
    """How a target is named in messages and in ``ExportStats.files``."""
    if target is None or str(target) == "-":
        return "<stdout>"
    if isinstance(target, (str, Path)):
        return str(target)
    return getattr(target, "name", "<stream>")


@contextmanager
def open_text(target: str | Path | IO[str] | None) -> Iterator[IO[str]]:
    """A text stream (UTF-8, ``\\n`` line ends) to write into; paths are created with their parent folders."""
    if target is None or str(target) == "-":
        yield sys.stdout
        sys.stdout.flush()
    elif isinstance(target, (str, Path)):
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            yield fh
    else:
        yield target


@contextmanager
def open_binary(target: str | Path | IO[bytes] | None) -> Iterator[IO[bytes]]:
    """A binary stream to write into (stdout's buffer for ``None``/``-``)."""
    if target is None or str(target) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    elif isinstance(target, (str, Path)):
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            yield fh
    else:
        yield target


def ensure_dir(target: str | Path) -> Path:
    """The output directory, created when missing; a path that is a file is an error."""
    path = Path(target)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} exists and is not a directory")
    path.mkdir(parents=True, exist_ok=True)
    return path
