"""A lane under the trim timeline with one band per caption cue, on the same scale: click a
band to pick the cue (and jump there), drag its left or right edge to move its start or end.
Cues the trim cuts away are drawn dim."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from rep_video.captions.cues import Cue
from ui.i18n import translate
from ui.time_lane import TimeLane

EDGE = 6.0  # pixels either side of a band's edge that grab it


class CueStrip(TimeLane):
    picked = Signal(int)
    edge_moved = Signal(int, str, float)  # index, "start" | "end", seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("cue_strip", "Caption cues on the timeline"), 22, parent)
        self.cues: tuple[Cue, ...] = ()
        self.selected = -1
        self.kept = (0.0, 0.0)
        self._drag: tuple[int, str] | None = None

    def set_cues(self, cues: tuple[Cue, ...], selected: int, kept: tuple[float, float]) -> None:
        self.cues, self.selected, self.kept = cues, selected, kept
        self.update()

    def set_duration(self, duration: float) -> None:
        self.duration = max(0.0, duration)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d1f23"))
        for i, cue in enumerate(self.cues):
            band = QRectF(self._x(cue.start), 3, max(2.0, self._x(cue.end) - self._x(cue.start)),
                          self.height() - 6)  # fmt: skip
            inside = cue.end > self.kept[0] and cue.start < self.kept[1]
            colour = QColor("#4f8fd8" if inside else "#3a4150")
            if i == self.selected:
                colour = QColor("#f5b400")
            p.fillRect(band, colour)
            p.setPen(QPen(QColor("#0d0f12"), 1))
            p.drawRect(band)
        p.end()

    def _hit(self, x: float) -> tuple[int, str] | None:
        for i, cue in enumerate(self.cues):
            if abs(x - self._x(cue.start)) <= EDGE:
                return i, "start"
            if abs(x - self._x(cue.end)) <= EDGE:
                return i, "end"
        for i, cue in enumerate(self.cues):
            if self._x(cue.start) <= x <= self._x(cue.end):
                return i, "body"
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().x())
        if hit is None:
            return
        self.picked.emit(hit[0])
        self._drag = hit if hit[1] != "body" else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        hit = self._drag or self._hit(x)
        edge = hit is not None and hit[1] in ("start", "end")
        self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)
        if self._drag is not None:
            self.edge_moved.emit(self._drag[0], self._drag[1], self._t(x))

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag = None
