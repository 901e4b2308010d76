"""A plain (non-fragmented) MP4's tracks: the sample tables of each `trak` (stts, ctts, stss,
stsc, stsz, stco/co64; ISO/IEC 14496-12 §8.6-8.7) turned into located samples."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from rep_video.media.mp4 import boxes as bx
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.tracks import Sample, Track, read_trak_info

_MAX_MOOV = 64 << 20  # far above any moov of a video we make or accept


@dataclass(frozen=True, slots=True)
class PlainFile:
    path: Path
    moov: bytes
    tracks: list[Track]
    mdat: bx.Box  # the (first) mdat: where the samples are

    def track(self, handler: bytes) -> Track | None:
        return next((t for t in self.tracks if t.info.handler == handler), None)


def read_plain(path: Path) -> PlainFile:
    """The tracks of a plain MP4 (Mp4Error for a fragmented, truncated or foreign file)."""
    tops, cut = bx.top_level(path)
    if cut:
        raise Mp4Error(f"{path.name} is cut short")
    kinds = [b.kind for b in tops]
    if b"moof" in kinds:
        raise Mp4Error(f"{path.name} is fragmented")
    moov_box = next((b for b in tops if b.kind == b"moov"), None)
    mdat = next((b for b in tops if b.kind == b"mdat"), None)
    if moov_box is None or mdat is None:
        raise Mp4Error(f"{path.name} has no moov or no mdat")
    if moov_box.size > _MAX_MOOV:
        raise Mp4Error(f"{path.name} has an implausibly large moov")
    with open(path, "rb") as f:
        f.seek(moov_box.offset)
        moov = f.read(moov_box.size)
    top = next(bx.iter_boxes(moov))
    tracks = [_track(moov, b, path) for b in bx.children(moov, top) if b.kind == b"trak"]
    size = path.stat().st_size
    for track in tracks:
        for s in track.samples:
            if s.offset + s.size > size:
                raise Mp4Error(f"{path.name}: a sample lies past the end of the file")
    return PlainFile(path, moov, tracks, mdat)


def _u32s(data: bytes, box: bx.Box, at: int, count: int) -> tuple[int, ...]:
    start = box.start + at
    if start + 4 * count > box.end:
        raise Mp4Error(f"{box.kind.decode('latin-1')} is cut short")
    return struct.unpack(f">{count}I", data[start : start + 4 * count])


def _count(data: bytes, box: bx.Box, at: int = 4) -> int:
    return _u32s(data, box, at, 1)[0]


def _track(moov: bytes, trak: bx.Box, path: Path) -> Track:
    info = read_trak_info(moov, trak)
    stbl = bx.path(moov, trak, b"mdia", b"minf", b"stbl")
    sizes = _sizes(moov, bx.need(moov, stbl, b"stsz"))
    n = len(sizes)
    durations = _expand(moov, bx.need(moov, stbl, b"stts"), n)
    ctts = bx.find(moov, stbl, b"ctts")
    offsets_cts = _expand(moov, ctts, n, signed=True) if ctts else [0] * n
    stss = bx.find(moov, stbl, b"stss")
    sync = [True] * n
    if stss is not None:
        sync = [False] * n
        for index in _u32s(moov, stss, 8, _count(moov, stss)):
            if 1 <= index <= n:
                sync[index - 1] = True
    positions = _positions(moov, stbl, sizes)
    samples = [
        Sample(path, positions[i], sizes[i], durations[i], offsets_cts[i], sync[i])
        for i in range(n)
    ]
    return Track(info, samples)


def _sizes(data: bytes, stsz: bx.Box) -> list[int]:
    fixed, count = _u32s(data, stsz, 4, 2)
    if fixed:
        return [fixed] * count
    return list(_u32s(data, stsz, 12, count))


def _expand(data: bytes, box: bx.Box, n: int, *, signed: bool = False) -> list[int]:
    """(count, value) runs of stts or ctts, one value per sample."""
    version, _ = bx.full_header(data, box)
    count = _count(data, box)
    flat = _u32s(data, box, 8, 2 * count)
    out: list[int] = []
    for i in range(count):
        run, value = flat[2 * i], flat[2 * i + 1]
        if signed and version == 1 and value >= 1 << 31:
            value -= 1 << 32
        out.extend([value] * min(run, n - len(out)))
        if len(out) >= n:
            break
    if len(out) != n:
        raise Mp4Error(f"{box.kind.decode('latin-1')} covers {len(out)} of {n} samples")
    return out


def _positions(data: bytes, stbl: bx.Box, sizes: list[int]) -> list[int]:
    stco = bx.find(data, stbl, b"stco")
    if stco is not None:
        chunks = list(_u32s(data, stco, 8, _count(data, stco)))
    else:
        co64 = bx.need(data, stbl, b"co64")
        count = _count(data, co64)
        raw = _u32s(data, co64, 8, 2 * count)
        chunks = [(raw[2 * i] << 32) | raw[2 * i + 1] for i in range(count)]
    stsc = bx.need(data, stbl, b"stsc")
    entries = _u32s(data, stsc, 8, 3 * _count(data, stsc))
    runs = [(entries[3 * i], entries[3 * i + 1]) for i in range(len(entries) // 3)]
    positions: list[int] = []
    sample = 0
    for k, (first, per_chunk) in enumerate(runs):
        last = runs[k + 1][0] - 1 if k + 1 < len(runs) else len(chunks)
        for chunk in range(first, last + 1):
            if chunk < 1 or chunk > len(chunks):
                raise Mp4Error("stsc names a chunk that stco does not have")
            at = chunks[chunk - 1]
            for _ in range(per_chunk):
                if sample >= len(sizes):
                    break
                positions.append(at)
                at += sizes[sample]
                sample += 1
    if sample != len(sizes):
        raise Mp4Error(f"the chunks hold {sample} of {len(sizes)} samples")
    return positions
