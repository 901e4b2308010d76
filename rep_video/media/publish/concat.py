"""Join MP4 files with identical stream parameters by stream copy, in process with PyAV: the
intro card in front of the clip. It does what ffmpeg's concat demuxer did (`-f concat -c copy`):
each file's packets are shifted by the summed durations of the files before it, minus the
file's own start time, and the output keeps the first file's stream parameters (its avcC:
the card is encoded to write the clip's, and the caller checks that it does)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import ExitStack
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from rep_video.errors import UserError
from rep_video.progress import UNTRACKED, Progress, Tracker

_PROGRESS_EVERY = 256  # packets: a progress report and a cancel check, cheap next to a copy


def _streams(c: Any) -> list[Any]:
    return [c.streams.video[0], *c.streams.audio[:1]]


def _mp4_options(first: Any) -> dict[str, str]:
    """Faststart, and the edit lists counted in a movie timescale every track's ticks divide
    (what the ffmpeg command wrote): the video's empty edit, which keeps it in step with the
    sound's first packet, lands on its exact tick rather than on a whole millisecond."""
    scale = math.lcm(*(Fraction(s.time_base).denominator for s in _streams(first)))
    options = {"movflags": "+faststart"}
    if scale < 2**31:
        options["movie_timescale"] = str(scale)
    return options


def concat_copy(
    files: Sequence[Path],
    dst: Path,
    *,
    stage: str = "intro",
    tracker: Tracker = UNTRACKED,
) -> None:
    """Write `files`, one after the other, into `dst` (MP4, moov first). Only the first video
    stream and the first audio stream of each, as in the first file."""
    try:
        ts_offset = -_first_start(files[0])
        with ExitStack() as stack:
            inputs = [stack.enter_context(av.open(str(f))) for f in files]
            out = stack.enter_context(av.open(str(dst), "w", "mp4",
                                              options=_mp4_options(inputs[0])))  # fmt: skip
            outs = []
            for s in _streams(inputs[0]):
                o = out.add_stream_from_template(s)
                o.time_base = s.time_base
                outs.append(o)
            _copy_all(inputs, out, outs, ts_offset, stage, tracker)
    except av.error.FFmpegError as e:
        raise UserError(f"the intro card could not be joined to the clip ({e}); "
                        "send without it.") from e  # fmt: skip


def _rescale(ticks: Fraction | int, src: Fraction, dst: Fraction) -> int:
    """av_rescale_q: to the nearest tick, halves away from zero."""
    v = Fraction(ticks) * src / dst
    return math.floor(v + Fraction(1, 2)) if v >= 0 else -math.floor(-v + Fraction(1, 2))


_US = Fraction(1, av.time_base)


def _first_start(path: Path) -> int:
    """The earliest timestamp of the file's packets, in microseconds after its start time: what
    the ffmpeg command saw as its input's start (an AAC stream's priming packet, before zero,
    included). Read from a reader of its own, which is cheap for the card."""
    with av.open(str(path)) as c:
        firsts: dict[int, int] = {}
        for packet in c.demux(_streams(c)):
            if packet.pts is not None and packet.stream.index not in firsts:
                firsts[packet.stream.index] = _rescale(packet.pts, Fraction(packet.time_base), _US)
            if len(firsts) == len(_streams(c)):
                break
        origin = c.start_time or 0
    return min(firsts.values(), default=origin) - origin


def _copy_all(
    inputs: list[Any],
    out: Any,
    outs: list[Any],
    ts_offset: int,
    stage: str,
    tracker: Tracker,
) -> None:
    """The timestamps the command wrote: each file's packets shifted by the durations before
    it minus the file's start (the concat demuxer), all by `ts_offset` µs so the earliest
    packet is at zero (ffmpeg's default input offset), and a DTS that would not increase set
    to one tick after the last (ffmpeg's muxing fix-up: at the seam, the clip's AAC priming
    packet)."""
    total = sum(c.duration or 0 for c in inputs) / av.time_base or 1.0
    offset = 0  # microseconds: where the current file starts on the output timeline
    last_dts: list[int | None] = [None] * len(outs)
    count = 0
    for c in inputs:
        streams = _streams(c)
        if len(streams) != len(outs):
            raise UserError(f"{Path(c.name).name} has other streams than the clip it joins; "
                            "send without the intro card.")  # fmt: skip
        file_delta = offset - (c.start_time or 0)
        # Per stream, once per file: its output stream, the shift in its own ticks, and the
        # ratio to the output's ticks (none when they share a time base: then the loop, which
        # runs once per packet, only adds).
        plan = {}
        for s in streams:
            kind = 0 if s.type == "video" else 1
            src_tb, out_tb = Fraction(s.time_base), Fraction(outs[kind].time_base)
            delta = _rescale(file_delta, _US, src_tb) + _rescale(ts_offset, _US, src_tb)
            plan[s.index] = (kind, delta, None if src_tb == out_tb else (src_tb, out_tb))
        for packet in c.demux(streams):
            if packet.dts is None:
                continue  # the demuxer's end-of-stream marker
            kind, delta, ratio = plan[packet.stream.index]
            o = outs[kind]
            pts = packet.pts
            if ratio is None:
                dts = packet.dts + delta
                pts = pts + delta if pts is not None else None
            else:
                dts = _rescale(packet.dts + delta, *ratio)
                pts = _rescale(pts + delta, *ratio) if pts is not None else None
            last = last_dts[kind]
            if last is not None and dts <= last:
                if pts is not None and pts >= dts:
                    pts = max(pts, last + 1)
                dts = last + 1
            last_dts[kind] = dts
            packet.dts, packet.pts = dts, pts
            packet.stream = o
            if count % _PROGRESS_EVERY == 0:
                tracker.check()
                t = float(dts * o.time_base)
                tracker.report(Progress(stage=stage, fraction=min(1.0, max(0.0, t / total))))
            count += 1
            out.mux(packet)
        offset += c.duration or 0
