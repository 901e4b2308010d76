"""Turns timestamped microphone blocks into gap-free, AAC-sized chunks on the recording's
sample clock (pure numpy; the recorder encodes what comes out).

A/V sync by construction: each block is placed at the sample its pts names, not simply after
the previous one. Small jitter between capture clocks is ignored (blocks stay contiguous);
a real gap (the device stalled) is filled with silence and an overlap is trimmed, so audio
never drifts away from the video's timeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


@dataclass(slots=True)
class AudioCounters:
    samples_in: int = 0  # per channel, as pushed
    silence_inserted: int = 0  # samples of silence added for gaps (and the lead-in)
    samples_trimmed: int = 0  # samples dropped because they overlapped earlier audio


class AudioAssembler:
    """Feed `(samples (n, channels), start_sample)`; take `(pts_in_samples, planar chunk)`.

    `start_sample` is the block's position on the recording clock (pts × rate). Chunks are
    `frame_size` samples, planar float32 (channels, frame_size), pts counted from 0."""

    def __init__(
        self, channels: int, frame_size: int, tolerance: int, *, lead_in: bool = True
    ) -> None:
        self.channels = channels
        self.frame_size = frame_size
        self.tolerance = tolerance  # jitter (samples) absorbed without a gap or a trim
        self.lead_in = lead_in  # pad with silence from 0 to the first block
        self.counters = AudioCounters()
        self._next: int | None = None  # recording-clock position of the next appended sample
        self._pending: list[FloatArray] = []  # planar blocks not yet cut into chunks
        self._pending_len = 0
        self._emitted = 0  # samples already handed out as chunks

    @property
    def position(self) -> int:
        """Recording-clock position just after the last sample accepted."""
        return self._next if self._next is not None else 0

    def add(self, samples: FloatArray, start_sample: int) -> None:
        block = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1, self.channels).T
        self.counters.samples_in += block.shape[1]
        if self._next is None:
            self._next = 0 if self.lead_in else start_sample
            self._emitted = self._next
        gap = start_sample - self._next
        if gap > self.tolerance:
            self._append(np.zeros((self.channels, gap), dtype=np.float32))
            self.counters.silence_inserted += gap
        elif gap < -self.tolerance:
            cut = min(-gap, block.shape[1])
            block = block[:, cut:]
            self.counters.samples_trimmed += cut
        if block.shape[1]:
            self._append(block)

    def pad_to(self, sample: int) -> None:
        """Extend with silence up to `sample` (used when a microphone delivered nothing)."""
        if self._next is None:
            self._next = self._emitted = 0
        if sample > self._next:
            self._append(np.zeros((self.channels, sample - self._next), dtype=np.float32))
            self.counters.silence_inserted += sample - self._next

    def _append(self, block: FloatArray) -> None:
        self._pending.append(block)
        self._pending_len += block.shape[1]
        assert self._next is not None
        self._next += block.shape[1]

    def chunks(self, *, final: bool = False) -> Iterator[tuple[int, FloatArray]]:
        """Complete chunks; with `final`, also the short remainder."""
        if self._pending_len < self.frame_size and not (final and self._pending_len):
            return
        data = np.concatenate(self._pending, axis=1) if len(self._pending) > 1 else self._pending[0]
        whole = (data.shape[1] // self.frame_size) * self.frame_size
        for start in range(0, whole, self.frame_size):
            yield self._emitted, np.ascontiguousarray(data[:, start : start + self.frame_size])
            self._emitted += self.frame_size
        rest = data[:, whole:]
        if final and rest.shape[1]:
            yield self._emitted, np.ascontiguousarray(rest)
            self._emitted += rest.shape[1]
            rest = rest[:, :0]
        self._pending = [rest] if rest.shape[1] else []
        self._pending_len = rest.shape[1]
