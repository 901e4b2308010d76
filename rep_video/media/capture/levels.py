"""Microphone levels for the record screen's meter and its "no sound is coming in" warning.
Pure functions over float32 sample blocks (full scale = 1.0)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FLOOR_DBFS = -120.0  # what digital silence reads as (log of zero is −∞)
SILENCE_THRESHOLD_DBFS = -50.0


def _dbfs(amplitude: float) -> float:
    return FLOOR_DBFS if amplitude <= 0 else max(FLOOR_DBFS, 20 * math.log10(amplitude))


def rms_dbfs(samples: npt.NDArray[np.floating]) -> float:
    """RMS level of a block over all channels, in dBFS (a full-scale sine reads −3)."""
    if samples.size == 0:
        return FLOOR_DBFS
    data = samples.astype(np.float64, copy=False)
    return _dbfs(float(np.sqrt(np.mean(np.square(data)))))


def peak_dbfs(samples: npt.NDArray[np.floating]) -> float:
    """Peak level of a block over all channels, in dBFS."""
    if samples.size == 0:
        return FLOOR_DBFS
    return _dbfs(float(np.max(np.abs(samples))))


class SilenceDetector:
    """Silent once no block has peaked above `threshold_dbfs` for `seconds` of audio.

    Counts audio time (samples fed), not wall time, so it behaves the same in tests fed as fast
    as possible and in the app; `feed` returns the current verdict."""

    def __init__(
        self,
        sample_rate: int,
        *,
        seconds: float = 3.0,
        threshold_dbfs: float = SILENCE_THRESHOLD_DBFS,
    ) -> None:
        self.sample_rate = sample_rate
        self.seconds = seconds
        self.threshold_dbfs = threshold_dbfs
        self._quiet_samples = 0

    @property
    def quiet_seconds(self) -> float:
        """How long the input has been below the threshold."""
        return self._quiet_samples / self.sample_rate

    @property
    def silent(self) -> bool:
        return self.quiet_seconds >= self.seconds

    def feed(self, samples: npt.NDArray[np.floating]) -> bool:
        frames = samples.shape[0] if samples.ndim else 0
        if peak_dbfs(samples) > self.threshold_dbfs:
            self._quiet_samples = 0
        else:
            self._quiet_samples += frames
        return self.silent

    def reset(self) -> None:
        self._quiet_samples = 0
