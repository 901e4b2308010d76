"""The few core calls the screens make, in one place: recorder, recovery, probe, frames,
poster, and microphone levels. Imports are lazy so the window opens before PyAV/OpenCV load."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from rep_video.errors import UserError


def new_recorder(
    path: Path, width: int, height: int, fps: float, sample_rate: int, channels: int
) -> Any:
    from rep_video.media.recorder import Recorder

    return Recorder(path, width, height, fps, sample_rate=sample_rate, channels=channels)


def find_unfinished(folder: Path) -> list[Any]:
    from rep_video.media import recovery

    return list(recovery.find_unfinished(folder)) if folder.exists() else []


def recover(item: Any) -> Path:
    from rep_video.media import recovery

    return Path(recovery.recover(item))


def duration_of(path: Path, need_video: bool = False) -> float:
    from rep_video.media.probe import probe

    info = probe(path)
    if need_video and info.video is None:
        raise UserError(f"{path.name} has no picture (audio only); pick a video file.")
    return float(info.duration)


def fps_of(path: Path) -> float:
    from rep_video.media.probe import probe

    info = probe(path)
    return float(info.video.fps) if info.video is not None else 30.0


def thumbnails(path: Path, count: int, height: int) -> list[np.ndarray]:
    from rep_video.media import frames

    return list(frames.thumbnails(path, count, height))


def frame_at(path: Path, t: float) -> np.ndarray:
    from rep_video.media import frames

    frame: np.ndarray = frames.frame_at(path, t)
    return frame


def best_frame_time(path: Path) -> float:
    from rep_video.media import poster

    return float(poster.best_frame_time(path))


# -- microphone levels ----------------------------------------------------------------------
SILENCE_DBFS = -55.0  # below this a block counts as "nothing coming in"
SILENCE_SECONDS = 1.5  # warn after this much continuous silence


class _SilenceDetector:
    """Counts how long the input has stayed below SILENCE_DBFS."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.quiet_samples = 0

    def feed(self, samples: np.ndarray) -> tuple[float, bool]:
        level = dbfs(samples)
        if level < SILENCE_DBFS:
            self.quiet_samples += len(samples)
        else:
            self.quiet_samples = 0
        return level, self.quiet_samples >= SILENCE_SECONDS * self.sample_rate


def dbfs(samples: np.ndarray) -> float:
    if samples.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def silence_detector(sample_rate: int) -> Any:
    """The core's SilenceDetector when it exists, else the one above."""
    try:
        from rep_video.media.levels import SilenceDetector
    except ImportError:
        return _SilenceDetector(sample_rate)
    return SilenceDetector(sample_rate)


def measure(detector: Any, samples: np.ndarray) -> tuple[float, bool]:
    """(dBFS of the block, whether the silence warning should show)."""
    if isinstance(detector, _SilenceDetector):
        return detector.feed(samples)
    result = detector.feed(samples)
    return float(result.dbfs), bool(result.silent)
