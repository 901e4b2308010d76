"""Progress reporting and cancellation for long work, shared by the core, the CLI and the UI."""

from __future__ import annotations

import dataclasses
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


@dataclass(frozen=True, slots=True)
class Tracker:
    """Where long work reports its progress and how it learns it was cancelled, passed as
    one value so each step of a job forwards both (or a `part` of them) together."""

    report: ProgressFn = no_progress
    cancel: CancelToken | None = None

    def check(self) -> None:
        """Raise Cancelled if the work was cancelled (a safe point)."""
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()

    def part(self, start: float, end: float) -> Tracker:
        """This tracker for one step of a longer job: the step's fractions 0..1 are reported
        as start..end of the whole; the same cancel."""
        outer = self.report

        def report(p: Progress) -> None:
            f = None if p.fraction is None else start + (end - start) * p.fraction
            outer(dataclasses.replace(p, fraction=f))

        return Tracker(report, self.cancel)


UNTRACKED = Tracker()  # reports nowhere, never cancelled
