"""A faststart MP4 as a list of parts: a few new bytes (`ftyp`, `moov`, the `mdat` header)
and spans of files that already hold the samples. Writing the file is copying the parts in
order, so the same layout can be executed here (the file the rep would publish) or by a
server that holds the same spans (docs/ARCHITECTURE.md, "Instant upload"), and both give
the same bytes.

`lay_out` decides the layout: the samples of each source in the order given, each source's
bytes copied as a few long spans (small gaps between samples, such as the `moof` boxes
between a fragmented file's fragments, are copied along: a few hundred unused bytes cost
less than another span), and a moov pointing at where every sample landed."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rep_video.fileutil import temp_output
from rep_video.media.mp4.boxes import Mp4Error, box_header
from rep_video.media.mp4.moov import FTYP, PlacedTrack, build_moov
from rep_video.media.mp4.tracks import Sample, Track, check_tracks

MAX_GAP = 1 << 20  # unused bytes copied along rather than starting a new span
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Span:
    path: Path
    offset: int
    length: int

    @property
    def end(self) -> int:
        return self.offset + self.length


@dataclass(frozen=True, slots=True)
class Data:
    data: bytes


Part = Span | Data


@dataclass(frozen=True, slots=True)
class Region:
    """A source file's share of the mdat. `start`/`end` pin the span to exactly those bytes
    (a recording keeps its whole fragment region, so its mdat is the uploaded stream)."""

    path: Path
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class FileLayout:
    parts: tuple[Part, ...]
    # The sha256 of the bytes, once written (`written`): not read and hashed a second time.
    known_sha256: str | None = field(default=None, compare=False)

    @property
    def size(self) -> int:
        return sum(len(p.data) if isinstance(p, Data) else p.length for p in self.parts)

    @property
    def payload_offset(self) -> int:
        """Where the mdat's payload starts (the new bytes come first)."""
        head = self.parts[0]
        return len(head.data) if isinstance(head, Data) else 0

    def spans(self) -> list[Span]:
        return [p for p in self.parts if isinstance(p, Span)]

    def blocks(self) -> Iterator[bytes]:
        """The file's bytes, in blocks of at most 1 MiB."""
        for part in self.parts:
            if isinstance(part, Data):
                yield part.data
                continue
            with open(part.path, "rb") as f:
                f.seek(part.offset)
                left = part.length
                while left:
                    block = f.read(min(_BLOCK, left))
                    if not block:
                        raise Mp4Error(f"{part.path.name} is shorter than its layout says")
                    left -= len(block)
                    yield block

    def sha256(self) -> str:
        if self.known_sha256 is not None:
            return self.known_sha256
        digest = hashlib.sha256()
        for block in self.blocks():
            digest.update(block)
        return digest.hexdigest()

    def write(self, dst: Path) -> str:
        """Write the file (temp + rename); returns its sha256."""
        digest = hashlib.sha256()
        with temp_output(dst, suffix=".mp4") as tmp, open(tmp, "wb") as out:
            for block in self.blocks():
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        return digest.hexdigest()

    def written(self, dst: Path) -> FileLayout:
        """Write the file (as `write`); the layout that knows its sha256 from then on."""
        return replace(self, known_sha256=self.write(dst))


def lay_out(
    template_moov: bytes,
    tracks: Sequence[Track],
    regions: Sequence[Region],
    *,
    shown: dict[int, int] | None = None,
    max_gap: int = MAX_GAP,
) -> FileLayout:
    """The layout of a faststart MP4 holding `tracks`. Every sample's source must be one of
    `regions`, which the mdat holds in that order; `shown` gives a track (by id) a presented
    length shorter than its samples (the edit list cuts it there)."""
    check_tracks(tracks)
    spans, placed = _spans(tracks, regions, max_gap)
    payload = sum(s.length for s in spans)
    mdat_head = box_header(b"mdat", payload)
    base = 0
    for _ in range(3):  # the moov's size depends on stco vs co64, which depends on the base
        moov = build_moov(template_moov, _placed(tracks, placed, base, shown or {}))
        start = len(FTYP) + len(moov) + len(mdat_head)
        if start == base:
            break
        base = start
    return FileLayout((Data(FTYP + moov + mdat_head), *spans))


def _spans(
    tracks: Sequence[Track], regions: Sequence[Region], max_gap: int
) -> tuple[list[Span], dict[tuple[Path, int], int]]:
    """The mdat's spans, and each sample's offset inside the mdat payload."""
    by_source: dict[Path, list[Sample]] = {}
    for track in tracks:
        for s in track.samples:
            by_source.setdefault(s.source, []).append(s)
    unknown = set(by_source) - {r.path for r in regions}
    if unknown:
        raise Mp4Error(f"samples in {sorted(p.name for p in unknown)} have no region")
    spans: list[Span] = []
    where: dict[tuple[Path, int], int] = {}
    at = 0
    for region in regions:
        samples = sorted(by_source.get(region.path, []), key=lambda s: s.offset)
        if not samples and region.start is None:
            continue
        lo = region.start if region.start is not None else samples[0].offset
        hi = region.end if region.end is not None else samples[-1].offset + samples[-1].size
        current = Span(region.path, lo, 0)
        for s in samples:
            if s.offset < current.end or s.offset + s.size > hi:
                raise Mp4Error(f"samples of {region.path.name} overlap or leave their region")
            if current.length and s.offset - current.end > max_gap:
                spans.append(current)
                at += current.length
                current = Span(region.path, s.offset, 0)
            current = Span(region.path, current.offset, s.offset + s.size - current.offset)
            where[(region.path, s.offset)] = at + s.offset - current.offset
        if hi > current.end:
            current = Span(region.path, current.offset, hi - current.offset)
        spans.append(current)
        at += current.length
    return spans, where


def _placed(
    tracks: Sequence[Track],
    where: dict[tuple[Path, int], int],
    base: int,
    shown: dict[int, int],
) -> list[PlacedTrack]:
    placed: list[PlacedTrack] = []
    for track in tracks:
        chunks: list[tuple[int, int]] = []
        next_at = -1
        for s in track.samples:
            at = base + where[(s.source, s.offset)]
            if chunks and at == next_at:
                chunks[-1] = (chunks[-1][0] + 1, chunks[-1][1])
            else:
                chunks.append((1, at))
            next_at = at + s.size
        placed.append(PlacedTrack(track, chunks, shown.get(track.info.track_id)))
    return placed
