"""A track as plain data: what it is (its `trak` box from a source file, its timescale, the
edit that hides its first samples) and its samples, each saying where its bytes are.

Samples are located by file and offset, never copied: a file written from tracks (moov.py,
layout.py) references bytes where they already are, on this disk or on a server."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rep_video.media.mp4 import boxes as bx
from rep_video.media.mp4.boxes import Mp4Error


@dataclass(frozen=True, slots=True)
class Sample:
    source: Path  # the file holding its bytes
    offset: int
    size: int
    duration: int  # in the track's timescale
    cts: int = 0  # composition offset (presentation = decode time + cts)
    sync: bool = True  # a keyframe (every audio sample is one)


@dataclass(frozen=True, slots=True)
class TrackInfo:
    track_id: int
    handler: bytes  # b"vide" or b"soun"
    timescale: int
    trak: bytes  # the whole trak box it came from: its headers and sample description
    media_time: int = 0  # the first edit's media time: ticks not shown (AAC priming)

    @property
    def is_video(self) -> bool:
        return self.handler == b"vide"

    def sample_description(self) -> bytes:
        """The `stsd` box: codec and its parameters (avcC, esds)."""
        trak = next(bx.iter_boxes(self.trak))
        stsd = bx.path(self.trak, trak, b"mdia", b"minf", b"stbl", b"stsd")
        return self.trak[stsd.offset : stsd.end]


@dataclass(slots=True)
class Track:
    info: TrackInfo
    samples: list[Sample] = field(default_factory=list)

    @property
    def media_duration(self) -> int:
        return sum(s.duration for s in self.samples)

    def decode_times(self) -> list[int]:
        times, at = [], 0
        for s in self.samples:
            times.append(at)
            at += s.duration
        return times

    def presentation_times(self) -> list[int]:
        """Each sample's presentation time in ticks, the edit applied (0 = first shown)."""
        shift = self.info.media_time
        return [t + s.cts - shift for t, s in zip(self.decode_times(), self.samples, strict=True)]


def read_trak_info(moov: bytes, trak: bx.Box) -> TrackInfo:
    """Track id, handler, timescale and first edit of one `trak` inside `moov` (bytes)."""
    tkhd = bx.need(moov, trak, b"tkhd")
    version, _ = bx.full_header(moov, tkhd)
    id_at = tkhd.start + (20 if version == 1 else 12)
    (track_id,) = struct.unpack(">I", moov[id_at : id_at + 4])
    mdia = bx.need(moov, trak, b"mdia")
    hdlr = bx.need(moov, mdia, b"hdlr")
    handler = moov[hdlr.start + 8 : hdlr.start + 12]
    mdhd = bx.need(moov, mdia, b"mdhd")
    version, _ = bx.full_header(moov, mdhd)
    ts_at = mdhd.start + (20 if version == 1 else 12)
    (timescale,) = struct.unpack(">I", moov[ts_at : ts_at + 4])
    if timescale <= 0:
        raise Mp4Error(f"track {track_id} has timescale 0")
    return TrackInfo(track_id, handler, timescale, moov[trak.offset : trak.end],
                     _first_media_time(moov, trak))  # fmt: skip


def _first_media_time(moov: bytes, trak: bx.Box) -> int:
    edts = bx.find(moov, trak, b"edts")
    elst = bx.find(moov, edts, b"elst") if edts else None
    if elst is None:
        return 0
    version, _ = bx.full_header(moov, elst)
    (count,) = struct.unpack(">I", moov[elst.start + 4 : elst.start + 8])
    at = elst.start + 8
    entry = 20 if version == 1 else 12
    for _ in range(count):
        if at + entry > elst.end:
            raise Mp4Error("the edit list is cut short")
        if version == 1:
            _duration, media_time = struct.unpack(">Qq", moov[at : at + 16])
        else:
            _duration, media_time = struct.unpack(">Ii", moov[at : at + 8])
        at += entry
        if media_time != -1:  # an empty edit (a delay) comes first; the next one counts
            return int(media_time)
    return 0


def same_format(a: TrackInfo, b: TrackInfo) -> bool:
    """Whether samples of `b` may be placed in a track described by `a`: the same decoder
    setup (`decoder_config`) and timescale."""
    return (
        a.handler == b.handler
        and a.timescale == b.timescale
        and decoder_config(a) == decoder_config(b)
    )


def check_tracks(tracks: Sequence[Track]) -> None:
    for track in tracks:
        for s in track.samples:
            if s.size <= 0 or s.offset < 0 or s.duration < 0:
                raise Mp4Error(f"track {track.info.track_id} has a sample out of range")


def decoder_config(info: TrackInfo) -> bytes:
    """What a decoder is set up with for this track: the sample entry's type and size (or
    channels and rate) and its codec configuration (the whole avcC; for AAC the
    AudioSpecificConfig inside esds, not the bit rates beside it). Two tracks with the same
    config can share one sample description."""
    stsd = info.sample_description()
    entry = next(bx.iter_boxes(stsd, 16))
    kind = entry.kind
    fixed = 78 if info.is_video else 28  # Visual/AudioSampleEntry fields before the children
    fields = stsd[entry.start : entry.start + fixed]
    if len(fields) < fixed:
        raise Mp4Error(f"the {kind!r} sample entry is cut short")
    shape = fields[24:28] if info.is_video else fields[16:18] + fields[24:28]
    config = b""
    for child in bx.iter_boxes(stsd, entry.start + fixed, entry.end):
        if child.kind == b"avcC":
            config = stsd[child.start : child.end]
        elif child.kind == b"esds":
            config = _audio_specific_config(stsd[child.start + 4 : child.end])
    return kind + shape + config


def _audio_specific_config(descriptors: bytes) -> bytes:
    """The DecoderSpecificInfo (tag 5) inside an ES_Descriptor (ISO/IEC 14496-1 §7.2.6)."""
    at = 0
    while at < len(descriptors):
        tag = descriptors[at]
        at += 1
        length = 0
        for _ in range(4):
            if at >= len(descriptors):
                return b""
            byte = descriptors[at]
            at += 1
            length = (length << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        if tag == 5:
            return descriptors[at : at + length]
        if tag == 3:  # ES_Descriptor: id, flags, then its sub-descriptors
            flags = descriptors[at + 2] if at + 2 < len(descriptors) else 0
            at += 3 + (2 if flags & 0x80 else 0)
            if flags & 0x40:  # a URL: its length, then itself
                at += 1 + (descriptors[at] if at < len(descriptors) else 0)
            at += 2 if flags & 0x20 else 0
        elif tag == 4:  # DecoderConfigDescriptor: 13 bytes of fields, then tag 5
            at += 13
        else:
            at += length
    return b""
