"""The 3-2-1 drawn over the camera preview before a take starts and before a retake records
again: one step a second, then `finished`. Both places count the same way, so one class."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ui.preview import PreviewWidget


class Countdown(QObject):
    finished = Signal()

    def __init__(self, preview: PreviewWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._step)

    def start(self, seconds: int) -> None:
        """Show `seconds` now and count down from it; zero or less finishes at once."""
        self._show(seconds)
        if seconds <= 0:
            self._finish()
        else:
            self._timer.start()

    def cancel(self) -> None:
        """Stop counting and take the number off the preview; `finished` is not sent."""
        self._timer.stop()
        self._show(None)

    def is_active(self) -> bool:
        return self._timer.isActive()

    def _show(self, seconds: int | None) -> None:
        if seconds is not None:
            self._left = seconds
        self.preview.countdown = seconds
        self.preview.update()

    def _step(self) -> None:
        if self._left - 1 > 0:
            self._show(self._left - 1)
            return
        self._finish()

    def _finish(self) -> None:
        self._timer.stop()
        self._show(None)
        self.finished.emit()
