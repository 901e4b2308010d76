"""A visible focus ring for the widgets whose style draws none (combo boxes, check boxes,
sliders, lists, the trim timeline): with the app's style sheet, Fusion leaves them looking the
same focused or not, and a keyboard user loses their place. One overlay per window follows the
focused widget and paints an accent outline around it. Widgets that show focus themselves
(buttons, text fields, spin boxes) are left to do so."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from ui.theme import ACCENT

SELF_DRAWN = (QPushButton, QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)
MARGIN = 3


class _Ring(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor(ACCENT), 2))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 5, 5)
        p.end()


class FocusRings(QObject):
    """Follows QApplication.focusChanged; one ring per top-level window."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._rings: dict[int, _Ring] = {}
        self._target: QWidget | None = None
        app.focusChanged.connect(self._on_focus)

    def _ring_for(self, window: QWidget) -> _Ring:
        ring = self._rings.get(id(window))
        if ring is None:
            ring = _Ring(window)
            self._rings[id(window)] = ring
            key = id(window)
            ring.destroyed.connect(lambda _o=None: self._rings.pop(key, None))
        return ring

    def _on_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._target is not None:
            with contextlib.suppress(RuntimeError):  # deleted meanwhile
                self._target.removeEventFilter(self)
        self._target = None
        for ring in list(self._rings.values()):
            try:
                ring.hide()
            except RuntimeError:
                continue
        if new is None or isinstance(new, SELF_DRAWN) or new.isWindow():
            return
        self._target = new
        new.installEventFilter(self)
        self._place()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._place()
        return False

    def _place(self) -> None:
        target = self._target
        if target is None:
            return
        window = target.window()
        ring = self._ring_for(window)
        visible = target.visibleRegion().boundingRect()
        if not target.isVisible() or visible.isEmpty():
            ring.hide()
            return
        top_left = target.mapTo(window, visible.topLeft())
        area = QRect(top_left, visible.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        ring.setGeometry(area)
        ring.raise_()
        ring.show()
        ring.update()


_installed: FocusRings | None = None


def install(app: QApplication) -> None:
    global _installed
    if _installed is None:
        _installed = FocusRings(app)
