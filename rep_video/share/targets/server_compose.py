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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rep_video.fileutil import sha256_file
from rep_video.media.mp4.layout import Data, FileLayout, Span

INLINE_LIMIT = 4 * 1024 * 1024  # new bytes sent in the plan; the server takes up to 8 MiB
PART_PREFIX = "parts/"


@dataclass(frozen=True, slots=True)
class Part:
    name: str  # in the share
    path: Path
    size: int
    sha256: str

    def declaration(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


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


def plan_layout(layout: FileLayout, name: str, spill: Path) -> ComposePlan:
    """The parts to upload and the compose request that makes `name` from `layout`. New bytes
    past INLINE_LIMIT in all are written into `spill` (a folder that must outlive the upload)
    and uploaded as parts too."""
    parts: dict[Path, Part] = {}
    plan: list[dict[str, Any]] = []
    inline = 0
    for piece in layout.parts:
        if isinstance(piece, Data):
            if inline + len(piece.data) <= INLINE_LIMIT:
                inline += len(piece.data)
                plan.append({"data": base64.b64encode(piece.data).decode("ascii")})
                continue
            digest = hashlib.sha256(piece.data).hexdigest()
            path = spill / f"{digest}.bin"
            path.write_bytes(piece.data)
            piece = Span(path, 0, len(piece.data))
        part = parts.get(piece.path)
        if part is None:
            digest = sha256_file(piece.path)
            size = piece.path.stat().st_size
            part = parts[piece.path] = Part(part_name(digest, piece.path), piece.path, size, digest)
        plan.append({"file": part.name, "offset": piece.offset, "length": piece.length})
    body = {"name": name, "parts": plan}
    return ComposePlan(tuple(parts.values()), body, layout.size, layout.sha256())
