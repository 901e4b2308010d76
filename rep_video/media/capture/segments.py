"""What a recording keeps: the segment model behind pause, resume and re-take (pure data, no
media), written beside the recording as a journal so a crash keeps the same decisions.

A recording is written as *parts*: one fragmented MP4 per stretch of capture, from Start (or a
Resume, or the restart after a re-take) to the next Pause (or re-take, or Stop). Every part
starts with a keyframe and ends at a frame boundary, with its audio cut at the same instant, so
parts join without a gap, a frozen frame or an A/V offset. The *pieces* are what the final file
keeps, in order: a prefix of each part (in frames). A re-take cuts the kept timeline at a
boundary (the start of a piece, i.e. the last pause, or a silence of at least 0.7 s inside
it) and everything after the cut is dropped, never reaching the final file; the media stays in
the part file until Stop, where only the pieces are copied out.

The plan (`plan()`) says, per kept piece, which part file and how many seconds of it, and where
it lands in the final file: enough for a server to compose the file from the streamed parts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from rep_video.fileutil import atomic_write_text

JOURNAL_VERSION = 1
# A cut lands this far into a silence (never past its middle): the kept sentence ends with a
# natural breath instead of a clipped last syllable.
INTO_SILENCE = 0.3
# A re-take that would drop less than this (the rep pressed it right after restarting) goes
# back to the boundary before: pressing twice re-takes the last two sentences.
MIN_DROP_SECONDS = 0.5


@dataclass(slots=True)
class PartRecord:
    index: int
    file: str  # file name, in the folder of the final recording
    frames: int | None = None  # frames it holds once closed; None while being written
    silences: list[tuple[float, float]] = field(default_factory=list)  # part-local seconds


@dataclass(slots=True)
class Piece:
    part: int
    frames: int | None = None  # kept prefix of the part; None: all of it (the open part)


@dataclass(frozen=True, slots=True)
class PlannedPiece:
    """One kept stretch of the final file: `seconds` from the start of `file`, placed at `at`."""

    file: str
    frames: int | None  # None: everything the (unfinished) part file holds
    seconds: float | None
    at: float  # seconds into the final file


@dataclass(frozen=True, slots=True)
class Cut:
    at: float  # recorded seconds where the kept timeline now ends
    dropped: float  # seconds dropped


class Segments:
    def __init__(self, fps: Fraction) -> None:
        self.fps = fps
        self.parts: list[PartRecord] = []
        self.pieces: list[Piece] = []
        self.events: list[dict[str, Any]] = []

    # -- building --------------------------------------------------------------------------
    def open_part(self, file: str) -> PartRecord:
        part = PartRecord(len(self.parts), file)
        self.parts.append(part)
        self.pieces.append(Piece(part.index))
        return part

    def close_part(self, index: int, frames: int, silences: list[tuple[float, float]]) -> None:
        part = self.parts[index]
        part.frames, part.silences = frames, list(silences)
        for piece in self.pieces:
            if piece.part == index and piece.frames is None:
                piece.frames = frames
        self.pieces = [p for p in self.pieces if p.frames != 0]

    def note(self, kind: str, **fields: Any) -> None:
        self.events.append({"kind": kind, **fields})

    # -- reading ---------------------------------------------------------------------------
    def kept_frames(self, writing: Mapping[int, int] | None = None) -> int:
        """Frames in the kept timeline; `writing` gives the frames so far of parts still being
        written (by part index)."""
        writing = writing or {}
        return sum(writing.get(p.part, 0) if p.frames is None else p.frames for p in self.pieces)

    def seconds(self, frames: int) -> float:
        return float(frames / self.fps)

    def boundaries(self) -> list[int]:
        """Where a re-take may cut (kept-timeline frames, ascending): each piece's start and a
        point just inside every complete silence of a kept piece."""
        out: list[int] = []
        start = 0
        for piece in self.pieces:
            length = piece.frames or 0
            out.append(start)
            for s, e in self.parts[piece.part].silences:
                frame = round((s + min(INTO_SILENCE, (e - s) / 2)) * self.fps)
                if 0 < frame < length:
                    out.append(start + frame)
            start += length
        return sorted(set(out))

    def plan(self) -> list[PlannedPiece]:
        planned: list[PlannedPiece] = []
        at = 0
        for piece in self.pieces:
            frames = piece.frames
            seconds = None if frames is None else self.seconds(frames)
            planned.append(PlannedPiece(self.parts[piece.part].file, frames, seconds,
                                        self.seconds(at)))  # fmt: skip
            at += frames or 0
        return planned

    def dropped(self) -> list[tuple[str, float, float | None]]:
        """(part file, from, to) seconds of each part that the final file leaves out."""
        kept = {p.part: p.frames for p in self.pieces}
        out: list[tuple[str, float, float | None]] = []
        for part in self.parts:
            keep = kept.get(part.index, 0)
            if keep is None or (part.frames is not None and keep >= part.frames):
                continue
            end = None if part.frames is None else self.seconds(part.frames)
            out.append((part.file, self.seconds(keep), end))
        return out

    # -- re-take ---------------------------------------------------------------------------
    def retake(self) -> Cut:
        """Drop the last segment: cut the kept timeline at the latest boundary that drops at
        least MIN_DROP_SECONDS (else at 0). Every part must be closed."""
        if any(p.frames is None for p in self.pieces):
            raise RuntimeError("a re-take needs every part closed")
        end = self.kept_frames()
        least = round(MIN_DROP_SECONDS * self.fps)
        cut = max((b for b in self.boundaries() if end - b >= least), default=0)
        self._cut(cut)
        result = Cut(self.seconds(cut), self.seconds(end - cut))
        self.note("retake", at=round(result.at, 4), dropped=round(result.dropped, 4))
        return result

    def _cut(self, frame: int) -> None:
        kept: list[Piece] = []
        start = 0
        for piece in self.pieces:
            length = piece.frames or 0
            if start + length <= frame:
                kept.append(piece)
            elif start < frame:
                kept.append(Piece(piece.part, frame - start))
            start += length
        self.pieces = kept

    # -- journal ---------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "version": JOURNAL_VERSION,
            "fps": [self.fps.numerator, self.fps.denominator],
            "parts": [
                {
                    "file": p.file,
                    "frames": p.frames,
                    "silences": [[round(s, 4), round(e, 4)] for s, e in p.silences],
                }
                for p in self.parts
            ],
            "pieces": [{"part": p.part, "frames": p.frames} for p in self.pieces],
            "events": self.events,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Segments:
        """The journal read back; ValueError if it is not one."""
        try:
            num, den = data["fps"]
            seg = cls(Fraction(int(num), int(den)))
            for i, p in enumerate(data["parts"]):
                name = str(p["file"])
                if Path(name).name != name or not name:
                    raise ValueError(f"part file {name!r} is not a plain file name")
                frames = None if p.get("frames") is None else int(p["frames"])
                silences = [(float(s), float(e)) for s, e in p.get("silences", [])]
                seg.parts.append(PartRecord(i, name, frames, silences))
            for q in data["pieces"]:
                part = int(q["part"])
                if not 0 <= part < len(seg.parts):
                    raise ValueError(f"piece refers to part {part}, which does not exist")
                seg.pieces.append(
                    Piece(part, None if q.get("frames") is None else int(q["frames"]))
                )
            seg.events = [dict(e) for e in data.get("events", []) if isinstance(e, dict)]
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"not a segment journal ({exc})") from exc
        return seg

    def write(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def read(cls, path: Path) -> Segments:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read {path.name} ({exc})") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path.name} is not a segment journal")
        return cls.from_json(data)

    def copy(self) -> Segments:
        return Segments.from_json(json.loads(json.dumps(self.to_json())))
