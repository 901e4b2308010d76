"""Where in a recording someone is speaking. WebRTC's voice-activity detector (the
webrtcvad-wheels package) judges each 30 ms frame; where it is not installed, an energy
detector relative to the recording's own noise floor stands in. Both give the same output:
sorted, non-overlapping (start, end) speech segments in seconds, with breath-length gaps
closed and clicks dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from rep_video.captions.audio import RATE

log = logging.getLogger(__name__)

FRAME_MS = 30
FRAME = RATE * FRAME_MS // 1000
MIN_GAP = 0.12  # shorter silences are a consonant or a breath inside a phrase
MIN_SPEECH = 0.12  # shorter bursts are a click or a cough
AGGRESSIVENESS = 2  # 0 (keeps most) .. 3 (drops most); 2 holds up on laptop microphones

Segments = list[tuple[float, float]]


def speech_segments(samples: np.ndarray, detector: str = "auto") -> Segments:
    """Speech in 16 kHz mono int16 `samples`. `detector`: "webrtc", "energy" or "auto"
    (WebRTC when installed)."""
    frames = len(samples) // FRAME
    if frames == 0:
        return []
    pcm = np.ascontiguousarray(samples[: frames * FRAME], dtype=np.int16)
    judge = _webrtc_judge() if detector in ("auto", "webrtc") else None
    if judge is None:
        if detector == "webrtc":
            raise RuntimeError("webrtcvad is not installed")
        voiced = _energy_voiced(pcm, frames)
    else:
        raw = pcm.tobytes()
        step = FRAME * 2
        voiced = np.fromiter(
            (judge(raw[i * step : (i + 1) * step]) for i in range(frames)), dtype=bool, count=frames
        )
        # WebRTC calls a very quiet room "speech" once its noise model drifts; frames far
        # below the recording's own speech level are not speech whatever it says.
        voiced &= _energy_voiced(pcm, frames, margin_db=6.0)
    return _segments(voiced)


def detector_name() -> str:
    return "webrtc" if _webrtc_judge() is not None else "energy"


def _webrtc_judge() -> Callable[[bytes], bool] | None:
    try:
        import webrtcvad
    except ImportError:
        return None
    vad: Any = webrtcvad.Vad(AGGRESSIVENESS)

    def judge(frame: bytes) -> bool:
        return bool(vad.is_speech(frame, RATE))

    return judge


def _energy_voiced(pcm: np.ndarray, frames: int, margin_db: float = 12.0) -> np.ndarray:
    """Frames louder than the noise floor (the 10th percentile of frame levels) by
    `margin_db`, and not more than 35 dB under the loudest speech (the 95th percentile)."""
    blocks = pcm.reshape(frames, FRAME).astype(np.float64)
    level = 10 * np.log10(np.mean(blocks * blocks, axis=1) + 1.0)
    floor = float(np.percentile(level, 10))
    peak = float(np.percentile(level, 95))
    if peak - floor < margin_db:  # no frame stands out: all silence (or all noise)
        return np.zeros(frames, dtype=bool)
    threshold = max(floor + margin_db, peak - 35.0)
    result: np.ndarray = level > threshold
    return result


def _segments(voiced: np.ndarray) -> Segments:
    seconds = FRAME_MS / 1000
    edges = np.flatnonzero(np.diff(np.concatenate(([0], voiced.astype(np.int8), [0]))))
    runs = [(edges[i] * seconds, edges[i + 1] * seconds) for i in range(0, len(edges), 2)]
    merged: Segments = []
    for a, b in runs:
        if merged and a - merged[-1][1] < MIN_GAP:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(round(float(a), 3), round(float(b), 3)) for a, b in merged if b - a >= MIN_SPEECH]
