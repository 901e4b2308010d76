"""The hand-off between capture threads and the recorder's encoder thread: one FIFO for video
frames and audio blocks (so the encoder sees them in arrival order), bounded by the number of
video frames it holds (audio is small and never waits).

Timestamps are rebased here, under the same lock that orders the items: the first pts pushed,
of either kind, becomes 0."""

from __future__ import annotations

import collections
import threading
from typing import Any, Literal

Kind = Literal["v", "a"]
Item = tuple[Kind, Any, float]


class CaptureQueue:
    def __init__(self, capacity: int, max_block: float) -> None:
        self.capacity = capacity  # video frames
        self.max_block = max_block  # seconds a video push may wait for room
        self._cond = threading.Condition()
        self._items: collections.deque[Item] = collections.deque()
        self._t0: float | None = None
        self._open = False
        self._closed = False
        self._failed = False
        self.video_depth = 0
        self.max_depth = 0
        self.frames_in = 0
        self.dropped_full = 0

    def open(self) -> None:
        with self._cond:
            self._open = True

    def put_video(self, frame: Any, pts: float) -> bool:
        """Queue a frame, waiting up to `max_block` for room; False (counted) if none came."""
        with self._cond:
            self._require_open()
            self.frames_in += 1
            room = self._cond.wait_for(
                lambda: self.video_depth < self.capacity or self._failed,
                timeout=self.max_block,
            )
            if not room or self._failed:
                self.dropped_full += 1
                return False
            self._items.append(("v", frame, self._rebase(pts)))
            self.video_depth += 1
            self.max_depth = max(self.max_depth, self.video_depth)
            self._cond.notify_all()
        return True

    def put_audio(self, samples: Any, pts: float) -> None:
        with self._cond:
            self._require_open()
            if not self._failed:
                self._items.append(("a", samples, self._rebase(pts)))
                self._cond.notify_all()

    def get(self) -> tuple[Item, int] | None:
        """The next item and the video depth left behind it; None once closed and drained."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._items) or self._closed)
            if not self._items:
                return None
            item = self._items.popleft()
            if item[0] == "v":
                self.video_depth -= 1
                self._cond.notify_all()
            return item, self.video_depth

    def close(self) -> None:
        """No more pushes; `get` drains what is queued, then returns None."""
        with self._cond:
            self._open = False
            self._closed = True
            self._cond.notify_all()

    def fail(self) -> None:
        """The encoder died: drop what is queued and never make a pusher wait again."""
        with self._cond:
            self._failed = True
            self._items.clear()
            self.video_depth = 0
            self._cond.notify_all()

    def _require_open(self) -> None:
        if not self._open:
            raise RuntimeError("push after stop() or before start()")

    def _rebase(self, pts: float) -> float:
        if self._t0 is None:
            self._t0 = pts
        return pts - self._t0
