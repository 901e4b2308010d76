"""A send that fails is never a dead end: the reason is in view with a guided fix for a missing
keychain, and Retry, Open Settings, Delete and Save the video elsewhere — on Send, and in Sent
after the app is restarted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from rep_video.media.probe import probe
from tests.conftest import MemoryKeyring
from tests.ui.test_send_flow import _finished, _import_and_personalize, _personalize
from ui import confirm
from ui.keychain_help import keychain_steps
from ui.main import make_app
from ui.tasks import TaskRunner
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def launch(qtbot: QtBot) -> Iterator[object]:
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
        if not shiboken6.isValid(win):
            continue  # closed by the test and deleted since
        win.close()
        assert isinstance(win.runner, TaskRunner)
        win.runner.wait_idle(30000)


def test_no_keychain_failure_offers_the_way_forward_and_survives_restart(
    launch, qtbot: QtBot, sample_clip: Path, memory_keyring: MemoryKeyring,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    keyring.set_keyring(fail.Keyring())  # no usable system keychain on this computer
    window = launch()
    # The draft is trimmed, so the saved copy is the cut the physician would have seen.
    window.record.import_file(sample_clip)
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=10000)
    window.trim.seek(1.0)
    window.trim.set_in()
    window.trim.next_button.click()
    _personalize(window, qtbot, "Dr. No Keychain", None)
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=120000)
    panel = send.failure
    assert not send.result.isVisible(), send.result.link
    assert panel.isVisible(), send.progress_label.text()
    assert panel.isVisible() and "keychain" in panel.reason.text()
    assert panel.guide.isVisible() and panel.guide.text() == keychain_steps()
    for button in (panel.retry_button, panel.settings_button, panel.delete_button,
                   panel.save_button):  # fmt: skip
        assert button.isVisible() and button.isEnabled(), button.text()
    assert not send.send_button.isEnabled()  # Retry or Delete it, not a second entry

    copy = tmp_path / "for-dr-no-keychain.mp4"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(copy), ""))
    panel.save_button.click()
    qtbot.waitUntil(lambda: "Saved the video" in send.progress_label.text(), timeout=60000)
    assert probe(copy).duration == pytest.approx(3.0, abs=0.15)

    panel.settings_button.click()
    assert window.current() == "settings"
    window.close()

    window = launch()  # the next morning: the failure is still there, still explained
    window.go("sent")
    sent = window.sent
    qtbot.waitUntil(lambda: not sent.busy() and bool(sent.rows), timeout=20000)
    row = sent.rows[0]
    assert row.state == "failed" and row.keychain_missing
    assert sent.failure.isVisible() and "keychain" in sent.failure.reason.text()
    assert sent.failure.guide.isVisible()
    assert sent.tree.topLevelItem(0).text(2) == "Failed"
    # The Sent screen's panel saves the same way (failed_sends.save_video serves both).
    again = tmp_path / "from-sent.mp4"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(again), ""))
    sent.failure.save_button.click()
    qtbot.waitUntil(lambda: "Saved the video" in sent.status.text(), timeout=60000)
    assert probe(again).duration == pytest.approx(3.0, abs=0.15)

    keyring.set_keyring(memory_keyring)  # the rep installed and unlocked a keychain
    sent.failure.retry_button.click()
    qtbot.waitUntil(lambda: not sent.busy() and sent.rows[0].state == "live", timeout=120000)
    assert not sent.failure.isVisible()


def test_delete_forgets_a_failed_send_but_keeps_the_recording(
    launch, qtbot: QtBot, sample_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    window = launch()
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Delete")
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=120000)
    [entry] = window.services.outbox.list()
    assert entry.state == "failed" and entry.package.is_dir()

    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _w, title, _t, _a: asked.append(title) or True)
    send.failure.delete_button.click()
    qtbot.waitUntil(lambda: not send.failure.isVisible(), timeout=20000)
    assert asked == ["Delete this send"]
    assert window.services.outbox.list() == []
    assert not entry.package.exists()
    assert sample_clip.is_file()  # the rep's video is never touched
    assert send.send_button.isEnabled()  # nothing left of it: the draft may be sent again
