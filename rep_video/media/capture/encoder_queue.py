"""The hand-off between capture threads and the recorder's encoder thread: one FIFO for video
frames, audio blocks, camera frames for the bubble and control commands (pause, resume,
re-take, bubble layout), so the encoder sees them in arrival order. Bounded by the number of
video frames it holds; audio and commands are small and never wait; a bubble frame that finds
its own (small) quota full is skipped rather than waited for, since the bubble only ever shows
the latest one.

Timestamps are rebased here, under the same lock that orders the items: the first pts pushed,
of either kind, becomes 0."""

from __future__ import annotations

import collections
import threading
from typing import Any, Literal

Kind = Literal["v", "a", "o", "c"]
Item = tuple[Kind, Any, float]


class CaptureQueue:
    def __init__(self, capacity: int, max_block: float, overlay_capacity: int = 4) -> None:
        self.capacity = capacity  # video frames
        self.overlay_capacity = overlay_capacity
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
        self.overlay_depth = 0
        self.overlay_skipped = 0

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
        self._put_small("a", samples, pts)

    def put_control(self, command: Any, at: float) -> None:
        self._put_small("c", command, at)

    def put_overlay(self, frame: Any, pts: float) -> bool:
        """Queue a bubble frame unless the quota is full (then False, counted)."""
        with self._cond:
            self._require_open()
            if self._failed or self.overlay_depth >= self.overlay_capacity:
                self.overlay_skipped += 1
                return False
            self._items.append(("o", frame, self._rebase(pts)))
            self.overlay_depth += 1
            self._cond.notify_all()
        return True

    def _put_small(self, kind: Kind, data: Any, pts: float) -> None:
        with self._cond:
            self._require_open()
            if not self._failed:
                self._items.append((kind, data, self._rebase(pts)))
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
            elif item[0] == "o":
                self.overlay_depth -= 1
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
            self.video_depth = self.overlay_depth = 0
            self._cond.notify_all()

    def _require_open(self) -> None:
        if not self._open:
            raise RuntimeError("push after stop() or before start()")

    def rebase(self, pts: float) -> float:
        """`pts` on the queue's clock (0 = the first pushed timestamp), for callers that
        compare a capture time with what they pushed."""
        with self._cond:
            return pts if self._t0 is None else pts - self._t0

    def _rebase(self, pts: float) -> float:
        if self._t0 is None:
            self._t0 = pts
        return pts - self._t0
