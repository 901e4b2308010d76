"""The Record screen's one big button: Start recording → Cancel countdown → Stop recording →
Saving…, always as wide as its longest label so the row (and the preview) never shifts."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from ui.theme import icon

START = "  Start recording"
COUNTDOWN = "  Cancel countdown"
STOP = "  Stop recording"
SAVING = "  Saving…"


class RecordButton(QPushButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(icon("rec", "#ffffff"), START, parent)
        self.setProperty("primary", True)
        self.setAccessibleName("Start recording")
        self.setMinimumHeight(40)
        widest = max(self.fontMetrics().horizontalAdvance(t) for t in (START, COUNTDOWN, STOP))
        self.setMinimumWidth(widest + 64)

    def show_countdown(self) -> None:
        self.setText(COUNTDOWN)
        self.setAccessibleName("Cancel countdown")

    def show_saving(self) -> None:
        self.setEnabled(False)
        self.setText(SAVING)

    def show_recording(self, recording: bool, enabled: bool) -> None:
        self.setEnabled(enabled)
        self.setIcon(icon("stop" if recording else "rec", "#ffffff"))
        self.setText(STOP if recording else START)
        self.setAccessibleName("Stop recording" if recording else "Start recording")
        self.setProperty("danger", recording)
        self.style().polish(self)
