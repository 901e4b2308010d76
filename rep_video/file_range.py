"""A read-only, seekable view of `length` bytes of a file from `offset`: what a demuxer reads
of a recording up to its last complete fragment (media/capture), and what a tus upload of one
chunk of a recording reads (share/targets/file_chunks.py), without copying the bytes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


class FileRange(io.RawIOBase):
    def __init__(self, path: Path, offset: int, length: int) -> None:
        self._f = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._offset, self._length, self._pos = offset, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = max(0, min(len(view), self._length - self._pos))
        self._f.seek(self._offset + self._pos)
        got = self._f.readinto(view[:n]) if n else 0
        self._pos += got
        return got

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._f.close()
        super().close()
