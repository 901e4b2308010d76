"""A restart keeps the work: the take, its trim, the recipient, the message and the
attachments come back at launch; a draft that was sent does not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.main import make_app
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def launch(qtbot: QtBot) -> Iterator[Callable[[], MainWindow]]:
    opened: list[MainWindow] = []

    def open_window() -> MainWindow:
        make_app()
        win = MainWindow(demo_devices=True)
        qtbot.addWidget(win)
        win.show()
        win.start()
        opened.append(win)
        return win

    yield open_window
    for win in opened:
        if shiboken6.isValid(win) and win.isVisible():
            win.close()
            assert isinstance(win.runner, TaskRunner)
            win.runner.wait_idle(30000)


def test_restart_restores_the_draft(
    launch: Callable[[], MainWindow], qtbot: QtBot, sample_clip: Path
) -> None:
    window = launch()
    window.record.video_ready.emit(sample_clip, 4.0, False)
    window.trim.seek(0.8)
    window.trim.set_in()
    window.trim.seek(3.2)
    window.trim.set_out()
    p = window.personalize
    p.name.setText("Dr. Restart")
    p.email.setText("restart@example.org")
    p.message.setPlainText("Here is what we discussed.")
    qtbot.waitUntil(lambda: p.picker.row_for("onc-dosing-guide") is not None, timeout=10000)
    assert p.picker.set_checked("onc-dosing-guide", True)
    before = window.drafts.draft
    window.close()

    window = launch()  # the app was quit (or crashed after the last change)
    d = window.drafts.draft
    assert d == before
    assert window.nav.item(1).flags() & Qt.ItemFlag.ItemIsEnabled  # Review & trim
    assert "Dr. Restart" in window.record.status.text()
    p = window.personalize
    assert p.name.text() == "Dr. Restart" and p.email.text() == "restart@example.org"
    assert p.message.toPlainText() == "Here is what we discussed."
    qtbot.waitUntil(lambda: p.picker.selected_ids() == ("onc-dosing-guide",), timeout=10000)
    assert window.trim.timeline.in_point == pytest.approx(0.8)
    assert window.trim.timeline.out_point == pytest.approx(3.2)
    assert "In 0:00.8" in window.trim.range_label.text()
    assert window.drafts.draft == before

    window.send.sent.emit()  # as after a successful send
    window.close()
    window = launch()
    assert window.drafts.draft.video is None  # a sent draft does not come back
