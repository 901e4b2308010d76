"""Settings: add a server target (token to the keychain, never the file), test it against a
real share server, remove it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rep_video import paths, secrets
from tests.conftest import AdminFile
from tests.support.server_process import ServerProcess
from ui.target_dialog import TargetDialog
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def test_add_test_remove_target(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = share_server.create_token("sam")

    def fill(dialog: TargetDialog) -> int:
        dialog.name.setText("acme")
        dialog.kind.setCurrentIndex(dialog.kind.findData("server"))
        dialog.location.setText(share_server.url)
        dialog.secret.setText(token)
        dialog.default.setChecked(True)
        return int(TargetDialog.DialogCode.Accepted)

    monkeypatch.setattr(TargetDialog, "exec", fill)
    s = window.settings_screen
    s.add_target()
    assert "Added acme" in s.target_status.text()
    assert secrets.get_secret("acme", "api_token") == token
    assert token not in Path(paths.user_config_file()).read_text()
    item = s.targets.topLevelItem(0)
    assert item.text(0) == "acme (default)" and item.text(2) == share_server.url
    assert window.send.target_box.currentData() == "acme"

    item.setSelected(True)
    s.test_target()
    qtbot.waitUntil(lambda: not s.target_status.text().startswith("Testing"), timeout=60000)
    assert s.target_status.text().startswith("acme:"), s.target_status.text()
    assert "failed" not in s.target_status.text()

    s.targets.topLevelItem(0).setSelected(True)
    s.remove_target()
    assert s.targets.topLevelItemCount() == 0
    assert window.send.target_box.currentData() == "this-computer"


def test_locked_admin_target_cannot_be_removed(window: MainWindow, admin_file: AdminFile) -> None:
    admin_file('[targets.corp]\nkind = "server"\nurl = "https://share.example.com"\n')
    s = window.settings_screen
    s.load()
    item = s.targets.topLevelItem(0)
    assert item.text(3) == "Set by your administrator"
    item.setSelected(True)
    s.remove_target()
    assert "administrator" in s.target_status.text()
    assert s.targets.topLevelItemCount() == 1
    assert item.data(0, Qt.ItemDataRole.UserRole) == "corp"


def test_upload_while_recording_switch(window: MainWindow, admin_file: AdminFile) -> None:
    """The switch shows the setting, saving it turns streaming off for the next take, and an
    administrator's lock greys it out."""
    from rep_video import config

    s = window.settings_screen
    s.load()
    assert s.live_upload.isChecked()  # on by default
    s.live_upload.setChecked(False)
    s.save()
    assert config.load_settings().values["send.upload_while_recording"] is False
    s.load()
    assert not s.live_upload.isChecked()
    admin_file("[send]\nupload_while_recording = true\n")
    s.load()
    assert not s.live_upload.isEnabled()
    assert s.live_upload.isChecked()
