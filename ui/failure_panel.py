"""What a send that did not go shows, on Send and in Sent: the reason in view, what to do for
a missing keychain on this platform, and the ways forward — Retry, Open Settings, Delete, and
Save the video elsewhere (to get it to the physician another way)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.keychain_help import keychain_steps
from ui.theme import icon


@dataclass(frozen=True, slots=True)
class Problem:
    entry_id: int | None  # the outbox entry it left; None: nothing was recorded
    reason: str
    waiting: bool = False  # safe in the outbox, retried by itself (else: failed, rep acts)
    keychain: bool = False  # the fix is a usable system keychain
    link_out: bool = False  # the rep already has the link (it says "on its way" until then)


class FailurePanel(QFrame):
    retry = Signal(int)
    delete = Signal(int)
    fix_settings = Signal()
    save_video = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.problem: Problem | None = None
        self.reason = QLabel("")
        self.reason.setProperty("role", "error")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why it was not sent")
        self.guide = QLabel("")
        self.guide.setWordWrap(True)
        self.guide.setAccessibleName("How to fix it")
        self.retry_button = QPushButton(icon("send"), "Retry now")
        self.retry_button.setAccessibleName("Retry sending now")
        self.settings_button = QPushButton(icon("settings"), "Open Settings")
        self.settings_button.setAccessibleName("Open Settings to fix the target")
        self.save_button = QPushButton(icon("import"), "Save the video elsewhere…")
        self.save_button.setAccessibleName("Save the video to a file")
        self.delete_button = QPushButton("Delete this send")
        self.delete_button.setAccessibleName("Delete this send")
        buttons = QHBoxLayout()
        for b in (self.retry_button, self.settings_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.reason)
        layout.addWidget(self.guide)
        layout.addLayout(buttons)
        self.retry_button.clicked.connect(lambda: self._emit(self.retry))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete))
        self.save_button.clicked.connect(lambda: self._emit(self.save_video))
        self.settings_button.clicked.connect(self.fix_settings)
        self.setVisible(False)

    def _emit(self, signal: SignalInstance) -> None:
        if self.problem is not None and self.problem.entry_id is not None:
            signal.emit(self.problem.entry_id)

    def show_problem(self, problem: Problem) -> None:
        self.problem = problem
        if problem.waiting and problem.link_out:
            text = (
                f"Not sent yet: {problem.reason} The video is kept in the outbox and is sent "
                "automatically as soon as the target can be reached. The link already works; "
                "until then it says the video is on its way."
            )
        elif problem.waiting:
            text = (
                f"Not sent yet: {problem.reason} The video is kept in the outbox and is sent "
                "automatically as soon as the target can be reached."
            )
        else:
            text = f"Not sent: {problem.reason}"
        self.reason.setText(text)
        self.guide.setText(keychain_steps() if problem.keychain else "")
        self.guide.setVisible(problem.keychain)
        has_entry = problem.entry_id is not None
        self.retry_button.setVisible(has_entry)
        self.delete_button.setVisible(has_entry)
        self.save_button.setVisible(has_entry)
        self.settings_button.setVisible(not problem.waiting)
        self.setVisible(True)

    def clear(self) -> None:
        self.problem = None
        self.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        for b in (self.retry_button, self.save_button, self.delete_button):
            b.setEnabled(not busy)
