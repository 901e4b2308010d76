"""Upload progress across all files of a share: bytes, rate and ETA for the ProgressFn.
The rate counts only bytes sent in this run, so a resumed upload does not look faster than
the network is."""

from __future__ import annotations

import time

from rep_video.progress import Progress, ProgressFn


class UploadMeter:
    def __init__(self, total: int, progress: ProgressFn) -> None:
        self.total = total
        self.done = 0
        self.sent = 0
        self.started = time.monotonic()
        self.progress = progress

    def add(self, n: int, name: str = "", *, sent: bool = True) -> None:
        """`n` more bytes are on the far side; `sent=False` when they already were (resume)."""
        self.done += n
        if sent:
            self.sent += n
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.sent / elapsed if self.sent else None
        self.progress(
            Progress(
                stage="upload",
                fraction=min(self.done / self.total, 1.0) if self.total else 1.0,
                message=name,
                bytes_done=self.done,
                bytes_total=self.total,
                rate=rate,
                eta_seconds=max(self.total - self.done, 0) / rate if rate else None,
            )
        )
