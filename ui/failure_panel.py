"""What a send that did not go shows, on Send and in Sent: the reason in view, what to do for
a missing keychain on this platform, and the ways forward — Retry, Open Settings, Delete, and
Save the video elsewhere (to get it to the physician another way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QWidget

from ui.i18n import translate
from ui.keychain_help import keychain_steps
from ui.layouts import button, column, label, row


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
        self.reason = label("", "error", translate("failure_panel", "Why it was not sent"))
        self.guide = label("", name=translate("failure_panel", "How to fix it"))
        self.retry_button = button(
            translate("failure_panel", "Retry now"),
            translate("failure_panel", "Retry sending now"),
            icon_name="send",
            on_click=lambda: self._emit(self.retry),
        )
        self.settings_button = button(
            translate("failure_panel", "Open Settings"),
            translate("failure_panel", "Open Settings to fix the target"),
            icon_name="settings",
            on_click=self.fix_settings.emit,
        )
        self.save_button = button(
            translate("failure_panel", "Save the video elsewhere…"),
            translate("failure_panel", "Save the video to a file"),
            icon_name="import",
            on_click=lambda: self._emit(self.save_video),
        )
        self.delete_button = button(
            translate("failure_panel", "Delete this send"), on_click=lambda: self._emit(self.delete)
        )
        buttons = (self.retry_button, self.settings_button, self.save_button, self.delete_button)
        layout = column(self.reason, self.guide, row(*buttons, 1))
        layout.setContentsMargins(16, 12, 16, 12)
        self.setLayout(layout)
        self.setVisible(False)

    def wire(
        self,
        retry: Callable[[int], object],
        delete: Callable[[int], object],
        save_video: Callable[[int], object],
        fix_settings: Callable[[], object],
    ) -> None:
        """Connect the panel's four actions to what the screen showing it does."""
        self.retry.connect(retry)
        self.delete.connect(delete)
        self.save_video.connect(save_video)
        self.fix_settings.connect(fix_settings)

    def _emit(self, signal: SignalInstance) -> None:
        if self.problem is not None and self.problem.entry_id is not None:
            signal.emit(self.problem.entry_id)

    def show_problem(self, problem: Problem) -> None:
        self.problem = problem
        if problem.waiting and problem.link_out:
            text = translate(
                "failure_panel",
                "Not sent yet: {reason} The video is kept in the outbox and is sent automatically "
                "as soon as the target can be reached. The link already works; until then it says "
                "the video is on its way.",
            ).format(reason=problem.reason)
        elif problem.waiting:
            text = translate(
                "failure_panel",
                "Not sent yet: {reason} The video is kept in the outbox and is sent automatically "
                "as soon as the target can be reached.",
            ).format(reason=problem.reason)
        else:
            text = translate("failure_panel", "Not sent: {reason}").format(reason=problem.reason)
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
