"""The background-task helper: values, errors, cancellation and progress come back to the UI
thread as signals; the synchronous fake keeps the same contract."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from rep_video.errors import UserError
from rep_video.progress import CancelToken, Progress, ProgressFn
from ui.tasks import SyncTaskRunner, TaskOutcome, TaskRunner

pytestmark = pytest.mark.gui


def _collect(qtbot: QtBot, runner: TaskRunner, fn, serial: bool = False):  # type: ignore[no-untyped-def]
    outcomes: list[TaskOutcome] = []
    progress: list[Progress] = []
    threads: list[str] = []

    def done(o: TaskOutcome) -> None:
        threads.append(threading.current_thread().name)
        outcomes.append(o)

    handle = runner.submit("t", fn, done, progress.append, serial=serial)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=10000)
    return handle, outcomes[0], progress, threads


def test_value_and_progress_arrive_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    worker: list[str] = []

    def work(progress: ProgressFn, _c: CancelToken) -> int:
        worker.append(threading.current_thread().name)
        progress(Progress("step", 0.5))
        return 42

    handle, outcome, progress, threads = _collect(qtbot, runner, work)
    assert outcome.ok and outcome.value == 42
    assert [p.fraction for p in progress] == [0.5]
    assert threads == [threading.main_thread().name]
    assert worker and worker[0] != threading.main_thread().name
    assert handle.done


def test_user_error_and_crash_become_messages(qtbot: QtBot) -> None:
    runner = TaskRunner()

    def bad(_p: ProgressFn, _c: CancelToken) -> None:
        raise UserError("the file is gone; pick another one.")

    def crash(_p: ProgressFn, _c: CancelToken) -> None:
        raise ValueError("boom")

    _, outcome, _, _ = _collect(qtbot, runner, bad)
    assert not outcome.ok and outcome.user_error
    assert outcome.error == "the file is gone; pick another one."
    _, outcome, _, _ = _collect(qtbot, runner, crash)
    assert outcome.error == "ValueError: boom" and not outcome.user_error


def test_cancel_reaches_the_task(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()

    def slow(_p: ProgressFn, cancel: CancelToken) -> None:
        started.set()
        while not cancel.wait(0.01):
            pass
        cancel.raise_if_cancelled()

    outcomes: list[TaskOutcome] = []
    handle = runner.submit("slow", slow, outcomes.append)
    assert started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    assert outcomes[0].cancelled and not outcomes[0].ok


def test_serial_pool_runs_one_at_a_time(qtbot: QtBot) -> None:
    runner = TaskRunner()
    active, peak, lock = [0], [0], threading.Lock()

    def job(_p: ProgressFn, _c: CancelToken) -> None:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.05)
        with lock:
            active[0] -= 1

    outcomes: list[TaskOutcome] = []
    for _ in range(4):
        runner.submit("job", job, outcomes.append, serial=True)
    qtbot.waitUntil(lambda: len(outcomes) == 4, timeout=10000)
    assert peak[0] == 1


def test_sync_fake_keeps_the_contract() -> None:
    runner = SyncTaskRunner()
    seen: list[TaskOutcome] = []
    runner.submit("a", lambda p, c: 7, seen.append)
    runner.submit("b", lambda p, c: (_ for _ in ()).throw(UserError("nope; fix it")), seen.append)
    assert seen[0].value == 7
    assert seen[1].error == "nope; fix it"
    assert runner.names == ["a", "b"]
