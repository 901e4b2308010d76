"""UI test fixtures: the themed QApplication, the main window with the synthetic devices, and
the real share server process (tests/support/server_process.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.server_process import share_server  # noqa: F401 (a fixture)
from ui.main import make_app
from ui.share_result import release_clipboard
from ui.tasks import TaskRunner
from ui.ui_thread_gc import UiThreadCollector
from ui.window import MainWindow


@pytest.fixture(autouse=True)
def _clipboard_released() -> Iterator[None]:
    """pytest-qt's QApplication never quits, so do what aboutToQuit does in the app."""
    yield
    release_clipboard()


@pytest.fixture(autouse=True)
def _python_collects_again() -> Iterator[None]:
    """The app collects cycles on the UI thread only (ui/ui_thread_gc.py); tests that are not
    the app get Python's own collection back."""
    yield
    app = QApplication.instance()
    collector = app.findChild(UiThreadCollector) if app is not None else None
    if isinstance(collector, UiThreadCollector):
        collector.stop()


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The app as `rep-video --demo-devices` starts it, with real worker threads."""
    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    win.show()
    win.start()
    yield win
    win.close()
    assert isinstance(win.runner, TaskRunner)
    win.runner.wait_idle(30000)


@pytest.fixture(autouse=True)
def _short_revoke_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A confirmed revoke waits 8 s for an undo in the app; flows that revoke need not wait.
    tests/ui/test_revoke_undo.py sets the grace it exercises."""
    from ui import revoke_grace

    monkeypatch.setattr(revoke_grace, "GRACE_MS", 50)
