"""Asking before an action that cannot be taken back (revoke a link, delete a send, send
restricted wording). One function, so tests can answer it without a dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from rep_video.share.request import WordingToConfirm
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


def confirm_wording(parent: QWidget, asked: WordingToConfirm) -> bool:
    """The restricted-list warnings, each with its reason: send anyway? (The confirmation
    goes with the share, into its audit record.)"""
    lines = "\n".join(
        f"\u2022 {f.passage.where}: \u201c{f.matched}\u201d \u2014 {f.reason}"
        for f in asked.findings
    )
    return ask(
        parent,
        translate("send_screen", "Confirm restricted wording"),
        translate(
            "send_screen",
            "Your administrator's list asks you to confirm these words before sending:"
            "\n\n{lines}\n\nSend with this wording? Your confirmation is recorded with the "
            "share.",
        ).format(lines=lines),
        translate("send_screen", "Send anyway"),
    )
