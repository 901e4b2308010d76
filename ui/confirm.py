"""Asking before an action that cannot be taken back (revoke a link, delete a send). One
function, so tests can answer it without a dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.i18n import translate


def ask(parent: QWidget, title: str, text: str, action: str) -> bool:
    """True when the rep chose `action`; the safe answer (Keep) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    do = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(translate("confirm", "Keep"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is do
