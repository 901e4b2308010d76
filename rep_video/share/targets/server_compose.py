"""A video sent as a layout (media/mp4/layout.py) to RepVideo's server: the files its spans read
(the recording, the re-encoded pieces, the intro card) are uploaded as the share's `parts/`
files, named by their sha256 so a recording the server already has is never sent again, and
the server composes video.mp4 from the plan (POST /api/v1/shares/{id}/compose, docs/API.md):
the layout's new bytes inline, every span a range of a part. The server checks the result
against video.mp4's declared size and sha256, the layout's own, so the file on the phone is
byte for byte the file this computer would have written."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rep_video.fileutil import sha256_file
from rep_video.media.mp4.layout import Data, FileLayout, Span
from rep_video.share.targets.base import Reservation

INLINE_LIMIT = 4 * 1024 * 1024  # new bytes sent in the plan; the server takes up to 8 MiB
# A new piece bigger than this (the moov: ~0.8 kB a second of video) goes as a part: its raw
# bytes beside the other parts, rather than a third more as base64 in the plan after them.
INLINE_PIECE = 16 * 1024
PART_PREFIX = "parts/"


@dataclass(frozen=True, slots=True)
class Part:
    name: str  # in the share
    path: Path
    size: int
    sha256: str
    offset: int = 0  # a chunk (file_chunks.py): `size` bytes of `path` from here

    @property
    def whole(self) -> bool:
        return self.offset == 0 and self.size == self.path.stat().st_size

    def declaration(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class Grid:
    """Where a file is sent as chunks (file_chunks.py): bytes [start, end) in `size` pieces."""

    start: int
    end: int
    size: int


def live_grid(reservation: Reservation) -> dict[Path, Grid]:
    """The take whose fragments were streamed into the share while it was recorded
    (live_upload.py), and the chunk grid they were cut on; empty when none was."""
    live = reservation.state.get("live")
    if not live or not live.get("take"):
        return {}
    return {Path(live["take"]): Grid(live["start"], live["end"], live["size"])}


@dataclass(frozen=True, slots=True)
class ComposePlan:
    parts: tuple[Part, ...]  # to upload before composing
    body: dict[str, Any]  # the compose request
    size: int
    sha256: str  # of the composed file


def part_name(sha256: str, path: Path) -> str:
    """A part's name in the share: its content (128 bits of its sha256), so the same file
    (a recording uploaded while it was made, or by an earlier send) maps to the same upload."""
    suffix = path.suffix if path.suffix in (".mp4", ".bin") else ".bin"
    return f"{PART_PREFIX}{sha256[:32]}{suffix}"


def plan_layout(
    layout: FileLayout, name: str, spill: Path, chunked: Mapping[Path, Grid] | None = None
) -> ComposePlan:
    """The parts to upload and the compose request that makes `name` from `layout`. A new
    piece over INLINE_PIECE, and new bytes past INLINE_LIMIT in all, are written into `spill`
    (a folder that must outlive the upload) and uploaded as parts too. A file in `chunked` is
    sent as the chunks of its grid that the layout reads (the rest of a trimmed take is never
    sent); any other file whole."""
    parts: dict[tuple[Path, int], Part] = {}
    plan: list[dict[str, Any]] = []
    inline = 0
    for piece in layout.parts:
        if isinstance(piece, Data):
            if len(piece.data) <= INLINE_PIECE and inline + len(piece.data) <= INLINE_LIMIT:
                inline += len(piece.data)
                plan.append({"data": base64.b64encode(piece.data).decode("ascii")})
                continue
            digest = hashlib.sha256(piece.data).hexdigest()
            path = spill / f"{digest}.bin"
            path.write_bytes(piece.data)
            piece = Span(path, 0, len(piece.data))
        grid = (chunked or {}).get(piece.path)
        if grid is not None and grid.start <= piece.offset and piece.end <= grid.end:
            plan += _chunked_span(piece, grid, parts)
            continue
        part = parts.get((piece.path, -1))
        if part is None:
            digest = sha256_file(piece.path)
            size = piece.path.stat().st_size
            part = Part(part_name(digest, piece.path), piece.path, size, digest)
            parts[(piece.path, -1)] = part
        plan.append({"file": part.name, "offset": piece.offset, "length": piece.length})
    body = {"name": name, "parts": plan}
    return ComposePlan(tuple(parts.values()), body, layout.size, layout.sha256())


def _chunked_span(
    span: Span, grid: Grid, parts: dict[tuple[Path, int], Part]
) -> list[dict[str, Any]]:
    """`span` as ranges of the chunks of `grid` it covers (each chunk a part, named by its
    content: file_chunks.py)."""
    from rep_video.share.targets.file_chunks import cut_chunks

    plan: list[dict[str, Any]] = []
    at = span.offset
    while at < span.end:
        lo = grid.start + (at - grid.start) // grid.size * grid.size
        part = parts.get((span.path, lo))
        if part is None:
            (chunk,) = cut_chunks(span.path, lo, min(lo + grid.size, grid.end), grid.size)
            part = Part(chunk.name, span.path, chunk.length, chunk.sha256, offset=lo)
            parts[(span.path, lo)] = part
        take = min(span.end, part.offset + part.size) - at
        plan.append({"file": part.name, "offset": at - part.offset, "length": take})
        at += take
    return plan
