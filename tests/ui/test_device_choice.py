"""The camera and microphone choices live in one place, config.toml (what Settings shows),
under the admin's locks: the Record screen reads and writes them there, and a choice older
versions kept in ui.ini moves there once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from rep_video.config import load_settings
from tests.conftest import AdminFile
from ui.main import make_app
from ui.state import ui_settings
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
        if not shiboken6.isValid(win):
            continue  # deleted since
        win.close()
        win.runner.wait_idle(30000)


def test_a_ui_ini_choice_moves_to_the_settings_once(launch: Callable[[], MainWindow]) -> None:
    ini = ui_settings()
    ini.setValue("devices/microphone", "Silent microphone (demo)")
    ini.sync()
    win = launch()
    assert win.record.mic_box.currentText() == "Silent microphone (demo)"
    assert load_settings().microphone == "Silent microphone (demo)"
    assert ui_settings().value("devices/microphone") is None  # moved, not copied
    win.settings_screen.load()
    assert win.settings_screen.microphone.currentData() == "Silent microphone (demo)"


def test_what_the_rep_picks_on_record_is_the_setting(launch: Callable[[], MainWindow]) -> None:
    win = launch()
    box = win.record.mic_box
    box.setCurrentIndex(box.findText("Tone (demo)"))
    box.activated.emit(box.currentIndex())  # what a click on the list sends
    assert load_settings().microphone == "Tone (demo)"
    second = launch()  # the next launch opens it
    assert second.record.mic_box.currentText() == "Tone (demo)"


def test_an_admin_lock_wins_over_ui_ini_and_the_picker(
    launch: Callable[[], MainWindow], admin_file: AdminFile
) -> None:
    admin_file('[devices]\nmicrophone = "Tone (demo)"\n')
    ini = ui_settings()
    ini.setValue("devices/microphone", "Silent microphone (demo)")
    ini.sync()
    win = launch()
    box = win.record.mic_box
    assert box.currentText() == "Tone (demo)" and not box.isEnabled()
    assert "administrator" in box.toolTip()
    box.setCurrentIndex(box.findText("Silent microphone (demo)"))
    box.activated.emit(box.currentIndex())
    assert load_settings().microphone == "Tone (demo)"  # nothing written over the lock
