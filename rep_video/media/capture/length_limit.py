"""The policy's longest recording, enforced where the media enters the recorder: counted from
the first frame or sample pushed, on the capture clock less the time spent paused and what a
re-take gave back, nothing at or past the limit is queued, and `reached` tells the front end to
stop (so a slow or busy UI cannot make a take longer). The encoder thread enforces the same
limit exactly, in recorded frames (encoder_worker.py); this side only keeps the queue from
carrying what would be thrown away."""

from __future__ import annotations

import threading


class LengthLimit:
    def __init__(self, max_seconds: float | None) -> None:
        self.max_seconds = max_seconds
        self._origin: float | None = None
        self._paused_at: float | None = None
        self._credit = 0.0  # seconds paused so far, and dropped by re-takes
        self._reached = False
        self._lock = threading.Lock()  # the camera and the microphone push from two threads

    @property
    def reached(self) -> bool:
        return self._reached

    def mark_reached(self) -> None:
        self._reached = True

    def pause(self, at: float) -> None:
        with self._lock:
            if self._paused_at is None:
                self._paused_at = at

    def resume(self, at: float) -> None:
        with self._lock:
            if self._paused_at is not None:
                self._credit += max(0.0, at - self._paused_at)
                self._paused_at = None

    def give_back(self, seconds: float) -> None:
        """A re-take dropped `seconds` of recording: they no longer count."""
        with self._lock:
            self._credit += seconds
            if self._reached:
                self._reached = False

    def room(self, pts: float) -> float | None:
        """Seconds left at `pts` (None: no limit); 0 or less means drop what starts there."""
        if self.max_seconds is None:
            return None
        with self._lock:
            if self._origin is None:
                self._origin = pts
            now = pts if self._paused_at is None else min(pts, self._paused_at)
            left = self._origin + self._credit + self.max_seconds - now
            if left <= 0:
                self._reached = True
            return left
