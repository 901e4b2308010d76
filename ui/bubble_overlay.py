"""The camera bubble over the screen preview: the camera's middle square in a circle, where
the recording will have it (the core's BubbleLayout, scaled to the preview), mirrored like
the camera preview (the recording is not). The rep drags it; it lands in the nearest
corner."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from rep_video.media.capture.bubble import BubbleLayout, Corner, nearest_corner


class BubbleOverlay:
    def __init__(self) -> None:
        self.layout: BubbleLayout | None = None  # None: no bubble (camera only, screen only)
        self._frame: np.ndarray | None = None  # keeps the buffer the QImage points at alive
        self._image: QImage | None = None
        self._drag: QPointF | None = None  # the circle's centre while dragged

    def set_camera(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        side = min(w, h)
        x0, y0 = (w - side) // 2, (h - side) // 2
        self._frame = np.ascontiguousarray(frame[y0 : y0 + side, x0 : x0 + side])
        self._image = QImage(self._frame.data, side, side, side * 3, QImage.Format.Format_RGB888)

    def clear(self) -> None:
        self._frame = self._image = None
        self._drag = None

    def has_camera(self) -> bool:
        return self._image is not None

    def rect(self, target: QRectF, size: tuple[int, int]) -> QRectF | None:
        """Where the circle is drawn: the layout's place in a frame of `size` shown in
        `target`, or under the pointer while dragged."""
        if self.layout is None:
            return None
        x, y, d = self.layout.rect(*size)
        scale = target.width() / size[0]
        side = d * scale
        if self._drag is not None:
            return QRectF(self._drag.x() - side / 2, self._drag.y() - side / 2, side, side)
        return QRectF(target.left() + x * scale, target.top() + y * scale, side, side)

    def paint(self, p: QPainter, target: QRectF, size: tuple[int, int]) -> None:
        circle = self.rect(target, size)
        if circle is None:
            return
        p.save()
        path = QPainterPath()
        path.addEllipse(circle)
        if self._image is not None:
            p.setClipPath(path)
            p.translate(circle.center().x() * 2, 0)  # mirrored, like the camera preview
            p.scale(-1, 1)
            p.drawImage(circle, self._image)
            p.restore()
            p.save()
        else:
            p.fillPath(path, QColor(40, 42, 48))
        p.setPen(QPen(QColor(245, 245, 245), 2))
        p.drawEllipse(circle)
        p.restore()

    # -- dragging ----------------------------------------------------------------------------
    def press(self, pos: QPointF, target: QRectF, size: tuple[int, int]) -> bool:
        circle = self.rect(target, size)
        if circle is None or not circle.contains(pos):
            return False
        self._drag = QPointF(pos)
        return True

    def move(self, pos: QPointF, target: QRectF) -> bool:
        if self._drag is None:
            return False
        self._drag = QPointF(
            min(max(pos.x(), target.left()), target.right()),
            min(max(pos.y(), target.top()), target.bottom()),
        )
        return True

    def release(self, target: QRectF) -> Corner | None:
        """The corner the dragged bubble was dropped into (None: it was not being dragged)."""
        if self._drag is None or target.width() <= 0 or target.height() <= 0:
            self._drag = None
            return None
        at, self._drag = self._drag, None
        return nearest_corner(
            (at.x() - target.left()) / target.width(), (at.y() - target.top()) / target.height()
        )
