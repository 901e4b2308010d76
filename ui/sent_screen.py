"""Sent: every share from this computer — a picture of the video, when it was sent (to the
second), its state in colour (waiting, uploading, live, expired, revoked, failed), views and
how much was watched; copy, extend, revoke (asked first, then undoable for a few seconds:
ui/revoke_grace.py). A send that did not go shows its
reason in view with the ways forward (Retry, Open Settings, Delete, Save the video elsewhere),
also after a restart: it is read from the outbox."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QWidget,
)

from rep_video.locks import locked_expiry_days
from ui import confirm, failed_sends, send_errors
from ui.failure_panel import FailurePanel, Problem
from ui.i18n import translate
from ui.layouts import button, item_list, label, row, screen
from ui.revoke_grace import RevokeGrace
from ui.sent_words import (
    ALIVE,
    CHECKING,
    COLUMNS,
    NOT_SENT,
    TOTALS_TIP,
    describe,
    said,
    share_item,
    totals_line,
)
from ui.services import Services
from ui.share_result import flash_copied
from ui.share_rows import ShareRow
from ui.tasks import Runner, TaskOutcome


class SentScreen(QWidget):
    open_settings = Signal()

    def __init__(self, runner: Runner, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self.rows: list[ShareRow] = []
        self._loading = False
        self._checking = False  # the status says CHECKING (and nothing an action said)
        self._said = False
        self._again = False
        self._names: dict[int, str] = {}  # whose link a waiting revoke ends, for the status

        title = label(translate("sent_screen", "Sent"), "title", wrap=False)
        self.tree = item_list(
            translate("sent_screen", "Sent videos"), [translate("sent_screen", c) for c in COLUMNS]
        )
        self.tree.setIconSize(QSize(72, 40))
        header = self.tree.header()
        header.setStretchLastSection(True)
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = label(
            translate(
                "sent_screen", "Nothing sent yet. Videos you send appear here with their views."
            ),
            "hint",
        )
        self.detail = label("", name=translate("sent_screen", "About the selected share"))
        self.failure = FailurePanel()
        self.failure.wire(self.retry, self.delete, self.save_video, self.open_settings.emit)
        self.status = label("", "hint")
        # Under the policy's analytics = "aggregate": all a rep may see of the viewing.
        self.totals = label(
            "", "hint", name=translate("sent_screen", "View totals over all recipients")
        )
        self.totals.setVisible(False)
        self.refresh_button = button(
            translate("sent_screen", "Refresh"),
            translate("sent_screen", "Refresh sent list"),
            on_click=self.refresh,
        )
        self.copy_button = button(
            translate("sent_screen", "Copy link"),
            translate("sent_screen", "Copy link of the selected share"),
            icon_name="copy",
            on_click=self.copy_link,
        )
        self.extend_button = button(
            translate("sent_screen", "Extend…"),
            translate("sent_screen", "Extend the selected share"),
            on_click=self.extend,
        )
        # Without an argument: the button must always ask (`revoke(confirmed=…)`).
        self.revoke_button = button(
            translate("sent_screen", "Revoke…"),
            translate("sent_screen", "Revoke the selected share"),
            on_click=self.revoke,
        )
        self.undo_button = button(
            translate("sent_screen", "Undo revoke"),
            translate("sent_screen", "Undo the revoke: keep the link working"),
            on_click=self.undo_revoke,
        )
        self.undo_button.setVisible(False)
        self.grace = RevokeGrace(parent=self)
        self.grace.due.connect(self._revoke_now)
        self.grace.changed.connect(self._on_grace)
        self._tick = QTimer(self)  # the countdown in the status line
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._say_countdown)
        buttons = row(self.copy_button, self.extend_button, self.revoke_button, self.undo_button,
                      1, self.refresh_button)  # fmt: skip
        screen(self, title, self.empty, (self.tree, 1), self.totals, self.detail, self.failure,
               buttons, self.status)  # fmt: skip

        self.tree.itemSelectionChanged.connect(self._sync_buttons)
        self.services.outbox_changed.connect(self.refresh)
        self._sync_buttons()

    def on_live_event(self, _event: object) -> None:
        """A share server told of a view or an answer: read the list again now (a worker),
        no Refresh needed."""
        self.refresh()

    def busy(self) -> bool:
        return self._loading

    def _say(self, text: str) -> None:
        self._checking = False
        self._said = bool(text)  # an action's result: a refresh does not cover it
        self.status.setText(text)

    def refresh(self) -> None:
        if self._loading:
            self._again = True  # asked again mid-load: load once more when this one ends
            return
        self._again = False
        self._loading = True
        if not self._said:  # never over the result of an action
            self.status.setText(translate("sent_screen", CHECKING))
            self._checking = True
        self.runner.submit("list shares", self.services.list_shares, self._on_rows)

    def _on_rows(self, outcome: TaskOutcome) -> None:
        self._loading = False
        if self._again:
            self.refresh()
        if not outcome.ok:
            self._say(
                translate("sent_screen", "Could not read the outbox: {error}").format(
                    error=outcome.error
                )
            )
            return
        self.set_rows(outcome.value)
        if self._checking:
            self.status.setText("")
        self._checking = False
        targets = sorted({r.target for r in self.rows if r.totals_only})
        if not targets:
            self.totals.setVisible(False)
            return

        def work(_p: Any, _c: Any) -> dict[str, dict[str, Any]]:
            return self.services.view_totals(targets)

        self.runner.submit("view totals", work, self._on_totals)

    def _on_totals(self, outcome: TaskOutcome) -> None:
        if not outcome.ok or not outcome.value:
            self.totals.setVisible(False)
            return
        lines = [totals_line(name, t) for name, t in sorted(outcome.value.items())]
        self.totals.setText("\n".join(lines) + "\n" + translate("sent_screen", TOTALS_TIP))
        self.totals.setVisible(True)

    def set_rows(self, rows: list[ShareRow]) -> None:
        selected = self.selected()
        self.rows = rows
        self.tree.clear()
        for share_row in rows:
            self.tree.addTopLevelItem(share_item(share_row, self.grace.waiting(share_row.entry_id)))
        keep = selected.entry_id if selected else (rows[0].entry_id if rows else None)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == keep:
                self.tree.setCurrentItem(item)
        self.empty.setVisible(not rows)
        self._sync_buttons()

    def selected(self) -> ShareRow | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        entry_id = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.rows if r.entry_id == entry_id), None)

    def _sync_buttons(self) -> None:
        row = self.selected()
        revoking = row is not None and self.grace.waiting(row.entry_id)
        alive = row is not None and row.state in ALIVE and bool(row.link) and not revoking
        self.copy_button.setEnabled(alive)  # never a dead link onto the clipboard
        extendable = row is not None and bool(row.link) and row.state in (*ALIVE, "expired")
        self.extend_button.setEnabled(extendable)
        self.revoke_button.setEnabled(
            row is not None and row.state in (*ALIVE, "expired") and not revoking
        )
        if row is not None and row.state in NOT_SENT:
            reason = row.note or translate("sent_screen", "the target could not be reached.")
            waiting = row.state == "queued"
            self.failure.show_problem(
                Problem(row.entry_id, reason, waiting, row.keychain_missing, bool(row.link))
            )
            self.detail.setText("")
        else:
            self.failure.clear()
            self.detail.setText(describe(row) if row is not None else "")

    def copy_link(self) -> None:
        row = self.selected()
        if row and row.link and row.state in ALIVE:
            QGuiApplication.clipboard().setText(row.link)
            flash_copied(self.copy_button)
            self._say(translate("sent_screen", "Link copied."))

    def extend(self) -> None:
        row = self.selected()
        if row is None:
            return
        # A locked expiry is the longest a link may live (services.extend refuses more).
        most = locked_expiry_days(self.services.settings()) or 365
        days, ok = QInputDialog.getInt(
            self,
            translate("sent_screen", "Extend link"),
            translate("sent_screen", "Keep the link working for (days):"),
            min(30, most),
            1,
            most,
        )
        if ok:
            self._act(
                "extend",
                lambda: self.services.extend(row.entry_id, days),
                translate("sent_screen", "Extended by {days} days.").format(days=days),
            )

    def revoke(self, confirmed: bool = False) -> None:
        row = self.selected()
        if row is None:
            return
        who = row.recipient or translate("sent_screen", "this share")
        if not confirmed and not confirm.ask(
            self,
            translate("sent_screen", "Revoke link"),
            translate(
                "sent_screen",
                "Revoke the link for {who}? The page will say the video is no longer available. "
                "You can undo it for a few seconds.",
            ).format(who=who),
            translate("sent_screen", "Revoke link"),
        ):
            return
        self._names[row.entry_id] = who
        self.grace.start(row.entry_id)

    def undo_revoke(self) -> None:
        row = self.selected()
        entry_id = row.entry_id if row and self.grace.waiting(row.entry_id) else self.grace.latest()
        if entry_id is not None and self.grace.undo(entry_id):
            self._say(
                translate("sent_screen", "Kept: the link for {who} still works.").format(
                    who=self._names.get(entry_id, translate("sent_screen", "this share"))
                )
            )

    def send_leftover_revokes(self) -> None:
        """Revokes confirmed before the app last quit that never reached the target."""
        for entry_id in self.grace.leftovers():
            self._revoke_now(entry_id)

    def shutdown(self) -> None:
        """On quit: the revokes still in their grace go now (the worker finishes them)."""
        self.grace.send_all_now()

    def _on_grace(self) -> None:
        waiting = self.grace.latest() is not None
        self.undo_button.setVisible(waiting)
        if waiting:
            self._tick.start()
            self._say_countdown()
        else:
            self._tick.stop()
        self.set_rows(self.rows)

    def _say_countdown(self) -> None:
        entry_id = self.grace.latest()
        if entry_id is not None:
            who = self._names.get(entry_id, translate("sent_screen", "this share"))
            left = self.grace.seconds_left(entry_id)
            self._say(
                translate(
                    "sent_screen",
                    "The link for {who} stops working in {left} s. Undo revoke keeps it.",
                ).format(who=who, left=left)
            )

    def _revoke_now(self, entry_id: int) -> None:
        def revoke(_p: Any, _c: Any) -> None:
            try:
                self.services.revoke(entry_id)
            finally:  # on the worker: a quit does not wait for the UI thread to hear of it
                self.grace.done(entry_id)

        def finished(outcome: TaskOutcome) -> None:
            self._say(
                said(
                    outcome,
                    translate("sent_screen", "Link revoked."),
                    translate("sent_screen", "Could not revoke: {error}"),
                )
            )
            self.refresh()

        self.runner.submit("revoke", revoke, finished, serial=True)

    # -- a send that did not go --------------------------------------------------------------
    def retry(self, entry_id: int) -> None:
        self.failure.set_busy(True)
        self._say(translate("sent_screen", "Sending again…"))

        def done(outcome: TaskOutcome) -> None:
            self.failure.set_busy(False)
            why = send_errors.reason(outcome.exception, outcome.error)
            self._say(
                translate("sent_screen", "Sent.")
                if outcome.ok
                else translate("sent_screen", "Not sent: {why}").format(why=why)
            )
            self.services.outbox_changed.emit()

        self.runner.submit(
            "retry send", lambda p, c: self.services.retry_entry(entry_id, p, c), done, serial=True
        )

    def delete(self, entry_id: int) -> None:
        def done(outcome: TaskOutcome) -> None:
            self._say(
                said(
                    outcome,
                    translate("sent_screen", "Deleted. Your recording is kept."),
                    translate("sent_screen", "Could not delete it: {error}"),
                )
            )
            self.refresh()

        failed_sends.delete_send(self, self.runner, self.services, entry_id, done)

    def save_video(self, entry_id: int) -> None:
        failed_sends.save_video(self, self.runner, self.services, entry_id, self.failure, self._say)

    def _act(self, name: str, fn: Any, done_text: str) -> None:
        def finished(outcome: TaskOutcome) -> None:
            self._say(
                said(
                    outcome,
                    done_text,
                    translate("sent_screen", "Could not extend the link: {error}"),
                )
            )
            self.refresh()

        self.runner.submit(name, lambda _p, _c: fn(), finished)
