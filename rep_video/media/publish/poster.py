"""The poster frame: among frames sampled across the clip, the best by OpenCV — not black or
washed out, sharp (variance of the Laplacian), a face if there is one (the Haar cascade that
ships in cv2.data) — saved as a JPEG of at most 120 KB."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_bytes
from rep_video.media.frames import RGB, frame_at, sample_frames
from rep_video.media.probe import probe, require_video

MAX_POSTER_BYTES = 120 * 1024
POSTER_LONG_SIDE = 1280
CANDIDATES = 12
_ANALYSIS_WIDTH = 320
_DARK, _BRIGHT = 28.0, 235.0  # mean luma outside this range: a black or blown-out frame
_FACE_BONUS = 3.0

_face_cascade: Any = None
_cv2: Any = cv2  # the wheel's type stubs lack cv2.data and CascadeClassifier


@dataclass(frozen=True, slots=True)
class FrameScore:
    time: float
    brightness: float
    sharpness: float
    faces: int

    @property
    def score(self) -> float:
        exposure_ok = _DARK <= self.brightness <= _BRIGHT
        value = math.log1p(self.sharpness) + (_FACE_BONUS if self.faces else 0.0)
        return value if exposure_ok else value - 100.0


def _faces(gray: np.ndarray) -> int:
    global _face_cascade
    if _face_cascade is None:
        path = Path(_cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
        _face_cascade = _cv2.CascadeClassifier(str(path))
    found = _face_cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    return len(found)


def score_frame(image: RGB, t: float) -> FrameScore:
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return FrameScore(
        time=t,
        brightness=float(gray.mean()),
        sharpness=float(cv2.Laplacian(gray, cv2.CV_64F).var()),
        faces=_faces(gray),
    )


def candidate_times(duration: float, count: int = CANDIDATES) -> list[float]:
    """Evenly spread times, avoiding the first and last 10% (fades, reaching for the mouse)."""
    if duration <= 0.5:
        return [0.0]
    lo, hi = duration * 0.1, duration * 0.9
    return [lo + (hi - lo) * i / max(1, count - 1) for i in range(count)]


def best_frame_time(video: Path, window: tuple[float, float] | None = None) -> float:
    """The time of the best-looking candidate frame. With `window` (start and end seconds of
    `video`: a trim of it) the candidates are of that part, each moved to its nearest
    keyframe there: one frame decoded per candidate instead of up to a GOP's worth (the
    search runs at Stop, beside the send's other work)."""
    info = probe(Path(video))
    v = require_video(info)
    start, end = window or (0.0, info.duration)
    times = [start + t for t in candidate_times(max(0.0, end - start))]
    if window is not None:
        times = _on_keyframes(times, info.keyframes, (start, end - v.frame_duration))
    images = sample_frames(Path(video), times, width=_ANALYSIS_WIDTH)
    scores = [score_frame(img, t) for img, t in zip(images, times, strict=True)]
    return max(scores, key=lambda s: s.score).time


def _on_keyframes(
    times: list[float], keyframes: Sequence[float], window: tuple[float, float]
) -> list[float]:
    """Each time moved to the nearest keyframe inside `window`, each keyframe once; `times`
    as they are when no keyframe lies inside."""
    inside = [k for k in keyframes if window[0] <= k <= window[1]]
    if not inside:
        return times
    return sorted({min(inside, key=lambda k: abs(k - t)) for t in times})


def encode_jpeg(image: RGB, max_bytes: int = MAX_POSTER_BYTES) -> bytes:
    """JPEG bytes under `max_bytes`: lower the quality first, then the size."""
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    h, w = bgr.shape[:2]
    scale = min(1.0, POSTER_LONG_SIDE / max(h, w))
    while True:
        size = (max(2, round(w * scale)), max(2, round(h * scale)))
        frame = bgr if scale == 1.0 else cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        for quality in (85, 75, 65, 55, 45):
            ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                                   cv2.IMWRITE_JPEG_OPTIMIZE, 1])  # fmt: skip
            if ok and len(buf) <= max_bytes:
                return bytes(buf)
        if max(size) < 64:
            raise UserError("the poster frame cannot be made small enough; choose another frame.")
        scale *= 0.75


def make_poster(
    video: Path, dst: Path, at: float | None = None, window: tuple[float, float] | None = None
) -> float:
    """Write the poster JPEG (≤ 120 KB) to `dst`; returns the time of the frame used. `at`
    None picks the best frame (in `window`: see best_frame_time)."""
    t = best_frame_time(video, window) if at is None else float(at)
    atomic_write_bytes(Path(dst), encode_jpeg(frame_at(Path(video), t)))
    return t
