"""The few core calls the screens make, in one place: recorder, recovery, probe, frames,
poster, and microphone levels. Imports are lazy so the window opens before PyAV/OpenCV load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rep_video.errors import UserError
from ui.i18n import translate


def new_recorder(
    path: Path, size: tuple[int, int], fps: float, audio: tuple[int, int], max_seconds: float
) -> Any:
    """A Recorder at `size`, `audio` = (sample rate, channels), stopping at `max_seconds`."""
    from rep_video.media.capture.recorder import Recorder, RecorderLimits

    limits = RecorderLimits(max_seconds=max_seconds)
    return Recorder(path, *size, fps, *audio, limits=limits)


def new_recording_path() -> Path:
    """A fresh name in the recordings folder (the core's, which also avoids unfinished ones)."""
    from rep_video.media.capture.recorder import new_recording_path as fresh

    path = fresh()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def working_path(recording: Path) -> Path:
    """The fragmented file the recorder writes while `recording` is being made."""
    from rep_video.media.capture.recovery import fragmented_path

    return fragmented_path(recording)


def find_unfinished(folder: Path) -> list[Any]:
    from rep_video.media.capture import recovery

    return list(recovery.find_unfinished(folder)) if folder.exists() else []


def recoverable_seconds(item: Any) -> float:
    from rep_video.media.capture.recoverable import recoverable_seconds as seconds

    return seconds(item)


def discard(item: Any) -> None:
    from rep_video.media.capture import recovery

    recovery.discard(item)


def recover(item: Any) -> Path:
    from rep_video.media.capture import recovery

    return Path(recovery.recover(item))


def duration_of(path: Path, need_video: bool = False) -> float:
    from rep_video.media.probe import probe

    info = probe(path)
    if need_video and info.video is None:
        raise UserError(
            translate(
                "core_bridge", "{name} has no picture (audio only); pick a video file."
            ).format(name=path.name)
        )
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
    from rep_video.media.publish import poster

    return float(poster.best_frame_time(path))


def trim_to(src: Path, dst: Path, trim: tuple[float, float], mode: str, cancel: Any = None) -> None:
    from rep_video.media.cut.trim import trim as cut
    from rep_video.progress import Tracker

    cut(src, dst, trim[0], trim[1], mode, Tracker(cancel=cancel))


# -- microphone levels ----------------------------------------------------------------------
def silence_detector(sample_rate: int) -> Any:
    from rep_video.media.capture.levels import SilenceDetector

    # Warn after 2 s of nothing: soon enough to act before the take, late enough to ignore
    # a pause between sentences.
    return SilenceDetector(sample_rate, seconds=2.0)


def measure(detector: Any, samples: np.ndarray) -> tuple[float, bool]:
    """(dBFS of the block, whether the "no sound" warning should show)."""
    from rep_video.media.capture.levels import rms_dbfs

    silent = bool(detector.feed(samples))
    return rms_dbfs(samples), silent


def purge_delivered(store: Any, settings: Any) -> str:
    """The app's purge at start (rep_video.share.local_retention): what was delivered longer
    ago than the laptop retention (the share server's policy, else the admin file's);
    never anything not delivered."""
    from rep_video.share.local_retention import laptop_retention_days, purge_local

    return purge_local(store, laptop_retention_days(settings)).summary()
