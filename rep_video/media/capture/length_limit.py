"""The policy's longest recording, enforced where the media enters the recorder: counted on the
capture clock from the first frame or sample pushed, nothing at or past the limit is encoded,
and `reached` tells the front end to stop (so a slow or busy UI cannot make a take longer)."""

from __future__ import annotations

import threading


class LengthLimit:
    def __init__(self, max_seconds: float | None) -> None:
        self.max_seconds = max_seconds
        self._origin: float | None = None
        self._reached = False
        self._lock = threading.Lock()  # the camera and the microphone push from two threads

    @property
    def reached(self) -> bool:
        return self._reached

    def room(self, pts: float) -> float | None:
        """Seconds left at `pts` (None: no limit); 0 or less means drop what starts there."""
        if self.max_seconds is None:
            return None
        with self._lock:
            if self._origin is None:
                self._origin = pts
            left = self._origin + self.max_seconds - pts
            if left <= 0:
                self._reached = True
            return left
