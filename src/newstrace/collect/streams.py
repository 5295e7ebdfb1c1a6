"""Byte streams that can be sniffed: a stream whose first bytes were read is put back together."""

from __future__ import annotations

import io
from typing import BinaryIO


class PrefixedStream(io.RawIOBase):
    """A read-only stream that yields ``head`` and then the rest of ``rest``, so a sniffed stream loses nothing."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._pos = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._pos < len(self._head):
            n = min(len(view), len(self._head) - self._pos)
            view[:n] = self._head[self._pos : self._pos + n]
            self._pos += n
            return n
        data = self._rest.read(len(view))
        if not data:
            return 0
        view[: len(data)] = data
        return len(data)


def read_head(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes from the start of ``stream``, reading again when a pipe hands back short chunks."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def rejoin(head: bytes, rest: BinaryIO) -> io.BufferedReader:
    """A buffered stream over ``head`` followed by ``rest``."""
    return io.BufferedReader(PrefixedStream(head, rest), buffer_size=65536)
