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


class PauseFinder:
    """Pauses in speech: runs of at least `min_seconds` where the level stayed well under the
    recent speech level, as the re-take's "since the last sentence" needs them.

    Levels are RMS dBFS over 20 ms windows, as the meter measures them. A window is quiet when
    it is below the digital-silence threshold, or more than `drop_db` under the loudest recent
    window (which decays by `decay_db_per_s`, so a louder passage does not hide a softer
    speaker's pauses for long) and under `ceiling_dbfs`. Times are seconds of the audio fed,
    from `start` on; complete pauses are in `pauses` as (start, end)."""

    WINDOW = 0.02

    def __init__(
        self,
        sample_rate: int,
        *,
        min_seconds: float = 0.7,
        drop_db: float = 18.0,
        ceiling_dbfs: float = -25.0,
        decay_db_per_s: float = 3.0,
        start: float = 0.0,
    ) -> None:
        self.sample_rate = sample_rate
        self.min_seconds = min_seconds
        self.drop_db, self.ceiling_dbfs, self.decay = drop_db, ceiling_dbfs, decay_db_per_s
        self.pauses: list[tuple[float, float]] = []
        self._window = max(1, round(self.WINDOW * sample_rate))
        self._carry = np.zeros((0,), dtype=np.float64)
        self._pos = round(start * sample_rate)  # samples analysed so far
        self._peak = FLOOR_DBFS
        self._quiet_since: int | None = None

    @property
    def quiet_for(self) -> float:
        """Seconds the input has been quiet up to now (0 while someone speaks)."""
        return (
            0.0 if self._quiet_since is None else (self._pos - self._quiet_since) / self.sample_rate
        )

    def feed(self, samples: npt.NDArray[np.floating], at: float | None = None) -> None:
        """Analyse a block; `at` (seconds) places it, and a gap before it counts as quiet."""
        if at is not None:
            start = round(at * self.sample_rate)
            if start > self._pos + self._window:
                if self._quiet_since is None:
                    self._quiet_since = self._pos
                self._pos, self._carry = start, np.zeros((0,), dtype=np.float64)
        mono = samples.astype(np.float64, copy=False)
        if mono.ndim == 2:
            mono = mono.mean(axis=1)
        data = np.concatenate([self._carry, mono]) if self._carry.size else mono
        n = data.size // self._window * self._window
        if n:
            windows = data[:n].reshape(-1, self._window)
            levels = np.sqrt(np.mean(np.square(windows), axis=1))
            for amplitude in levels:
                self._step(_dbfs(float(amplitude)))
        self._carry = np.array(data[n:], dtype=np.float64)

    def _step(self, level: float) -> None:
        self._peak = max(level, self._peak - self.decay * self.WINDOW)
        threshold = max(SILENCE_THRESHOLD_DBFS, min(self._peak - self.drop_db, self.ceiling_dbfs))
        if level <= threshold:
            if self._quiet_since is None:
                self._quiet_since = self._pos
        elif self._quiet_since is not None:
            if self._pos - self._quiet_since >= self.min_seconds * self.sample_rate:
                rate = self.sample_rate
                self.pauses.append((self._quiet_since / rate, self._pos / rate))
            self._quiet_since = None
        self._pos += self._window
