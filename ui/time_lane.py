"""The scale the trim timeline and the lanes under it share: seconds 0..duration across the
widget's width, inside a handle's width either side, so that a time is at the same x in
every lane stacked on the timeline."""

from __future__ import annotations

from PySide6.QtWidgets import QSizePolicy, QWidget

HANDLE_W = 10.0  # the trim handles' width; the scale starts and ends inside them


class TimeLane(QWidget):
    def __init__(self, name: str, min_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.duration = 0.0

    def _scale_width(self) -> float:
        return max(1.0, self.width() - 2 * HANDLE_W)

    def _x(self, t: float) -> float:
        """Where `t` seconds are drawn."""
        return HANDLE_W + (t / self.duration if self.duration else 0.0) * self._scale_width()

    def _t(self, x: float) -> float:
        """The time at `x`, within 0..duration."""
        return min(self.duration, max(0.0, (x - HANDLE_W) / self._scale_width() * self.duration))
