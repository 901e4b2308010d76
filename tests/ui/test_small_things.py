"""The smaller things a rep trips over: the teleprompter's placeholders and its box that is
never empty, speed in words, a preview that keeps its width, template fields filled in when
the names come later, and send progress in the rep's words."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from rep_video.progress import Progress
from ui.preview import PreviewWidget
from ui.prompter_panel import DEFAULT_SCRIPT, SPEEDS
from ui.send_progress import progress_text
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def test_teleprompter_says_what_goes_there_before_the_names_are_known(window: MainWindow):
    record = window.record
    record.prompter.enabled_box.setChecked(True)
    text = record.preview.prompter_text
    assert "Dr. Lee" not in text and "[recipient's name]" in text
    window.personalize.name.setText("Dr. Ada Park")
    window.personalize.from_name.setText("Sam Rep")
    assert record.preview.prompter_text.startswith("Hi Dr. Ada Park, it's Sam Rep.")


def _text_in_band(preview: PreviewWidget) -> int:
    image = preview.grab().toImage()
    band_top, band_bottom = 12 + 10, 12 + max(90, int(preview.height() * 0.32)) - 10
    left, right = int(preview.width() * 0.15), int(preview.width() * 0.85)
    white = 0
    for y in range(band_top, band_bottom, 2):
        for x in range(left, right, 3):
            if QColor(image.pixel(x, y)).lightness() > 200:
                white += 1
    return white


def test_the_teleprompter_box_is_never_empty(qtbot: QtBot) -> None:
    preview = PreviewWidget()
    qtbot.addWidget(preview)
    preview.resize(640, 360)
    preview.prompter_on = True
    preview.prompter_text = DEFAULT_SCRIPT
    preview.show()
    qtbot.wait(50)
    preview.grab()  # lays the text out once: its height is known from here on
    cycle = preview._prompter_height + 200
    offset = 0.0
    while offset < cycle * 1.5:  # through the end of the script and round again
        preview._prompter_offset = offset
        assert _text_in_band(preview) > 20, offset
        offset += 9.0


def test_speed_is_said_in_words(window: MainWindow) -> None:
    prompter = window.record.prompter
    assert prompter.speed_label.text() == "Normal"
    seen = []
    for value in range(prompter.speed.minimum(), prompter.speed.maximum() + 1):
        prompter.speed.setValue(value)
        seen.append(prompter.speed_label.text())
        assert "px" not in prompter.speed_label.text()
    assert seen == [word for word, _ in SPEEDS]


@pytest.mark.parametrize("size", [(1024, 640), (1440, 900)])
def test_the_preview_keeps_its_width(window: MainWindow, qtbot: QtBot, size) -> None:
    window.resize(*size)
    record = window.record
    qtbot.waitUntil(record.preview.has_frame, timeout=5000)
    qtbot.wait(50)
    idle = record.preview.width()
    record.start_countdown(3)
    qtbot.wait(50)
    countdown = record.preview.width()
    record.toggle_recording()  # cancel the countdown
    record.start_countdown(0)
    qtbot.wait(300)
    recording = record.preview.width()
    record.stop_recording()
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=30000)
    assert idle == countdown == recording


def test_template_fields_follow_names_typed_later(window: MainWindow, qtbot: QtBot) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: p.template.count() > 1, timeout=10000)  # the catalog's templates
    p.from_name.setText("")
    p.template.setCurrentIndex(1)
    p.template.activated.emit(1)
    assert "{rep_name}" in p.message.toPlainText()
    p.from_name.setText("Sam Rep")
    p.name.setText("Dr. Later")
    message = p.message.toPlainText()
    assert "{rep_name}" not in message and "Sam Rep" in message and "Dear Dr. Later," in message
    assert window.drafts.draft.message == message
    p.message.setPlainText(message + "\nP.S. my own words")  # the rep's from now on
    p.name.setText("Dr. Other")
    assert p.message.toPlainText().endswith("P.S. my own words")
    assert "Dr. Later" in p.message.toPlainText()


def test_progress_in_the_reps_words(window: MainWindow) -> None:
    upload = Progress("upload", 0.7, "Uploading", bytes_done=12_000_000,
                      bytes_total=20_000_000, rate=1.5e6, eta_seconds=8.0)  # fmt: skip
    assert progress_text(upload) == "Uploading 12 MB of 20 · 1.5 MB/s · 0:08 left"
    for stage, message in (("trim", "re-encoding 8.00 s at the cuts"),
                           ("finalize", "finalize"), ("preview", "preview")):  # fmt: skip
        text = progress_text(Progress(stage, 0.2, message, eta_seconds=4.0))
        assert text == "Preparing video · 0:04 left"
    send = window.send
    send._on_progress(Progress("finalize", 0.3, "finalize"))
    assert send.progress_label.text() == "Preparing video"
