"""The window never widens itself, and every screen fits 1024×640 with nothing cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.window import STEPS, MainWindow

pytestmark = pytest.mark.gui

LONG = (
    "Your link is ready (0.6 s) — it is on the clipboard. The video is still being prepared "
    "and uploaded; until then the page says it is on its way."
)


def _labels_cut_off(window: MainWindow) -> list[str]:
    cut = []
    for label in window.pages.currentWidget().findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text():
            continue
        if label.wordWrap():
            too_small = label.heightForWidth(label.width()) > label.height() + 1
        else:
            too_small = label.sizeHint().width() > label.width() + 1
        if too_small:
            cut.append(label.text()[:60])
    return cut


def test_every_screen_fits_1024_by_640(window: MainWindow, qtbot: QtBot, sample_clip: Path):
    window.record.video_ready.emit(sample_clip, 4.0, False)
    qtbot.waitUntil(lambda: window.personalize.picker.tree.topLevelItemCount() > 0, timeout=10000)
    window.resize(1024, 640)
    for key, _label in STEPS:
        window.go(key)
        qtbot.wait(50)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 640, (key, hint)
        assert window.size().toTuple() == (1024, 640), key
        assert not _labels_cut_off(window), key


def test_content_columns_fit_and_titles_have_tooltips(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    window.record.video_ready.emit(sample_clip, 4.0, False)
    window.resize(1024, 640)
    window.go("personalize")
    assert window.personalize.isVisible()
    tree = window.personalize.picker.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 0, timeout=10000)
    qtbot.wait(50)
    header = tree.header()
    for col in range(1, tree.columnCount()):  # Approval code … Status: not cut off
        right = header.sectionViewportPosition(col) + header.sectionSize(col)
        assert right <= tree.viewport().width(), (tree.headerItem().text(col), right)
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            width = tree.fontMetrics().horizontalAdvance(item.text(col))
            assert width <= header.sectionSize(col), item.text(col)
    assert header.sectionSize(0) >= 120  # room for a title, elided beyond
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item.text(0) in item.toolTip(0)  # an elided title can be read in full


def test_a_long_status_line_wraps_instead_of_widening(window: MainWindow, qtbot: QtBot):
    window.resize(1024, 640)
    window.go("send")
    qtbot.wait(50)
    every_label = [
        window.send.result.headline, window.send.progress_label, window.send.error,
        window.record.status, window.record.mic_warning, window.personalize.problem,
        window.sent.status, window.settings_screen.target_status,
    ]  # fmt: skip
    for label in every_label:
        label.setText(LONG)
    window.send.result.setVisible(True)
    for key, _label in STEPS:
        window.go(key)
        qtbot.wait(50)
        assert window.width() == 1024, key
        assert window.minimumSizeHint().width() <= 1024, key
