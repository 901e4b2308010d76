"""Which captured media belongs to which part of a recording (segments.py), decided on the
encoder thread from timestamps alone, so a frame or a block that arrives late (each device has
its own latency) still lands in the right part.

A part takes what was captured from `start` (the Resume press; -inf for the first part) until
`end` (the Pause press). Its timeline begins at its first video frame (`origin`): audio that
came in before that frame is held, then trimmed to it. When a pause is pressed the video end
is settled by the first frame captured after the press (or, with no camera frames, by the
audio running half a second past it): the part's video then ends after its last frame, at
`video_end`, and its audio is taken up to exactly that instant, waiting for the microphone's
late blocks. Only then is the part closed, so nothing captured before the pause is lost and
nothing after it is kept."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from rep_video.media.capture.part_writer import PartWriter

Samples = npt.NDArray[np.float32]
SETTLE_SECONDS = 0.5  # how long past the press the other device may lag behind


@dataclass
class Part:
    start: float
    fps: Fraction
    sample_rate: int
    channels: int
    open_writer: Callable[[], PartWriter]
    end: float | None = None
    retake: bool = False  # a re-take was pressed: cut the timeline once this part closed
    origin: float | None = None
    video_end: float | None = None
    writer: PartWriter | None = None
    audio_seen: float = -math.inf  # end of the latest block seen (blocks come in order)
    _held: list[tuple[Samples, float]] = field(default_factory=list)
    _held_seconds: float = 0.0

    # -- routing ---------------------------------------------------------------------------
    def wants_frame(self, t: float) -> bool:
        return t >= self.start and (self.end is None or t < self.end)

    def frame(self, t: float) -> tuple[PartWriter, float] | None:
        """The writer and part time for a frame this part wants; opens the part at its first
        frame. None once the video is settled."""
        if self.video_end is not None:
            return None
        if self.writer is None:
            self.origin = t
            self.writer = self.open_writer()
            held, self._held, self._held_seconds = self._held, [], 0.0
            for samples, at in held:
                self.audio(samples, at)
        assert self.origin is not None
        return self.writer, t - self.origin

    def request_end(self, at: float, *, retake: bool = False) -> None:
        self.end = at if self.end is None else min(self.end, at)
        self.retake = self.retake or retake

    def saw_frame(self, t: float) -> None:
        """A frame captured at `t` went elsewhere (or nowhere): past our end, it settles us."""
        if self.end is not None and t >= self.end:
            self._settle_video()

    def saw_audio(self, t: float) -> None:
        if self.end is not None and self.writer is None and t >= self.end:
            self._settle_video()  # paused before any frame came: an empty part
        elif self.end is not None and t >= self.end + SETTLE_SECONDS:
            self._settle_video()  # no camera frame since the press

    def _settle_video(self) -> None:
        if self.video_end is not None:
            return
        if self.writer is None or self.origin is None:
            self.video_end = self.end if self.end is not None else self.start
            return
        self.video_end = self.origin + float(self.writer.frames / self.fps)
        for samples, at in self._take_held():
            self.audio(samples, at)

    def audio(self, samples: Samples, t: float) -> None:
        """Hand on the part of a block that belongs here; hold what cannot be placed yet."""
        if not self.channels:
            return
        rate = self.sample_rate
        self.audio_seen = max(self.audio_seen, t + len(samples) / rate)
        first = max(t, self.start)
        if self.origin is not None:
            first = max(first, self.origin)
        last = t + len(samples) / rate
        if self.video_end is not None:
            last = min(last, self.video_end)
        elif self.end is not None and last > self.end:
            # Past the press: whether this is ours depends on where the video ends.
            cut = max(0, round((self.end - t) * rate))
            self._hold(samples[cut:], t + cut / rate)
            samples, last = samples[:cut], t + cut / rate
        if last <= first:
            return
        if self.writer is None or self.origin is None:
            self._hold(samples, t)
            return
        skip = max(0, round((first - t) * rate))
        stop = max(skip, round((last - t) * rate))
        if stop > skip:
            self.writer.add_audio(samples[skip:stop], t + skip / rate - self.origin)

    def _hold(self, samples: Samples, t: float) -> None:
        if not len(samples):
            return
        self._held.append((samples, t))
        self._held_seconds += len(samples) / self.sample_rate
        # Bounded: a camera that never delivers must not make the microphone fill memory.
        while self._held_seconds > 30.0 and self._held:
            old, _ = self._held.pop(0)
            self._held_seconds -= len(old) / self.sample_rate

    def _take_held(self) -> list[tuple[Samples, float]]:
        held, self._held, self._held_seconds = self._held, [], 0.0
        return held

    # -- state -----------------------------------------------------------------------------
    def closable(self, *, stopping: bool = False) -> bool:
        if stopping:
            self._settle_video()
            return True
        if self.video_end is None:
            return False
        if self.writer is None or not self.channels:
            return True
        return self.audio_seen >= self.video_end - 0.5 / self.sample_rate

    def audio_overdue(self, t: float) -> bool:
        """No microphone block reached our end though the camera is well past it."""
        return self.video_end is not None and t >= self.video_end + SETTLE_SECONDS
