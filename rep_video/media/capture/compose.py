"""The final file of a recording made of several parts (pause, resume, re-take): the kept
pieces (segments.plan) joined into one faststart MP4.

Video is copied packet by packet, no re-encode: every part starts with a keyframe and there
are no B-frames, so a piece is any prefix of a part, and the next piece's pictures follow at
the next frame slot. Audio is decoded and encoded once more as one continuous AAC stream, cut
to exactly each piece's video length: copying AAC packets across a join would leave a click
(each AAC frame overlaps the one before it) and up to 21 ms of drift per join, and a re-take's
dropped sound must not leak into the frame before the cut. Decoding and encoding a minute of
mono audio takes well under a second."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.media.capture.encoder_settings import (
    AUDIO_BIT_RATE,
    AUDIO_CODEC,
    AUDIO_FRAME_SIZE,
    FASTSTART_MP4_OPTIONS,
)
from rep_video.media.capture.fragmented_file import PrefixReader, check_readable
from rep_video.media.capture.part_writer import LAYOUTS


@dataclass(frozen=True, slots=True)
class Source:
    """One kept piece: `seconds` of `path` (None: all its video), read only up to `limit`
    bytes (an unfinished part: its last complete fragment)."""

    path: Path
    seconds: float | None
    limit: int | None = None


class _AudioOut:
    """Continuous AAC from pieces of PCM; pts counted in samples from 0."""

    def __init__(self, stream: Any, rate: int, channels: int) -> None:
        self.stream, self.rate, self.channels = stream, rate, channels
        self._pending = np.zeros((channels, 0), dtype=np.float32)
        self.samples = 0

    def add(self, planar: npt.NDArray[np.float32]) -> Iterator[Any]:
        data = np.concatenate([self._pending, planar], axis=1) if self._pending.size else planar
        whole = data.shape[1] // AUDIO_FRAME_SIZE * AUDIO_FRAME_SIZE
        for start in range(0, whole, AUDIO_FRAME_SIZE):
            yield from self._encode(data[:, start : start + AUDIO_FRAME_SIZE])
        self._pending = np.ascontiguousarray(data[:, whole:])

    def finish(self) -> Iterator[Any]:
        if self._pending.shape[1]:
            yield from self._encode(self._pending)
        yield from self.stream.encode(None)

    def _encode(self, chunk: npt.NDArray[np.float32]) -> Iterator[Any]:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(chunk), format="fltp", layout=LAYOUTS[self.channels]
        )
        frame.sample_rate = self.rate
        frame.pts = self.samples
        frame.time_base = Fraction(1, self.rate)
        self.samples += chunk.shape[1]
        yield from self.stream.encode(frame)


def open_source(source: Source) -> tuple[Any, contextlib.AbstractContextManager[Any]]:
    whole = source.limit is None or source.limit >= source.path.stat().st_size
    if whole:
        return str(source.path), contextlib.nullcontext()
    reader = PrefixReader(source.path, source.limit or 0)
    return reader, reader


@dataclass
class _Joined:
    """The file being written: its container, its video stream (copied from the first part's)
    and its audio (one AAC stream encoded for all the pieces)."""

    container: Any
    video: Any = None
    audio: _AudioOut | None = None


def compose(sources: Sequence[Source], dst: Path) -> float:
    """Join the pieces into `dst` (temp + rename, read back); returns its length in seconds."""
    if not sources:
        raise UserError("nothing was kept of this recording; record again.")
    at = Fraction(0)
    with temp_output(dst) as tmp:
        with av.open(str(tmp), "w", format="mp4", container_options=FASTSTART_MP4_OPTIONS) as out:
            joined = _Joined(out)
            for source in sources:
                handle, closer = open_source(source)
                with closer, av.open(handle, "r", format="mp4", buffer_size=1 << 20) as inp:
                    if not inp.streams.video:
                        raise UserError(f"{source.path.name} holds no video; it cannot be joined.")
                    at += _copy_piece(inp, joined, source.seconds, at)
            if joined.video is None:
                raise UserError("nothing was kept of this recording; record again.")
            if joined.audio is not None:
                out.mux(list(joined.audio.finish()))
        check_readable(tmp)
    return float(at)


def _audio_out(out: Any, ain: Any) -> _AudioOut:
    channels, rate = ain.codec_context.channels, ain.codec_context.sample_rate
    stream: Any = out.add_stream(AUDIO_CODEC, rate=rate)
    stream.codec_context.layout = LAYOUTS[channels]
    stream.codec_context.format = "fltp"
    stream.codec_context.bit_rate = AUDIO_BIT_RATE * channels
    stream.time_base = Fraction(1, rate)
    return _AudioOut(stream, rate, channels)


def _copy_piece(inp: Any, joined: _Joined, seconds: float | None, at: Fraction) -> Fraction:
    """Mux the first `seconds` (None: all) of the part open in `inp` into `joined`: its video
    packets shifted to `at`, and its audio cut to the video's length; returns that length."""
    vin = inp.streams.video[0]
    ain = inp.streams.audio[0] if inp.streams.audio else None
    out = joined.container
    if joined.video is None:
        joined.video = out.add_stream_from_template(vin)
    if joined.audio is None and ain is not None:
        joined.audio = _audio_out(out, ain)
    aout = joined.audio
    tb = Fraction(vin.time_base)
    limit = None if seconds is None else Fraction(seconds).limit_denominator(1_000_000)
    shift = round(at / tb)
    end = Fraction(0)
    rate = aout.rate if aout else 0
    pcm: list[tuple[int | None, npt.NDArray[np.float32]]] = []
    streams = [vin] + ([ain] if ain is not None and aout is not None else [])
    for packet in inp.demux(streams):
        if packet.dts is None:
            continue
        if packet.stream.type == "video":
            start = Fraction(packet.pts) * tb
            if limit is not None and start >= limit - tb / 2:
                continue
            end = max(end, start + Fraction(packet.duration or 0) * tb)
            packet.pts += shift
            packet.dts += shift
            packet.stream = joined.video
            out.mux(packet)
        else:
            for frame in packet.decode():
                pcm.append(_placed(frame, rate))
    if limit is not None:
        end = limit
    if aout is not None:
        total = round(end * rate)
        data = _samples(pcm, aout.channels, total)
        out.mux(list(aout.add(data)))
    return end


def _placed(frame: Any, rate: int) -> tuple[int | None, npt.NDArray[np.float32]]:
    """A decoded frame's first sample on the part's clock, and its planar samples."""
    data = frame.to_ndarray().astype(np.float32, copy=False).reshape(-1, frame.samples)
    start = None if frame.pts is None else round(float(frame.pts * frame.time_base) * rate)
    return start, data


def _samples(
    placed: list[tuple[int | None, npt.NDArray[np.float32]]], channels: int, total: int
) -> npt.NDArray[np.float32]:
    """Samples [0, total) of a piece, each decoded frame at its own timestamp; silence where
    the part had none (an unfinished part cut mid-fragment)."""
    out = np.zeros((channels, total), dtype=np.float32)
    cursor = 0
    for first, data in placed:
        start = cursor if first is None else first
        lo, hi = max(0, start), min(total, start + data.shape[1])
        if hi > lo:
            out[:, lo:hi] = data[:channels, lo - start : hi - start]
        cursor = start + data.shape[1]
    return out
