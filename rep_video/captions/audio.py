"""A recording's sound as 16 kHz mono 16-bit samples: what voice-activity detection and speech
recognisers take. Decoded in-process with PyAV (the FFmpeg the app already carries)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from rep_video.errors import UserError
from rep_video.progress import CancelToken

RATE = 16_000


def load_speech_audio(path: Path, cancel: CancelToken | None = None) -> np.ndarray:
    """int16 samples at RATE Hz, mono. An empty array when the file has no sound; UserError
    when it cannot be read at all."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise UserError(
            f"cannot read the sound of {Path(path).name} ({exc}); pick a playable video file."
        ) from None
    with container:
        if not container.streams.audio:
            return np.zeros(0, dtype=np.int16)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        chunks: list[np.ndarray] = []
        try:
            for i, frame in enumerate(container.decode(stream)):
                if cancel is not None and i % 200 == 0:
                    cancel.raise_if_cancelled()
                chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
        except av.FFmpegError as exc:
            if not chunks:
                raise UserError(
                    f"the sound of {Path(path).name} cannot be decoded ({exc}); "
                    "record or export it again."
                ) from None
            # A recording cut short by a crash: caption what there is.
    return np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, dtype=np.int16)
