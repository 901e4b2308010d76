"""A slide deck on the screen, for screen recordings in the benchmark and the screenshots: a
frameless window over the whole screen with a new slide of text every 2 s and a pointer
circling over it, repainted like a presentation program repaints (the whole slide when it
changes, else only where the pointer was and is).

    python -m tests.support.slide_deck     # a process of its own, until terminated
"""

from __future__ import annotations

import math
import sys
import time

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

DOT = 28


class SlideDeck(QWidget):
    def __init__(self, rect: QRect | None = None) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint)
        self.setGeometry(rect or QGuiApplication.primaryScreen().geometry())
        self.t0 = time.monotonic()
        self.slide = -1
        self.dot: tuple[int, int] | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(33)

    def _pointer(self, t: float) -> tuple[int, int]:
        w, h = self.width(), self.height()
        return int(w / 2 + w * 0.26 * math.cos(t)), int(h / 2 + h * 0.28 * math.sin(t * 1.3))

    def _tick(self) -> None:
        t = time.monotonic() - self.t0
        if int(t // 2) != self.slide:
            self.update()
            return
        x, y = self._pointer(t)
        for px, py in [p for p in (self.dot, (x, y)) if p is not None]:
            self.update(px - 2, py - 2, DOT + 4, DOT + 4)
        self.dot = (x, y)

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = time.monotonic() - self.t0
        slide = self.slide = int(t // 2)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(250, 250, 247))
        p.fillRect(0, 0, self.width(), 120, QColor(20, 60, 120 + 40 * (slide % 3)))
        p.setPen(QColor(255, 255, 255))
        p.setFont(QFont("DejaVu Sans", 40, QFont.Weight.Bold))
        p.drawText(60, 85, f"Slide {slide + 1}: results at week {12 * (slide + 1)}")
        p.setPen(QColor(30, 30, 30))
        p.setFont(QFont("DejaVu Sans", 22))
        for line in range(min(14, (self.height() - 200) // 52)):
            p.drawText(
                80,
                200 + 52 * line,
                f"- Endpoint {line + 1}: {(slide * 7 + line * 13) % 97}% of patients, "
                f"p = 0.0{(slide + line) % 9 + 1}, n = {120 + 10 * slide + line}",
            )
        x, y = self._pointer(t)
        p.setBrush(QColor(230, 60, 40))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(x, y, DOT, DOT)
        p.end()


def main() -> int:
    app = QApplication(sys.argv)
    deck = SlideDeck()
    deck.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
