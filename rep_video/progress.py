"""Progress reporting and cancellation for long work, shared by the core, the CLI and the UI."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from rep_video.errors import Cancelled


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress report. `fraction` is 0..1 or None when the total is unknown."""

    stage: str
    fraction: float | None = None
    message: str = ""
    bytes_done: int | None = None
    bytes_total: int | None = None
    rate: float | None = None  # units per second (bytes/s for uploads, x realtime for media)
    eta_seconds: float | None = None


ProgressFn = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A ProgressFn that ignores reports."""


class CancelToken:
    """Thread-safe cancellation flag handed to long work. Work checks it at safe points."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds; True if cancelled meanwhile."""
        return self._event.wait(timeout)
