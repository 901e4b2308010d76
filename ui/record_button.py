"""The Record screen's one big button: Start recording → Cancel countdown → Stop recording →
Saving…, always as wide as its longest label so the row (and the preview) never shifts."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.theme import icon

START = QT_TRANSLATE_NOOP("record_button", "  Start recording")
COUNTDOWN = QT_TRANSLATE_NOOP("record_button", "  Cancel countdown")
STOP = QT_TRANSLATE_NOOP("record_button", "  Stop recording")
SAVING = QT_TRANSLATE_NOOP("record_button", "  Saving…")


class RecordButton(QPushButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(icon("rec", "#ffffff"), translate("record_button", START), parent)
        self.setProperty("primary", True)
        self.setAccessibleName(translate("record_button", "Start recording"))
        self.setMinimumHeight(40)
        widest = max(
            self.fontMetrics().horizontalAdvance(translate("record_button", t))
            for t in (START, COUNTDOWN, STOP)
        )
        self.setMinimumWidth(widest + 64)

    def show_countdown(self) -> None:
        self.setText(translate("record_button", COUNTDOWN))
        self.setAccessibleName(translate("record_button", "Cancel countdown"))

    def show_saving(self) -> None:
        self.setEnabled(False)
        self.setText(translate("record_button", SAVING))

    def show_recording(self, recording: bool, enabled: bool) -> None:
        self.setEnabled(enabled)
        self.setIcon(icon("stop" if recording else "rec", "#ffffff"))
        self.setText(translate("record_button", STOP if recording else START))
        self.setAccessibleName(
            translate("record_button", "Stop recording")
            if recording
            else translate("record_button", "Start recording")
        )
        self.setProperty("danger", recording)
        self.style().polish(self)
