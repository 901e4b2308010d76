"""Write the `moov` of a plain (non-fragmented) MP4 for tracks whose samples already sit in an
`mdat`: the source's own boxes where they still hold (track and media headers, handler,
sample description), and new sample tables, durations and edit lists.

Pure: tracks and chunk offsets in, bytes out (docs/ARCHITECTURE.md, rule 4)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from rep_video.media.mp4 import boxes as bx
from rep_video.media.mp4.boxes import Mp4Error, make_box, make_full_box
from rep_video.media.mp4.tracks import Track

# What ffmpeg writes for a plain MP4 (so every player treats the file as it treats ours).
FTYP = make_box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
_U32 = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class PlacedTrack:
    """A track and where its chunks landed: (samples in the chunk, absolute file offset)."""

    track: Track
    chunks: Sequence[tuple[int, int]]
    shown: int | None = None  # ticks presented (the edit's length); None: all after the edit

    @property
    def presented(self) -> int:
        if self.shown is not None:
            return self.shown
        return max(0, self.track.media_duration - self.track.info.media_time)


def build_moov(template_moov: bytes, placed: Sequence[PlacedTrack]) -> bytes:
    """The moov for `placed`, keeping `template_moov`'s movie header and user data."""
    top = next(bx.iter_boxes(template_moov))
    mvhd = bx.need(template_moov, top, b"mvhd")
    movie_scale = _mvhd_timescale(template_moov, mvhd)
    traks = [_trak(p, movie_scale) for p in placed]
    longest = max((_scale(p.presented, p.track.info.timescale, movie_scale) for p in placed),
                  default=0)  # fmt: skip
    body = _with_duration(template_moov, mvhd, longest)
    body += b"".join(traks)
    for box in bx.children(template_moov, top):
        if box.kind in (b"udta", b"meta"):
            body += template_moov[box.offset : box.end]
    return make_box(b"moov", body)


def _scale(ticks: int, src: int, dst: int) -> int:
    return (ticks * dst + src // 2) // src


def _mvhd_timescale(moov: bytes, mvhd: bx.Box) -> int:
    version, _ = bx.full_header(moov, mvhd)
    at = mvhd.start + (20 if version == 1 else 12)
    (scale,) = struct.unpack(">I", moov[at : at + 4])
    if scale <= 0:
        raise Mp4Error("the movie header has timescale 0")
    return int(scale)


def _with_duration(data: bytes, box: bx.Box, duration: int) -> bytes:
    """A copy of an mvhd, tkhd or mdhd with its duration replaced (and widened to version 1
    when it does not fit 32 bits)."""
    version, flags = bx.full_header(data, box)
    body = data[box.start + 4 : box.end]
    # (creation, modification, [track id, reserved] or timescale) then duration
    head = {b"mvhd": 12, b"mdhd": 12, b"tkhd": 16}[box.kind]
    if version == 1:
        head = {b"mvhd": 20, b"mdhd": 20, b"tkhd": 24}[box.kind]
        new = body[:head] + struct.pack(">Q", duration) + body[head + 8 :]
        return make_full_box(box.kind, 1, flags, new)
    if duration <= _U32:
        new = body[:head] + struct.pack(">I", duration) + body[head + 4 :]
        return make_full_box(box.kind, 0, flags, new)
    times = struct.unpack(">II", body[:8])
    mid = body[8:head]  # timescale (mvhd, mdhd) or track id and reserved (tkhd)
    widened = struct.pack(">QQ", *times) + mid + struct.pack(">Q", duration) + body[head + 4 :]
    return make_full_box(box.kind, 1, flags, widened)


def _trak(placed: PlacedTrack, movie_scale: int) -> bytes:
    info = placed.track.info
    data = info.trak
    trak = next(bx.iter_boxes(data))
    shown = _scale(placed.presented, info.timescale, movie_scale)
    body = b""
    for box in bx.children(data, trak):
        if box.kind == b"tkhd":
            body += _with_duration(data, box, shown)
            body += _edit_list(shown, info.media_time)
        elif box.kind == b"mdia":
            body += _mdia(data, box, placed)
        elif box.kind != b"edts":
            body += data[box.offset : box.end]
    return make_box(b"trak", body)


def _edit_list(shown: int, media_time: int) -> bytes:
    if shown > _U32 or media_time > 0x7FFFFFFF:
        entry = struct.pack(">IQqhh", 1, shown, media_time, 1, 0)
        return make_box(b"edts", make_full_box(b"elst", 1, 0, entry))
    entry = struct.pack(">IIihh", 1, shown, media_time, 1, 0)
    return make_box(b"edts", make_full_box(b"elst", 0, 0, entry))


def _mdia(data: bytes, mdia: bx.Box, placed: PlacedTrack) -> bytes:
    body = b""
    for box in bx.children(data, mdia):
        if box.kind == b"mdhd":
            body += _with_duration(data, box, placed.track.media_duration)
        elif box.kind == b"minf":
            inner = b""
            for child in bx.children(data, box):
                if child.kind == b"stbl":
                    inner += _stbl(data, child, placed)
                else:
                    inner += data[child.offset : child.end]
            body += make_box(b"minf", inner)
        else:
            body += data[box.offset : box.end]
    return make_box(b"mdia", body)


def _stbl(data: bytes, stbl: bx.Box, placed: PlacedTrack) -> bytes:
    samples = placed.track.samples
    stsd = bx.need(data, stbl, b"stsd")
    body = data[stsd.offset : stsd.end]
    body += _stts([s.duration for s in samples])
    if any(s.cts for s in samples):
        body += _ctts([s.cts for s in samples])
    if not all(s.sync for s in samples):
        syncs = [i + 1 for i, s in enumerate(samples) if s.sync]
        body += make_full_box(b"stss", 0, 0, struct.pack(f">I{len(syncs)}I", len(syncs), *syncs))
    body += _stsc([n for n, _ in placed.chunks])
    body += _stsz([s.size for s in samples])
    body += _chunk_offsets([at for _, at in placed.chunks])
    if _is_aac(body) and samples:
        # Each AAC frame needs the one before it to decode (MDCT overlap): a roll group of
        # -1, as ffmpeg writes, tells a player to decode one frame earlier after a seek.
        body += make_full_box(b"sgpd", 1, 0, b"roll" + struct.pack(">IIh", 2, 1, -1))
        body += make_full_box(b"sbgp", 0, 0, b"roll" + struct.pack(">III", 1, len(samples), 1))
    return make_box(b"stbl", body)


def _is_aac(stbl_body: bytes) -> bool:
    return stbl_body[20:24] == b"mp4a"  # the first sample entry's format, inside stsd


def _runs(values: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and runs[-1][1] == v:
            runs[-1] = (runs[-1][0] + 1, v)
        else:
            runs.append((1, v))
    return runs


def _stts(durations: Sequence[int]) -> bytes:
    runs = _runs(durations)
    flat = [x for run in runs for x in run]
    return make_full_box(b"stts", 0, 0, struct.pack(f">I{len(flat)}I", len(runs), *flat))


def _ctts(offsets: Sequence[int]) -> bytes:
    runs = _runs(offsets)
    version = 1 if any(v < 0 for _, v in runs) else 0
    code = "i" if version else "I"
    flat = b"".join(struct.pack(f">I{code}", n, v) for n, v in runs)
    return make_full_box(b"ctts", version, 0, struct.pack(">I", len(runs)) + flat)


def _stsc(per_chunk: Sequence[int]) -> bytes:
    entries: list[tuple[int, int]] = []
    for i, n in enumerate(per_chunk, 1):
        if not entries or entries[-1][1] != n:
            entries.append((i, n))
    flat = b"".join(struct.pack(">III", first, n, 1) for first, n in entries)
    return make_full_box(b"stsc", 0, 0, struct.pack(">I", len(entries)) + flat)


def _stsz(sizes: Sequence[int]) -> bytes:
    if sizes and all(s == sizes[0] for s in sizes):
        return make_full_box(b"stsz", 0, 0, struct.pack(">II", sizes[0], len(sizes)))
    return make_full_box(b"stsz", 0, 0, struct.pack(f">II{len(sizes)}I", 0, len(sizes), *sizes))


def _chunk_offsets(offsets: Sequence[int]) -> bytes:
    wide = bool(offsets) and max(offsets) > _U32
    kind, code = (b"co64", "Q") if wide else (b"stco", "I")
    return make_full_box(kind, 0, 0, struct.pack(f">I{len(offsets)}{code}", len(offsets), *offsets))
