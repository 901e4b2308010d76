"""Pause / Resume and Re-take on the Record screen, with their shortcuts, and what they do to
the teleprompter: it stands still while paused and, after a re-take, scrolls back to where
the dropped segment began. A re-take counts down 3-2-1 before recording goes on, so the rep
can take a breath; the core has already dropped the segment (segments.py)."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ui.capture import CaptureHub
from ui.countdown import Countdown
from ui.i18n import translate
from ui.preview import PreviewWidget
from ui.time_text import fmt_time

PAUSE_KEY = "Ctrl+P"
RETAKE_KEY = "Ctrl+Z"
RETAKE_COUNTDOWN = 3


class PrompterTrack:
    """Where the teleprompter was at each recorded time, to scroll back after a re-take."""

    def __init__(self) -> None:
        self._times: list[float] = []
        self._offsets: list[float] = []

    def clear(self) -> None:
        self._times, self._offsets = [], []

    def note(self, recorded: float, offset: float) -> None:
        while self._times and self._times[-1] > recorded:  # the timeline was cut back
            self._times.pop()
            self._offsets.pop()
        self._times.append(recorded)
        self._offsets.append(offset)

    def offset_at(self, recorded: float) -> float:
        i = bisect.bisect_right(self._times, recorded) - 1
        return self._offsets[i] if i >= 0 else 0.0


class TakeControls(QWidget):
    """Shown while recording. `status` carries a one-line note for the screen."""

    status = Signal(str)

    def __init__(self, hub: CaptureHub, preview: PreviewWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub, self.preview = hub, preview
        self.track = PrompterTrack()
        self.pause_button = QPushButton(translate("take_controls", "Pause"))
        self.pause_button.setAccessibleName(translate("take_controls", "Pause recording"))
        self.pause_button.setToolTip(
            translate("take_controls", "Pause or resume ({pause_key})").format(pause_key=PAUSE_KEY)
        )
        self.retake_button = QPushButton(translate("take_controls", "Re-take last sentence"))
        self.retake_button.setAccessibleName(
            translate("take_controls", "Re-take from the last pause or sentence")
        )
        self.retake_button.setToolTip(
            translate(
                "take_controls",
                "Drop what was recorded since the last pause or sentence and record it again "
                "({retake_key})",
            ).format(retake_key=RETAKE_KEY)
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.pause_button)
        row.addWidget(self.retake_button)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.retake_button.clicked.connect(self.retake)
        for key, slot in ((PAUSE_KEY, self.toggle_pause), (RETAKE_KEY, self.retake)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._if_active(slot))
        self.paused = False
        self._retakes_seen = 0
        self._countdown = Countdown(preview, self)
        self._countdown.finished.connect(self._record_again)
        self._waiting_cut = QTimer(self)
        self._waiting_cut.setInterval(50)
        self._waiting_cut.timeout.connect(self._check_cut)
        self.setEnabled(False)
        self.hide()  # in the place of Import while recording (the row fits 1024 px)

    def _if_active(self, slot: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.isEnabled() and self.isVisible():
                slot()

        return run

    # -- lifecycle (the screen calls these) ------------------------------------------------
    def started(self) -> None:
        self.track.clear()
        self.paused = False
        self._retakes_seen = 0
        self._set_paused(False)
        self.setEnabled(True)
        self.show()

    def stopped(self) -> None:
        self._countdown.cancel()
        self._waiting_cut.stop()
        self.setEnabled(False)
        self.hide()
        self._set_paused(False)

    def tick(self, recorded: float) -> None:
        if not self.paused:
            self.track.note(recorded, self.preview.prompter_offset())

    # -- actions ---------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        if not self.hub.recording or self._countdown.is_active() or self._waiting_cut.isActive():
            return
        if self.paused:
            self.hub.resume()
            self.status.emit("")
        else:
            self.hub.pause()
            self.status.emit(
                translate("take_controls", "Paused at {fmt_time}. Resume when ready.").format(
                    fmt_time=fmt_time(self.hub.elapsed())
                )
            )
        self._set_paused(not self.paused)

    def retake(self) -> None:
        if not self.hub.recording or self._countdown.is_active() or self._waiting_cut.isActive():
            return
        self.hub.retake()
        self._set_paused(True)
        self._waiting_cut.start()

    def _check_cut(self) -> None:
        stats: Any = self.hub.recorder_stats()
        if stats is None:
            self._waiting_cut.stop()
            return
        if stats.retakes <= self._retakes_seen:
            return  # the encoder thread has not placed the cut yet
        self._waiting_cut.stop()
        self._retakes_seen = stats.retakes
        cut = stats.last_cut or 0.0
        self.preview.set_prompter_offset(self.track.offset_at(cut))
        self.track.note(cut, self.track.offset_at(cut))
        self.status.emit(
            translate(
                "take_controls",
                "Dropped the last {last_dropped:.1f} s; recording again from {cut} in "
                "{retake_countdown}…",
            ).format(
                last_dropped=stats.last_dropped,
                cut=fmt_time(cut),
                retake_countdown=RETAKE_COUNTDOWN,
            )
        )
        self._countdown.start(RETAKE_COUNTDOWN)

    def _record_again(self) -> None:
        self.hub.resume()
        self._set_paused(False)
        self.status.emit("")

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.preview.paused = paused
        self.preview.update()
        self.pause_button.setText(
            translate("take_controls", "Resume") if paused else translate("take_controls", "Pause")
        )
        self.pause_button.setAccessibleName(
            translate("take_controls", "Resume recording")
            if paused
            else translate("take_controls", "Pause recording")
        )
