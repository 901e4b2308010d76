"""Assemble a trimmed MP4 from packets, in process with PyAV: stream-copied GOPs from the
source, re-encoded cut pieces from small files, and the source's audio packets, each placed on
the output timeline by integer timestamp arithmetic.

Why not ffmpeg's concat demuxer here: it cuts stream-copied parts by *decode* timestamps, so
with B-frames a copied part keeps a frame or two past its out-point. Selecting packets by
presentation time from a keyframe to the next is exact, and it is one pass over the data."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.stream import Discard

from rep_video.progress import Progress, Tracker

Timed = tuple[float, int, Any]  # (output time in seconds, 0 video / 1 audio, packet)


@dataclass(frozen=True, slots=True)
class Piece:
    """Video packets from `path` whose presentation time lies in [start, end) (seconds from
    that file's start), placed at `at` seconds on the output timeline."""

    path: Path
    start: float
    end: float
    at: float


def _tb(stream: Any) -> Fraction:
    return Fraction(stream.time_base or Fraction(1, 90000))


def _video_packets(piece: Piece, out_tb: Fraction) -> Iterator[Timed]:
    """Yield (output dts seconds, 0, packet) for one piece, retimed to the output."""
    with av.open(str(piece.path)) as c:
        stream = c.streams.video[0]
        for other in c.streams:
            if other.index != stream.index:
                other.discard = Discard.all  # audio comes from its own reader
        tb = _tb(stream)
        scale = float(tb / out_tb)  # 1.0 when the piece shares the output's time base
        tb_f, out_f = float(tb), float(out_tb)
        origin = (c.start_time or 0) / av.time_base
        lo, hi = piece.start + origin - 1e-6, piece.end + origin - 1e-6
        if piece.start > 0:
            c.seek(int(lo / tb_f), stream=stream, backward=True, any_frame=False)
        base: int | None = None  # pts (ticks) of the piece's first frame
        shift = round(piece.at / out_f)
        for packet in c.demux(stream):
            if packet.pts is None or packet.dts is None:
                continue
            t = packet.pts * tb_f
            if base is None:
                if not packet.is_keyframe or t < lo:
                    continue  # before the piece: the seek may land on an earlier keyframe
                base = packet.pts
            elif packet.is_keyframe and t >= hi:
                break  # the next GOP starts: everything of this one has been read
            if t >= hi or t < lo:
                continue
            pts = round((packet.pts - base) * scale) + shift
            dts = round((packet.dts - base) * scale) + shift
            packet.pts, packet.dts = pts, dts
            packet.time_base = out_tb
            yield dts * out_f, 0, packet


def _audio_packets(src: Path, start: float, end: float, out_tb: Fraction) -> Iterator[Timed]:
    """The source's audio packets that overlap [start, end), shifted so `start` is zero. The
    packet that straddles `start` gets a negative time: the MP4 edit list hides its first
    samples, so the sound starts with the picture and the decoder is primed."""
    with av.open(str(src)) as c:
        stream = c.streams.audio[0]
        tb = _tb(stream)
        scale = float(tb / out_tb)
        tb_f, out_f = float(tb), float(out_tb)
        origin = (c.start_time or 0) / av.time_base
        lo, hi = start + origin + 1e-6, end + origin - 1e-6
        if start > 1:
            c.seek(int((lo - 1) / tb_f), stream=stream, backward=True, any_frame=True)
        shift = round(lo / out_f)
        for packet in c.demux(stream):
            if packet.pts is None:
                continue
            t = packet.pts * tb_f
            if t + (packet.duration or 0) * tb_f <= lo:
                continue
            if t >= hi:
                break
            pts = round(packet.pts * scale) - shift
            packet.pts = packet.dts = pts
            packet.time_base = out_tb
            yield pts * out_f, 1, packet


def join(
    dst: Path,
    video_template: Path,
    pieces: Sequence[Piece],
    audio: tuple[Path, float, float] | None,
    *,
    duration: float,
    tracker: Tracker,
) -> None:
    """Write `pieces` (in order) and the audio window `audio` = (file, start, end) into a
    faststart MP4 at `dst`. The video stream's parameters (avcC) come from `video_template`."""
    out_options = {"movflags": "+faststart"}
    with (
        av.open(str(video_template)) as tmpl_v,
        av.open(str(dst), "w", format="mp4", options=out_options) as out,
    ):
        src_v = tmpl_v.streams.video[0]
        ov = out.add_stream_from_template(src_v)
        v_tb = _tb(src_v)
        ov.time_base = v_tb
        streams: list[Any] = [ov]
        audio_src = None
        a_tb = Fraction(1, 48000)
        if audio is not None:
            audio_src = av.open(str(audio[0]))
            src_a = audio_src.streams.audio[0]
            a_tb = _tb(src_a)
            oa = out.add_stream_from_template(src_a)
            oa.time_base = a_tb
            streams.append(oa)
        sources: list[Iterator[Timed]] = [_chain(_video_packets(p, v_tb) for p in pieces)]
        if audio is not None:
            sources.append(_audio_packets(audio[0], audio[1], audio[2], a_tb))
        last_dts: list[int | None] = [None, None]
        merged = heapq.merge(*sources, key=lambda item: (item[0], item[1]))
        for count, (t, kind, packet) in enumerate(merged, 1):
            last = last_dts[kind]
            if last is not None and packet.dts <= last:
                packet.dts = last + 1  # keep DTS strictly increasing across a seam
                packet.pts = max(packet.pts, packet.dts)
            last_dts[kind] = packet.dts
            packet.stream = streams[kind]
            out.mux(packet)
            if count % 500 == 0:
                tracker.check()
                tracker.report(Progress(stage="join", fraction=min(1.0, max(0.0, t / duration))))
        if audio_src is not None:
            audio_src.close()


def _chain(
    iterables: Iterator[Iterator[tuple[float, int, Any]]],
) -> Iterator[tuple[float, int, Any]]:
    for it in iterables:
        yield from it
