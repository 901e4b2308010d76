"""ISO BMFF ("MP4") boxes as bytes: walking a buffer or a file box by box, and writing boxes.

Only the structure is understood here (size, type, children); what a box means is read by
the modules that need it (fragments.py, tables.py). Every walk checks sizes against what
is there and raises `Mp4Error` for anything that does not fit, so a damaged or hostile file
is one clear error, never an exception from deep inside a parser."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Boxes that hold only other boxes (the ones the readers here descend into).
CONTAINERS = frozenset(
    {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"moof", b"traf"}
)
_U32_MAX = 0xFFFFFFFF


class Mp4Error(ValueError):
    """The bytes are not the MP4 structure they should be (damaged, truncated, foreign)."""


@dataclass(frozen=True, slots=True)
class Box:
    kind: bytes  # the four-character type
    offset: int  # where its header starts (in the buffer or file it was read from)
    size: int  # header and payload
    header: int  # 8, or 16 with a 64-bit size

    @property
    def start(self) -> int:
        """Where the payload starts."""
        return self.offset + self.header

    @property
    def end(self) -> int:
        return self.offset + self.size


def _header(head: bytes, offset: int, room: int) -> Box:
    if len(head) < 8:
        raise Mp4Error(f"a box header at byte {offset} is cut short")
    size, kind = struct.unpack(">I4s", head[:8])
    header = 8
    if size == 1:
        if len(head) < 16:
            raise Mp4Error(f"a 64-bit box header at byte {offset} is cut short")
        size = struct.unpack(">Q", head[8:16])[0]
        header = 16
    elif size == 0:  # runs to the end of its parent
        size = room
    if size < header or size > room:
        raise Mp4Error(f"box {kind!r} at byte {offset} claims {size} bytes, {room} are there")
    return Box(kind, offset, size, header)


def iter_boxes(data: bytes | memoryview, start: int = 0, end: int | None = None) -> Iterator[Box]:
    """The boxes one after another in data[start:end] (one level)."""
    end = len(data) if end is None else end
    offset = start
    while offset < end:
        if end - offset < 8:
            raise Mp4Error(f"{end - offset} stray bytes at byte {offset}")
        box = _header(bytes(data[offset : offset + 16]), offset, end - offset)
        yield box
        offset = box.end


def children(data: bytes | memoryview, box: Box) -> list[Box]:
    return list(iter_boxes(data, box.start, box.end))


def find(data: bytes | memoryview, parent: Box, kind: bytes) -> Box | None:
    """The first child of `parent` of type `kind`."""
    return next((b for b in iter_boxes(data, parent.start, parent.end) if b.kind == kind), None)


def need(data: bytes | memoryview, parent: Box, kind: bytes) -> Box:
    found = find(data, parent, kind)
    if found is None:
        raise Mp4Error(f"{parent.kind.decode('latin-1')} has no {kind.decode('latin-1')} box")
    return found


def path(data: bytes | memoryview, parent: Box, *kinds: bytes) -> Box:
    """The box at `parent`/kinds[0]/kinds[1]/..."""
    box = parent
    for kind in kinds:
        box = need(data, box, kind)
    return box


def payload(data: bytes | memoryview, box: Box) -> bytes:
    return bytes(data[box.start : box.end])


def full_header(data: bytes | memoryview, box: Box) -> tuple[int, int]:
    """(version, flags) of a full box."""
    if box.size - box.header < 4:
        raise Mp4Error(f"box {box.kind!r} at byte {box.offset} has no version and flags")
    word = struct.unpack(">I", bytes(data[box.start : box.start + 4]))[0]
    return word >> 24, word & 0xFFFFFF


def top_level(file: Path, limit: int | None = None) -> tuple[list[Box], bool]:
    """The top-level boxes of the first `limit` bytes of `file` (all of it by default), read
    header by header, and whether the last one is cut short (a file still being written, or
    one a crash cut)."""
    size = file.stat().st_size if limit is None else limit
    boxes: list[Box] = []
    with open(file, "rb") as f:
        offset = 0
        while offset < size:
            f.seek(offset)
            head = f.read(min(16, size - offset))
            try:
                box = _header(head, offset, size - offset)
            except Mp4Error:
                return boxes, True
            boxes.append(box)
            offset = box.end
    return boxes, False


# --- writing -----------------------------------------------------------------------------


def make_box(kind: bytes, body: bytes) -> bytes:
    size = 8 + len(body)
    if size > _U32_MAX:
        return struct.pack(">I4sQ", 1, kind, size + 8) + body
    return struct.pack(">I4s", size, kind) + body


def make_full_box(kind: bytes, version: int, flags: int, body: bytes) -> bytes:
    return make_box(kind, struct.pack(">I", (version << 24) | flags) + body)


def box_header(kind: bytes, payload_size: int) -> bytes:
    """Just the header of a box whose payload is written separately (an `mdat`); always the
    64-bit form when the size needs it."""
    if payload_size + 8 > _U32_MAX:
        return struct.pack(">I4sQ", 1, kind, payload_size + 16)
    return struct.pack(">I4s", payload_size + 8, kind)
