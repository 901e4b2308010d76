"""Helpers for the recorder tests: short synthetic recordings and readers of the result."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.media.capture.recorder import Recorder, RecorderStats
from rep_video.media.capture.synthetic import (
    TestPatternCamera,
    Tone,
    ToneMicrophone,
    feed,
    read_frame_index,
)


@dataclass
class Recording:
    path: Path
    stats: RecorderStats


Record = Callable[..., Recording]


def record_into(
    folder: Path,
    duration: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: float = 30.0,
    *,
    channels: int = 1,
    flash_at: tuple[float, ...] = (),
    silent: bool = False,
    offset: float = 0.0,
    name: str = "take.mp4",
    **recorder_options: float,
) -> Recording:
    """Record `duration` seconds from the synthetic sources into `folder`/rec, fed as fast as
    possible."""
    w, h = size
    recorder = Recorder(folder / "rec" / name, w, h, fps, 48000, channels, **recorder_options)
    recorder.start()
    camera = TestPatternCamera(w, h, fps, flash_at=flash_at)
    mic = (
        ToneMicrophone(
            48000, max(channels, 1), tone=Tone(beep_at=flash_at, level_dbfs=-30, silent=silent)
        )
        if channels
        else None
    )
    feed(recorder, camera, mic, duration, offset=offset)
    path = recorder.stop()
    return Recording(path, recorder.stats())


@pytest.fixture
def record(tmp_path: Path) -> Record:
    """`record_into` this test's own folder."""
    return functools.partial(record_into, tmp_path)


def top_level_boxes(path: Path) -> list[str]:
    names, offset, data = [], 0, path.read_bytes()
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        names.append(data[offset + 4 : offset + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        if size < 8:
            break
        offset += size
    return names


def decoded_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(float(f.time or 0.0), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def frame_indices(path: Path) -> list[int]:
    return [read_frame_index(img) for _, img in decoded_frames(path)]


def decoded_audio(path: Path) -> tuple[float, np.ndarray, int]:
    """(time of the first decoded sample, samples (channels, n), sample rate)."""
    with av.open(str(path)) as c:
        frames = list(c.decode(audio=0))
    data = np.concatenate([f.to_ndarray() for f in frames], axis=1)
    return float(frames[0].time or 0.0), data, frames[0].sample_rate


Command = tuple[float, str]  # (capture time, "pause" | "resume" | "retake")


def feed_with_commands(
    recorder: Recorder,
    camera: TestPatternCamera,
    mic: ToneMicrophone | None,
    duration: float,
    commands: list[Command],
    *,
    audio_lag: float = 0.0,
) -> None:
    """Push `duration` seconds of both sources as fast as the recorder takes them, in the
    order a real machine delivers them (audio arriving `audio_lag` seconds after it was
    captured), with each command issued when the capture clock reaches its time."""
    items: list[tuple[float, int, str, object, float]] = []
    for frame, t in camera.frames(duration):
        items.append((t, 1, "v", frame, t))
    if mic is not None:
        for samples, t in mic.blocks(duration):
            # A block is delivered once its last sample is in, plus the device's latency.
            arrives = t + len(samples) / mic.sample_rate + audio_lag
            items.append((arrives, 2, "a", samples, t))
    for at, kind in commands:
        items.append((at, 0, kind, None, at))
    items.sort(key=lambda item: (item[0], item[1]))
    for _arrival, _order, kind, data, t in items:
        if kind == "v":
            recorder.push_video(data, t)  # type: ignore[arg-type]
        elif kind == "a":
            recorder.push_audio(data, t)  # type: ignore[arg-type]
        else:
            getattr(recorder, kind)(t)


def white_frames(path: Path) -> list[float]:
    """Times of the flash frames (all white) in a file."""
    return [t for t, img in decoded_frames(path) if img.mean() > 240]


def beep_onsets(path: Path, threshold: float = 0.35) -> list[float]:
    """Start times of the beeps (a loud burst over a quieter tone), at least 0.3 s apart."""
    start, data, rate = decoded_audio(path)
    loud = np.nonzero(np.abs(data[0]) > threshold)[0]
    onsets: list[float] = []
    for index in loud:
        t = start + float(index) / rate
        if not onsets or t - onsets[-1] > 0.3:
            onsets.append(t)
    return onsets


def durations(path: Path) -> tuple[float, float]:
    """(video, audio) lengths in seconds from the decoded frames and samples."""
    frames = decoded_frames(path)
    with av.open(str(path)) as c:
        rate = c.streams.video[0].average_rate
    video = len(frames) / float(rate)
    _, data, sample_rate = decoded_audio(path)
    return video, data.shape[1] / sample_rate
