"""While the app runs, Python's cycle collector runs on the UI thread only: cycles made on a
worker thread (where a collection would destroy Qt objects on the wrong thread) are collected
by the UI thread's timer."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from ui.main import make_app
from ui.ui_thread_gc import UiThreadCollector, install


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _make_cycles(n: int) -> None:
    for _ in range(n):
        a, b = _Node(), _Node()
        a.other, b.other = b, a


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The thread each collection ran on."""
    seen: list[int] = []

    def callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(threading.get_ident())

    gc.callbacks.append(callback)
    yield seen
    gc.callbacks.remove(callback)


def test_cycles_made_on_a_worker_are_collected_on_the_ui_thread(
    qtbot: QtBot, collections: list[int]
) -> None:
    collector = install(make_app())
    assert not gc.isenabled()
    collections.clear()  # those while the app was made, before collection moved
    worker = threading.Thread(target=_make_cycles, args=(20 * gc.get_threshold()[0],))
    worker.start()
    worker.join()
    assert collections == []  # crossing the threshold on the worker collected nothing there
    qtbot.waitUntil(lambda: bool(collections), timeout=5000)
    assert set(collections) == {threading.get_ident()}
    assert gc.get_count()[0] <= gc.get_threshold()[0]
    collector.stop()
    assert gc.isenabled()


def test_installing_twice_keeps_one_collector(qtbot: QtBot) -> None:
    app = make_app()
    first, second = install(app), install(app)
    assert first is second
    assert len(app.findChildren(UiThreadCollector)) == 1
    first.stop()
    assert gc.isenabled()
