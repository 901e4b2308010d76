"""The live camera preview: mirrored (people expect a mirror; the recording is not), with the
teleprompter and the 3-2-1 countdown drawn over it, and a level meter widget. A screen
recording's preview shows the screen as it is, with the camera bubble (ui/bubble_overlay.py)
that the rep drags to a corner."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.bubble_overlay import BubbleOverlay
from ui.i18n import translate


class _FrameSurface(QWidget):
    """A widget that paints video frames: named for a screen reader, a 16:9 minimum, and it
    grows with the room it is given."""

    def __init__(self, name: str, minimum: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setMinimumSize(minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None


class PreviewWidget(_FrameSurface):
    """Paints the latest frame scaled to fit, mirrored, plus overlays."""

    frame_shown = Signal()
    bubble_moved = Signal(str)  # the corner the rep dropped the bubble in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("preview", "Camera preview"), QSize(384, 216), parent)
        self._frame: np.ndarray | None = None  # keeps the buffer the QImage points at alive
        self.mirrored = True  # the camera: like a mirror; a screen: as it is
        self.bubble = BubbleOverlay()
        self.countdown: int | None = None
        self.recording = False
        self.paused = False  # recording, but paused: the teleprompter stands still
        self.prompter_text = ""
        self.prompter_on = False
        self.prompter_lines_per_second = 0.35
        self._line_height = 24.0  # of the prompter's font, measured when painted
        self._prompter_offset = 0.0
        self._prompter_height = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(33)
        self._tick.timeout.connect(self._advance)
        self._tick.start()

    def set_frame(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        self._frame = np.ascontiguousarray(frame)
        self._image = QImage(self._frame.data, w, h, w * 3, QImage.Format.Format_RGB888)
        self.update()
        self.frame_shown.emit()

    def clear(self) -> None:
        self._image = None
        self._frame = None
        self.bubble.clear()
        self.update()

    def set_bubble_frame(self, frame: np.ndarray) -> None:
        self.bubble.set_camera(frame)
        self.update()

    def _target(self) -> tuple[QRectF, tuple[int, int]] | None:
        """Where the frame is drawn, and its size."""
        if self._image is None:
            return None
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        tw, th = iw * scale, ih * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th), (iw, ih)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        shown = self._target()
        if shown is None or not self.bubble.press(event.position(), *shown):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        shown = self._target()
        if shown is not None and self.bubble.move(event.position(), shown[0]):
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        shown = self._target()
        corner = self.bubble.release(shown[0]) if shown is not None else None
        if corner is not None:
            self.bubble_moved.emit(corner)
        self.update()

    def has_frame(self) -> bool:
        return self._image is not None

    def restart_prompter(self) -> None:
        self._prompter_offset = 0.0
        self.update()

    def prompter_offset(self) -> float:
        return self._prompter_offset

    def set_prompter_offset(self, offset: float) -> None:
        """Scroll the teleprompter to `offset` pixels (a re-take goes back)."""
        self._prompter_offset = max(0.0, offset)
        self.update()

    def _advance(self) -> None:
        if self.prompter_on and self.prompter_text and self.recording and not self.paused:
            step = self.prompter_lines_per_second * self._line_height
            self._prompter_offset += step * self._tick.interval() / 1000.0
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#101114"))
        target = QRectF(self.rect())
        shown = self._target()
        if shown is not None and self._image is not None:
            target = shown[0]
            p.save()
            if self.mirrored:  # around the target's vertical centre line
                p.translate(target.center().x() * 2, 0)
                p.scale(-1, 1)
            p.drawImage(target, self._image)
            p.restore()
            self.bubble.paint(p, target, shown[1])
        if self.recording:
            p.setPen(Qt.PenStyle.NoPen)
            x, y = target.left() + 16, target.top() + 16
            if self.paused:  # two amber bars: paused, not recording
                p.setBrush(QColor("#f5a524"))
                p.drawRect(QRectF(x, y, 5, 14))
                p.drawRect(QRectF(x + 9, y, 5, 14))
            else:
                p.setBrush(QColor("#e5484d"))
                p.drawEllipse(QRectF(x, y, 14, 14))
        if self.prompter_on and self.prompter_text:
            self._paint_prompter(p, target)
        if self.countdown is not None:
            self._paint_countdown(p, target)
        p.end()

    def _paint_prompter(self, p: QPainter, area: QRectF) -> None:
        band = QRectF(
            area.left() + area.width() * 0.1,
            area.top() + 12,
            area.width() * 0.8,
            max(90.0, area.height() * 0.32),
        )
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 175))
        p.drawRoundedRect(band, 10, 10)
        p.setClipRect(band.adjusted(14, 8, -14, -8))
        font = QFont(self.font())
        font.setPointSizeF(max(13.0, area.height() / 26))
        font.setWeight(QFont.Weight.DemiBold)
        p.setFont(font)
        p.setPen(QColor("white"))
        self._line_height = float(p.fontMetrics().lineSpacing())
        width = band.width() - 32
        flags = int(Qt.AlignmentFlag.AlignHCenter) | int(Qt.TextFlag.TextWordWrap)
        height = p.boundingRect(QRectF(0, 0, width, 10_000), flags, self.prompter_text).height()
        self._prompter_height = height
        # One script after another, a blank line between: the band is never an empty box.
        cycle = height + 2 * self._line_height
        self._prompter_offset %= cycle
        top = band.top() + 10 - self._prompter_offset
        while top < band.bottom():
            p.drawText(QRectF(band.left() + 16, top, width, height + 4), flags, self.prompter_text)
            top += cycle
        p.restore()

    def _paint_countdown(self, p: QPainter, area: QRectF) -> None:
        p.save()
        p.fillRect(area, QColor(0, 0, 0, 110))
        font = QFont(self.font())
        font.setPointSizeF(area.height() / 4)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(area, Qt.AlignmentFlag.AlignCenter, str(self.countdown))
        p.restore()


class VideoView(_FrameSurface):
    """Shows the frames a QVideoSink delivers (the player's), scaled to fit, not mirrored.
    Painted by us rather than QVideoWidget so it looks the same everywhere and can be
    grabbed for screenshots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("preview", "Video player"), QSize(320, 180), parent)

    def set_image(self, image: QImage) -> None:
        if not image.isNull():
            self._image = image
            self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), QColor("#101114"))
        if self._image is not None:
            iw, ih = self._image.width(), self._image.height()
            scale = min(self.width() / iw, self.height() / ih)
            tw, th = iw * scale, ih * scale
            p.drawImage(
                QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th), self._image
            )
        p.end()


class LevelMeter(QWidget):
    """A horizontal microphone meter from -60 dBFS to 0; red when clipping."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(translate("preview", "Microphone level"))
        self.setMinimumHeight(10)
        self.setMaximumHeight(10)
        self.setMinimumWidth(120)
        self.dbfs = -math.inf

    def set_level(self, dbfs: float) -> None:
        self.dbfs = dbfs
        self.setAccessibleDescription(
            translate("preview", "no sound")
            if not math.isfinite(dbfs)
            else translate("preview", "{dbfs:.0f} dB").format(dbfs=dbfs)
        )
        self.update()

    def fraction(self) -> float:
        if not math.isfinite(self.dbfs):
            return 0.0
        return min(1.0, max(0.0, (self.dbfs + 60.0) / 60.0))

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(self.palette().mid().color(), 1))
        p.setBrush(self.palette().base())
        p.drawRoundedRect(r, 4, 4)
        f = self.fraction()
        if f > 0:
            color = "#1f8a4c" if self.dbfs < -12 else ("#d4a017" if self.dbfs < -3 else "#d93036")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            p.drawRoundedRect(QRectF(r.left(), r.top(), r.width() * f, r.height()), 4, 4)
        p.end()
