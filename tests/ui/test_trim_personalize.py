"""Review & trim keyboard control, and the approved-content picker."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import AdminFile
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def test_trim_shortcuts(window: MainWindow, qtbot: QtBot, sample_clip: Path) -> None:
    window.record.video_ready.emit(sample_clip, 4.0, False)
    trim = window.trim
    assert window.current() == "trim"
    trim.setFocus()
    for _ in range(3):
        qtbot.keyClick(trim, Qt.Key.Key_Right)
    assert trim.position == pytest.approx(3 / 30, abs=1e-6)
    qtbot.keyClick(trim, Qt.Key.Key_I)
    assert window.drafts.draft.trim_in == pytest.approx(0.1, abs=1e-3)
    qtbot.keyClick(trim, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(trim, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(trim, Qt.Key.Key_Left)
    assert trim.position == pytest.approx(2.1 - 1 / 30, abs=1e-6)
    qtbot.keyClick(trim, Qt.Key.Key_O)
    draft = window.drafts.draft
    assert draft.trim_out == pytest.approx(2.067, abs=1e-3)
    assert draft.trimmed
    assert "Length 0:02.0" in trim.range_label.text() or "Length 0:01.9" in trim.range_label.text()
    qtbot.keyClick(trim, Qt.Key.Key_Space)  # play from the in point
    qtbot.waitUntil(
        lambda: trim.play_button.accessibleName() == "Pause" or trim.position > 0.1, timeout=5000
    )
    qtbot.keyClick(trim, Qt.Key.Key_Space)
    # An out point before the in point is refused: the in point keeps a minimum length.
    trim.seek(0.0)
    qtbot.keyClick(trim, Qt.Key.Key_O)
    draft = window.drafts.draft
    assert draft.trim_out - draft.trim_in >= 0.5 - 1e-6


def test_expired_content_is_visible_but_disabled(window: MainWindow, qtbot: QtBot) -> None:
    picker = window.personalize.picker
    qtbot.waitUntil(lambda: picker.row_for("congress-poster-2024") is not None, timeout=10000)
    expired = picker.row_for("congress-poster-2024")
    assert expired is not None and not expired.isHidden()
    assert not expired.flags() & Qt.ItemFlag.ItemIsUserCheckable  # listed, never tickable
    assert expired.text(3) == "Expired" and expired.text(2) == "2025-06-30"
    assert "expired on 2025-06-30" in expired.toolTip(0)
    assert not picker.set_checked("congress-poster-2024", True)
    ok = picker.row_for("onc-dosing-guide")
    assert ok is not None and ok.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert ok.text(1) == "PP-ONC-US-0123" and ok.text(2) == "2030-12-31"
    picker.tree.setCurrentItem(ok)
    assert "version 3.0" in picker.detail.text() and "version 3.0" in ok.toolTip(0)
    assert picker.set_checked("onc-dosing-guide", True)
    assert window.drafts.draft.attachment_ids == ("onc-dosing-guide",)
    picker.search.setText("PP-PSP")
    assert picker.row_for("onc-dosing-guide").isHidden()  # type: ignore[union-attr]
    assert not picker.row_for("patient-support").isHidden()  # type: ignore[union-attr]


def test_message_template_fills_fields(window: MainWindow, qtbot: QtBot) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: p.template.count() > 1, timeout=10000)  # the catalog's templates
    p.name.setText("Dr. Ada Park")
    p.template.setCurrentIndex(1)
    p.template.activated.emit(1)
    assert "Dear Dr. Ada Park," in p.message.toPlainText()
    assert window.drafts.draft.recipient.name == "Dr. Ada Park"
    assert window.drafts.draft.message.startswith("Dear Dr. Ada Park,")
    # The teleprompter script takes the same fields.
    window.record.prompter.enabled_box.setChecked(True)
    assert window.record.preview.prompter_text.startswith("Hi Dr. Ada Park,")


def test_admin_locked_settings_are_disabled(qtbot: QtBot, admin_file: AdminFile) -> None:
    admin_file("[policy]\nmax_length_seconds = 90\n")
    from ui.main import make_app

    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    s = win.settings_screen
    assert s.max_length.value() == 90 and not s.max_length.isEnabled()
    assert "administrator" in s.max_length.toolTip()
    assert s.expiry.isEnabled()
    assert win.record.max_length == 90
    s.expiry.setValue(14)
    s.save()
    assert "saved" in s.save_status.text()
    assert win.services.settings().policy.default_expiry_days == 14
    win.close()
