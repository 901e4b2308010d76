"""The recorder's fragmented MP4, read as data: its init segment (`ftyp` + `moov`) and, for
every complete fragment (`moof` + `mdat`), where each sample's bytes are.

`media_span` is the cheap question a live upload asks while the file grows: where the
fragments start and where the last complete one ends. `read_fragmented` walks the run
tables (`tfhd`/`tfdt`/`trun`, ISO/IEC 14496-12 §8.8) into tracks of located samples."""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from pathlib import Path

from rep_video.media.mp4 import boxes as bx
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.tracks import Sample, Track, TrackInfo, read_trak_info

_NON_SYNC = 0x00010000  # sample_is_non_sync_sample in the sample flags


@dataclass(frozen=True, slots=True)
class MediaSpan:
    """`start`: the first `moof` (0 while there is none); `end`: the end of the last complete
    fragment; `closed`: the file ends with its `mfra` (the recorder closed it)."""

    start: int
    end: int
    closed: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class _Defaults:
    duration: int
    size: int
    flags: int


@dataclass(slots=True)
class FragmentedFile:
    path: Path
    ftyp: bytes
    moov: bytes  # the init segment's moov (no samples in it)
    span: MediaSpan
    tracks: dict[int, Track]


def media_span(path: Path, limit: int | None = None) -> MediaSpan:
    """Where the complete fragments of `path` lie (its first `limit` bytes)."""
    tops, _cut = bx.top_level(path, limit)
    start = end = 0
    closed = False
    last_moof: bx.Box | None = None
    for box in tops:
        if box.kind == b"moof":
            last_moof = box
            start = start or box.offset
        elif box.kind == b"mdat" and last_moof is not None:
            end = box.end
            last_moof = None
        elif box.kind == b"mfra":
            closed = True
    return MediaSpan(start, end, closed)


def read_fragmented(path: Path, limit: int | None = None) -> FragmentedFile:
    """The init segment and the samples of every complete fragment of `path` (its first
    `limit` bytes: what a crash left, or what has been written so far)."""
    span = media_span(path, limit)
    if span.start == 0 or span.end == 0:
        raise Mp4Error(f"{path.name} holds no complete fragment")
    with open(path, "rb") as f:
        head = f.read(span.start)
        f.seek(span.start)
        media = f.read(span.length)
    ftyp = moov = b""
    for box in bx.iter_boxes(head):
        if box.kind == b"ftyp":
            ftyp = head[box.offset : box.end]
        elif box.kind == b"moov":
            moov = head[box.offset : box.end]
    if not moov:
        raise Mp4Error(f"{path.name} has no moov before its fragments")
    infos, defaults = _init_tracks(moov)
    tracks = {tid: Track(info) for tid, info in infos.items()}
    ends = dict.fromkeys(tracks, 0)  # each track's decode time so far
    for box in bx.iter_boxes(media):
        if box.kind == b"moof":
            _read_moof(media, box, (span.start, path), defaults, tracks, ends)
    return FragmentedFile(path, ftyp, moov, span, tracks)


def _init_tracks(moov: bytes) -> tuple[dict[int, TrackInfo], dict[int, _Defaults]]:
    top = next(bx.iter_boxes(moov))
    infos: dict[int, TrackInfo] = {}
    defaults: dict[int, _Defaults] = {}
    for box in bx.children(moov, top):
        if box.kind == b"trak":
            info = read_trak_info(moov, box)
            infos[info.track_id] = info
        elif box.kind == b"mvex":
            for trex in bx.children(moov, box):
                if trex.kind != b"trex" or trex.size < 32:
                    continue
                tid, _sdi, dur, size, flags = struct.unpack(
                    ">IIIII", moov[trex.start + 4 : trex.start + 24]
                )
                defaults[tid] = _Defaults(dur, size, flags)
    if not infos:
        raise Mp4Error("the init segment has no tracks")
    return infos, defaults


def _read_moof(
    data: bytes,
    moof: bx.Box,
    where: tuple[int, Path],
    defaults: dict[int, _Defaults],
    tracks: dict[int, Track],
    ends: dict[int, int],
) -> None:
    """Samples of one fragment; `data` starts at byte where[0] of the file where[1]."""
    file_offset = where[0]
    next_data: int | None = None  # where the previous run's data ended (no explicit base)
    for traf in bx.children(data, moof):
        if traf.kind != b"traf":
            continue
        tfhd = bx.need(data, traf, b"tfhd")
        _, tf_flags = bx.full_header(data, tfhd)
        at = tfhd.start + 4
        (tid,) = struct.unpack(">I", data[at : at + 4])
        at += 4
        if tid not in tracks:
            raise Mp4Error(f"a fragment names track {tid}, which the moov does not have")
        d = defaults.get(tid, _Defaults(0, 0, 0))
        base = moof.offset
        if tf_flags & 0x1:
            (base,) = struct.unpack(">Q", data[at : at + 8])
            base -= file_offset
            at += 8
        elif not tf_flags & 0x20000 and next_data is not None:
            base = next_data
        if tf_flags & 0x2:
            at += 4  # sample description index: one description per track here
        duration, size, flags = d.duration, d.size, d.flags
        if tf_flags & 0x8:
            (duration,) = struct.unpack(">I", data[at : at + 4])
            at += 4
        if tf_flags & 0x10:
            (size,) = struct.unpack(">I", data[at : at + 4])
            at += 4
        if tf_flags & 0x20:
            (flags,) = struct.unpack(">I", data[at : at + 4])
        track = tracks[tid]
        _align_decode_time(data, traf, track, ends)
        for trun in bx.children(data, traf):
            if trun.kind == b"trun":
                before = len(track.samples)
                next_data = _read_trun(
                    data, trun, base, _Defaults(duration, size, flags), track, where
                )
                ends[tid] += sum(s.duration for s in track.samples[before:])
                base = next_data


def _align_decode_time(data: bytes, traf: bx.Box, track: Track, ends: dict[int, int]) -> None:
    """A fragment's `tfdt` says when its first sample decodes. Where that is later than the
    samples so far add up to (a gap in the stream), the last sample lasts until then, so
    the plain MP4's durations put every sample where the fragments did."""
    tfdt = bx.find(data, traf, b"tfdt")
    if tfdt is None or not track.samples:
        return
    version, _ = bx.full_header(data, tfdt)
    fmt, size = (">Q", 8) if version == 1 else (">I", 4)
    (when,) = struct.unpack(fmt, data[tfdt.start + 4 : tfdt.start + 4 + size])
    tid = track.info.track_id
    gap = when - ends[tid]
    if gap < 0:
        raise Mp4Error(f"track {tid}: a fragment starts before the one before it ends")
    if gap:
        last = track.samples[-1]
        track.samples[-1] = replace(last, duration=last.duration + gap)
        ends[tid] = when


def _read_trun(
    data: bytes,
    trun: bx.Box,
    base: int,
    d: _Defaults,
    track: Track,
    where: tuple[int, Path],
) -> int:
    file_offset, path = where
    version, flags = bx.full_header(data, trun)
    at = trun.start + 4
    (count,) = struct.unpack(">I", data[at : at + 4])
    at += 4
    offset = base
    if flags & 0x1:
        (rel,) = struct.unpack(">i", data[at : at + 4])
        offset = base + rel
        at += 4
    first_flags = None
    if flags & 0x4:
        (first_flags,) = struct.unpack(">I", data[at : at + 4])
        at += 4
    fields = [bit for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit]
    need = at + count * 4 * len(fields)
    if need > trun.end:
        raise Mp4Error(f"a trun of {count} samples is cut short")
    values = struct.unpack(f">{count * len(fields)}I", data[at:need]) if fields else ()
    per = len(fields)
    for i in range(count):
        row = dict(zip(fields, values[i * per : (i + 1) * per], strict=True))
        size = row.get(0x200, d.size)
        flags_of_first = first_flags if i == 0 and first_flags is not None else d.flags
        sample_flags = row.get(0x400, flags_of_first)
        cts = row.get(0x800, 0)
        if version == 1 and cts >= 1 << 31:
            cts -= 1 << 32
        if offset < 0 or offset + size > len(data):
            raise Mp4Error(f"a sample of track {track.info.track_id} lies outside its fragment")
        track.samples.append(
            Sample(
                source=path,
                offset=file_offset + offset,
                size=size,
                duration=row.get(0x100, d.duration),
                cts=cts,
                sync=not sample_flags & _NON_SYNC,
            )
        )
        offset += size
    return offset
