"""Keyboard behaviour the whole app shares: Enter and Space press the focused button.

Qt presses a focused QPushButton with Space only, and with Enter only inside a dialog; a rep
who tabs to "Next" or "Send and get link" and presses Enter expects it to go. A screen's
single-key shortcuts (Space plays on Review & trim) must also give way to the focused button,
or Space on a focused "Next" plays the video instead of moving on."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QToolButton

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PRESS_KEYS = (*ENTER_KEYS, Qt.Key.Key_Space)


class ButtonKeys(QObject):
    """An application-wide event filter (install once, see `install`)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(obj, QAbstractButton) or not isinstance(event, QKeyEvent):
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier or event.key() not in PRESS_KEYS:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Claim the key for the button, so no screen shortcut on it fires instead.
            event.accept()
            return True
        if event.key() in ENTER_KEYS and isinstance(obj, QPushButton | QToolButton):
            if obj.isEnabled() and obj.isVisible():
                obj.animateClick()
            return True
        return False  # Space: the button presses itself


_installed: ButtonKeys | None = None


def install(app: QApplication) -> None:
    global _installed
    if _installed is None:
        _installed = ButtonKeys(app)
        app.installEventFilter(_installed)
