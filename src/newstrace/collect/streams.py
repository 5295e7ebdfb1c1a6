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


class FailingStream:
    """A stream that raises ``exc`` when read: what comes after the readable part of a cut archive."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def read(self, size: int = -1) -> bytes:
        raise self.exc


def read_head_partial(stream: BinaryIO, size: int, errors: tuple[type[BaseException], ...]) -> tuple[bytes, BinaryIO]:
    """Up to ``size`` bytes of ``stream`` and a stream of what follows; a read error after some bytes were read is
    deferred to that second stream so the readable part is kept. Raises when nothing at all could be read."""
    chunks: list[bytes] = []
    got = 0
    rest: BinaryIO = stream
    # read1 hands back what one underlying read decoded: a buffered ``read`` that fails part-way (a cut gzip
    # member) would lose the bytes it had already decoded along with the error
    read = getattr(stream, "read1", stream.read)
    while got < size:
        try:
            chunk = read(size - got)
        except errors as exc:
            if not chunks:
                raise
            rest = FailingStream(exc)  # type: ignore[assignment]
            break
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks), rest


class CountingStream:
    """A stream that counts the bytes read through it; ``tell`` is that count (for readers that track offsets)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def tell(self) -> int:
        return self.count
