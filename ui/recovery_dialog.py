"""The recordings that did not finish (the app or the computer stopped while recording), each
with when it started and how much of it can be recovered: Recover or Discard… per recording,
or Later for all. Nothing is deleted unless the rep says so; an empty one (killed before its
first second was saved) can only be discarded, since recovering it would fail every time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import confirm
from ui.i18n import translate
from ui.time_text import fmt_time


@dataclass(frozen=True, slots=True)
class Offer:
    """One unfinished recording as the dialog shows it."""

    item: Any  # rep_video.media.capture.recovery.UnfinishedRecording
    seconds: float  # recoverable video; 0.0 when nothing was saved

    @property
    def empty(self) -> bool:
        return self.seconds < 0.5

    def describe(self) -> str:
        when = _started(self.item.started_at) or self.item.name
        if self.empty:
            return translate("recovery_dialog", "Started {when} — nothing was saved").format(
                when=when
            )
        return translate("recovery_dialog", "Started {when} — {seconds} can be recovered").format(
            when=when, seconds=fmt_time(self.seconds)
        )


def _started(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y, %H:%M")
    except ValueError:
        return ""


class _Row(QWidget):
    def __init__(self, offer: Offer, dialog: RecoveryDialog) -> None:
        super().__init__(dialog)
        self.offer = offer
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.label = QLabel(offer.describe())
        layout.addWidget(self.label, 1)
        self.recover_button = QPushButton(translate("recovery_dialog", "Recover"))
        self.recover_button.setAccessibleName(
            translate("recovery_dialog", "Recover: {describe}").format(describe=offer.describe())
        )
        self.recover_button.setVisible(not offer.empty)
        self.recover_button.clicked.connect(lambda: dialog.choose_recover(self))
        layout.addWidget(self.recover_button)
        self.discard_button = QPushButton(translate("recovery_dialog", "Discard…"))
        self.discard_button.setAccessibleName(
            translate("recovery_dialog", "Discard: {describe}").format(describe=offer.describe())
        )
        self.discard_button.clicked.connect(lambda: dialog.choose_discard(self))
        layout.addWidget(self.discard_button)


class RecoveryDialog(QDialog):
    """Lists every offer; emits what the rep chose. Recover closes it (the rep goes on with
    that video; the others stay and are offered at the next launch)."""

    recover_requested = Signal(object)  # the UnfinishedRecording
    discard_requested = Signal(object)

    def __init__(self, offers: list[Offer], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("recovery_dialog", "Recover recordings"))
        layout = QVBoxLayout(self)
        count = len(offers)
        found = (
            translate("recovery_dialog", "RepVideo found 1 recording that did not finish")
            if count == 1
            else translate(
                "recovery_dialog", "RepVideo found {count} recordings that did not finish"
            ).format(count=count)
        )
        intro = QLabel(
            found
            + translate(
                "recovery_dialog",
                " (the app or the computer stopped while recording). Nothing is deleted unless "
                "you discard it.",
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.rows: list[_Row] = []
        for offer in reversed(offers):  # the latest first: the one the rep most likely wants
            row = _Row(offer, self)
            self.rows.append(row)
            layout.addWidget(row)
        buttons = QDialogButtonBox()
        self.later_button = buttons.addButton(
            translate("recovery_dialog", "Later"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        first = next((r.recover_button for r in self.rows if not r.offer.empty), None)
        (first or self.later_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def choose_recover(self, row: _Row) -> None:
        self.recover_requested.emit(row.offer.item)
        self.accept()

    def choose_discard(self, row: _Row) -> None:
        offer = row.offer
        if not offer.empty and not confirm.ask(
            self,
            translate("recovery_dialog", "Discard recording"),
            translate("recovery_dialog", "Delete this recording for good? {describe}.").format(
                describe=offer.describe()
            ),
            translate("recovery_dialog", "Discard"),
        ):
            return
        self.discard_requested.emit(offer.item)
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        if not self.rows:
            self.accept()
