"""Upload progress across all files of a share: bytes, rate and ETA for the ProgressFn.
The rate counts only bytes sent in this run, so a resumed upload does not look faster than
the network is."""

from __future__ import annotations

import threading
import time

from rep_video.progress import Progress, ProgressFn


class UploadMeter:
    def __init__(self, total: int, progress: ProgressFn) -> None:
        self.total = total
        self.done = 0
        self.sent = 0
        self.started = time.monotonic()
        self.progress = progress
        self._lock = threading.Lock()  # files sent at once (ShareUploads.send_many)

    def add(self, n: int, name: str = "", *, sent: bool = True) -> None:
        """`n` more bytes are on the far side; `sent=False` when they already were (resume)."""
        with self._lock:
            self.done += n
            if sent:
                self.sent += n
            self._report(name, 0)

    def in_flight(self, n: int, name: str) -> None:
        """`n` bytes of a chunk not yet confirmed have gone out: shown, not yet counted."""
        with self._lock:
            self._report(name, n)

    def _report(self, name: str, in_flight: int) -> None:
        done = min(self.done + in_flight, self.total)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = (self.sent + in_flight) / elapsed if self.sent + in_flight else None
        self.progress(
            Progress(
                stage="upload",
                fraction=done / self.total if self.total else 1.0,
                message=name,
                bytes_done=done,
                bytes_total=self.total,
                rate=rate,
                eta_seconds=max(self.total - done, 0) / rate if rate else None,
            )
        )
