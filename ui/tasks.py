"""The one way the UI runs slow work (docs/ARCHITECTURE.md, rule 6).

A task is a plain function `fn(progress, cancel) -> value` that gets a snapshot of plain data
(never a widget). It runs on a worker; its progress and its outcome come back to the UI
thread as signals carrying value objects (`Progress`, `TaskOutcome`). Work that writes the
same file (the outbox, the recordings folder) goes to a one-thread pool so two tasks never
race on it. Unit tests swap in `SyncTaskRunner`, the same runner with every job run inline.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from rep_video.errors import Cancelled, TransientError, UserError
from rep_video.progress import CancelToken, Progress, ProgressFn

log = logging.getLogger(__name__)

TaskFn = Callable[[ProgressFn, CancelToken], Any]


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """How a task ended. Exactly one of: a value, a cancellation, or an error message
    (one line, fit to show in place)."""

    value: Any = None
    error: str | None = None
    cancelled: bool = False
    user_error: bool = False  # the error is a UserError the user can act on
    error_type: str = ""  # the exception's class name, for logs
    exception: BaseException | None = None  # typed errors: callers decide on isinstance

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


DoneFn = Callable[[TaskOutcome], None]
ProgressSlot = Callable[[Progress], None]


class TaskHandle:
    """What the caller keeps: a way to cancel, and whether the task is still running."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cancel_token = CancelToken()
        self.done = False

    def cancel(self) -> None:
        self.cancel_token.cancel()


def _outcome_of(fn: TaskFn, progress: ProgressFn, cancel: CancelToken) -> TaskOutcome:
    try:
        return TaskOutcome(value=fn(progress, cancel))
    except Cancelled:
        return TaskOutcome(cancelled=True)
    except UserError as exc:
        return TaskOutcome(
            error=exc.message, user_error=True, error_type=type(exc).__name__, exception=exc
        )
    except TransientError as exc:  # the network or the server: its own one line says it
        return TaskOutcome(error=str(exc), error_type=type(exc).__name__, exception=exc)
    except Exception as exc:  # a worker must never take the app down; say what broke
        log.error("task failed:\n%s", traceback.format_exc())
        return TaskOutcome(
            error=f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__, exception=exc
        )


class _Relay(QObject):
    """Carries every task's progress and outcome to the UI thread, tagged with the task's key.
    One per runner, made and destroyed on the UI thread: a QObject per task would be
    destroyed by whichever thread dropped its last reference, often the worker's, while the
    UI thread was delivering its queued signal (a crash now and then)."""

    progress = Signal(int, object)
    finished = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, fn: TaskFn, relay: _Relay, key: int, cancel: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay
        self._key = key
        self._cancel = cancel

    def run(self) -> None:
        outcome = _outcome_of(self._fn, self._report, self._cancel)
        try:
            self._relay.finished.emit(self._key, outcome)
        except RuntimeError:  # the window closed while this ran: nobody left to tell
            log.info("task finished after its receiver was deleted")

    def _report(self, progress: Progress) -> None:
        try:
            self._relay.progress.emit(self._key, progress)
        except RuntimeError:
            self._cancel.cancel()  # the receiver is gone: stop working for it


@dataclass(slots=True)
class _Live:
    handle: TaskHandle
    on_done: DoneFn | None
    on_progress: ProgressSlot | None


class TaskRunner(QObject):
    """Runs tasks on a shared pool, or on the one-thread `serial` pool for work that writes the
    same files. The relay is created in the UI thread, so progress and outcomes arrive there."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._serial = QThreadPool(self)
        self._serial.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._keys = itertools.count(1)
        self._live: dict[int, _Live] = {}

    def submit(
        self,
        name: str,
        fn: TaskFn,
        on_done: DoneFn | None = None,
        on_progress: ProgressSlot | None = None,
        *,
        serial: bool = False,
    ) -> TaskHandle:
        handle = TaskHandle(name)
        key = next(self._keys)
        self._live[key] = _Live(handle, on_done, on_progress)
        self._start(name, _Job(fn, self._relay, key, handle.cancel_token), serial)
        return handle

    def _on_progress(self, key: int, progress: Progress) -> None:
        live = self._live.get(key)
        if live is not None and live.on_progress is not None:
            live.on_progress(progress)

    def _on_finished(self, key: int, outcome: TaskOutcome) -> None:
        live = self._live.pop(key, None)
        if live is None:
            return
        live.handle.done = True
        if live.on_done is not None:
            live.on_done(outcome)

    def _start(self, name: str, job: _Job, serial: bool) -> None:
        (self._serial if serial else self._pool).start(job)

    def cancel_all(self) -> None:
        for live in list(self._live.values()):
            live.handle.cancel()

    def busy(self) -> bool:
        return bool(self._live)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Block until every task has finished (tests and shutdown only)."""
        a = self._pool.waitForDone(timeout_ms)
        b = self._serial.waitForDone(timeout_ms)
        return bool(a and b)


class SyncTaskRunner(TaskRunner):
    """The synchronous fake for unit tests: the same runner, but each job runs inline on the
    caller's thread, so its outcome is delivered before `submit` returns."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def _start(self, name: str, job: _Job, serial: bool) -> None:
        self.names.append(name)
        job.run()


# What screens and services hold: a TaskRunner, or in unit tests its inline SyncTaskRunner.
Runner = TaskRunner
