"""A recording sent to the share server as chunks: fixed-size pieces of its fragment region,
each an upload of its own named by its content (parts/<128 bits of its sha256>.bin).

The same bytes get the same names whether they are cut from the working file while the take
is recorded (live_upload.py: the fragments, from the first `moof`) or from the finished take
(its `mdat` payload, which Stop writes as exactly those fragments: media/mp4/defrag.py), as
long as both are cut at the same size from the start of the fragments. So the plan made at
Send (server_compose.py) names chunks the server already holds, and only the tail is new."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rep_video.media.mp4.layout import Span
from rep_video.share.targets.server_compose import PART_PREFIX

CHUNK_SIZE = 1024 * 1024  # the tail left at Stop is at most this; 200 files per share at most
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Chunk(Span):
    """`length` bytes of `path` from `offset`, with their sha256."""

    sha256: str

    @property
    def name(self) -> str:
        return f"{PART_PREFIX}{self.sha256[:32]}.bin"

    def declaration(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.length, "sha256": self.sha256}


_known: dict[tuple[str, int, int, int, int], str] = {}  # (path, size, mtime, offset, length)
_known_lock = threading.Lock()
_KNOWN_MAX = 1024  # chunks; a 3-minute take has about 60


def range_sha256(path: Path, offset: int, length: int) -> str:
    """The sha256 of `length` bytes of `path` from `offset`; remembered while the file keeps
    its size and modification time, so the chunks hashed beside the local work at Stop
    (live_tail.py) are not read again when the send plans the video."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, offset, length)
    with _known_lock:
        if (known := _known.get(key)) is not None:
            return known
    digest = _hash_range(path, offset, length)
    with _known_lock:
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        _known[key] = digest
    return digest


def _hash_range(path: Path, offset: int, length: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(offset)
        left = length
        while left:
            block = f.read(min(_BLOCK, left))
            if not block:
                raise ValueError(f"{path.name} is shorter than {offset + length} bytes")
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def cut_chunks(path: Path, start: int, end: int, size: int) -> list[Chunk]:
    """The chunks of `path`'s bytes [start, end): `size` bytes each from `start`, the last
    one shorter."""
    chunks = []
    for at in range(start, end, size):
        length = min(size, end - at)
        chunks.append(Chunk(path, at, length, range_sha256(path, at, length)))
    return chunks
