"""The trim timeline: a filmstrip of thumbnails with in/out handles and a playhead. Drag a
handle to move it, click elsewhere to seek. Values are seconds. Until the filmstrip is made (a
long imported file can take seconds) a spinner turns on the strip."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from ui.i18n import translate
from ui.time_lane import HANDLE_W, TimeLane


class Timeline(TimeLane):
    in_moved = Signal(float)
    out_moved = Signal(float)
    seek = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("timeline", "Trim timeline"), 78, parent)
        self.in_point = 0.0
        self.out_point = 0.0
        self.position = 0.0
        self._thumbs: list[QImage] = []
        self._arrays: list[np.ndarray] = []  # the QImages borrow these buffers
        self._drag: str | None = None
        self.loading = False
        self._spin = 0
        self._spinner = QTimer(self)
        self._spinner.setInterval(80)
        self._spinner.timeout.connect(self._turn)

    def _turn(self) -> None:
        self._spin = (self._spin + 30) % 360
        self.update()

    def set_loading(self, loading: bool) -> None:
        self.loading = loading
        if loading:
            self._spinner.start()
        else:
            self._spinner.stop()
        self.update()

    def set_duration(self, duration: float) -> None:
        self.duration = max(0.0, duration)
        self.in_point, self.out_point, self.position = 0.0, self.duration, 0.0
        self._thumbs, self._arrays = [], []
        self.set_loading(True)

    def set_thumbnails(self, frames: list[np.ndarray]) -> None:
        self._arrays = [np.ascontiguousarray(f) for f in frames]
        self._thumbs = [
            QImage(a.data, a.shape[1], a.shape[0], a.shape[1] * 3, QImage.Format.Format_RGB888)
            for a in self._arrays
        ]
        self.set_loading(False)

    def thumbnail_count(self) -> int:
        return len(self._thumbs)

    def set_range(self, in_point: float, out_point: float) -> None:
        self.in_point, self.out_point = in_point, out_point
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position = seconds
        self.update()

    # -- geometry ----------------------------------------------------------------------------
    def _strip(self) -> QRectF:
        return QRectF(HANDLE_W, 8, self._scale_width(), self.height() - 16)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        strip = self._strip()
        p.fillRect(strip, QColor("#2a2c31"))
        if self._thumbs:
            w = strip.width() / len(self._thumbs)
            for i, img in enumerate(self._thumbs):
                cell = QRectF(strip.left() + i * w, strip.top(), w, strip.height())
                scale = max(cell.width() / img.width(), cell.height() / img.height())
                src_w, src_h = cell.width() / scale, cell.height() / scale
                src = QRectF((img.width() - src_w) / 2, (img.height() - src_h) / 2, src_w, src_h)
                p.drawImage(cell, img, src)
        if self.loading:
            self._paint_spinner(p, strip)
        if self.duration > 0:
            xi, xo = self._x(self.in_point), self._x(self.out_point)
            shade = QColor(0, 0, 0, 150)
            p.fillRect(QRectF(strip.left(), strip.top(), xi - strip.left(), strip.height()), shade)
            p.fillRect(QRectF(xo, strip.top(), strip.right() - xo, strip.height()), shade)
            accent = QColor("#f5b400")
            p.setPen(QPen(accent, 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(xi, strip.top() + 1.5, xo - xi, strip.height() - 3))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(accent)
            p.drawRoundedRect(QRectF(xi - HANDLE_W, strip.top(), HANDLE_W, strip.height()), 3, 3)
            p.drawRoundedRect(QRectF(xo, strip.top(), HANDLE_W, strip.height()), 3, 3)
            xp = self._x(self.position)
            p.setBrush(QColor("white"))
            p.drawRect(QRectF(xp - 1, 2, 2, self.height() - 4))
            p.drawPolygon(QPolygonF([QPointF(xp - 6, 0), QPointF(xp + 6, 0), QPointF(xp, 7)]))
        p.end()

    def _paint_spinner(self, p: QPainter, strip: QRectF) -> None:
        p.save()
        size = min(22.0, strip.height() - 8)
        box = QRectF(strip.center().x() - size / 2, strip.center().y() - size / 2, size, size)
        p.setPen(QPen(QColor("#ffffff"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawArc(box, -self._spin * 16, 270 * 16)
        p.restore()

    # -- mouse -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.duration <= 0:
            return
        x = event.position().x()
        if abs(x - (self._x(self.in_point) - HANDLE_W / 2)) <= HANDLE_W:
            self._drag = "in"
        elif abs(x - (self._x(self.out_point) + HANDLE_W / 2)) <= HANDLE_W:
            self._drag = "out"
        else:
            self._drag = "seek"
            self.seek.emit(self._t(x))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        near = self.duration > 0 and (
            abs(x - self._x(self.in_point)) <= HANDLE_W
            or abs(x - self._x(self.out_point)) <= HANDLE_W
        )
        self.setCursor(
            Qt.CursorShape.SizeHorCursor
            if near or self._drag in ("in", "out")
            else Qt.CursorShape.ArrowCursor
        )
        if self._drag == "in":
            self.in_moved.emit(self._t(x))
        elif self._drag == "out":
            self.out_moved.emit(self._t(x))
        elif self._drag == "seek":
            self.seek.emit(self._t(x))

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag = None
