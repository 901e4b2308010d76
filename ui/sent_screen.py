"""Sent: every share from this computer — a picture of the video, when it was sent (to the
second), its state in colour (waiting, uploading, live, expired, revoked, failed), views and
how much was watched; copy, extend, revoke (asked first, then undoable for a few seconds:
ui/revoke_grace.py). A send that did not go shows its
reason in view with the ways forward (Retry, Open Settings, Delete, Save the video elsewhere),
also after a restart: it is read from the outbox."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QTreeWidgetItem,
    QWidget,
)

from ui import confirm, failed_sends, send_errors
from ui.failure_panel import FailurePanel, Problem
from ui.layouts import button, item_list, label, row, screen
from ui.revoke_grace import RevokeGrace
from ui.services import Services
from ui.share_result import flash_copied
from ui.share_rows import ShareRow
from ui.tasks import Runner, TaskOutcome

COLUMNS = ("Recipient", "Sent", "State", "Views", "Watched", "Expires", "Target", "Link")
CHECKING = "Checking views…"
TOTALS_ONLY = "Totals only"
TOTALS_TIP = ("This server counts viewing only as totals over all your recipients: "
              "it never shows who watched.")  # fmt: skip
STATE_COLORS = {
    "live": "#1f8a4c",
    "uploading": "#2f6fed",
    "queued": "#b35c00",
    "expired": "#8a8f98",
    "revoked": "#d93036",
    "deleted": "#8a8f98",
    "failed": "#d93036",
    "cancelled": "#8a8f98",
}
STATE_WORDS = {
    "live": "Live",
    "uploading": "Uploading",
    "queued": "Waiting to send",
    "expired": "Expired",
    "revoked": "Revoked",
    "deleted": "Deleted (retention)",
    "failed": "Failed",
    "cancelled": "Cancelled",
}
ALIVE = ("live", "uploading", "queued")  # a link that opens (or will): Copy makes sense
NOT_SENT = ("failed", "queued")  # the failure panel offers the way forward


def _dot(color: str) -> QIcon:
    pm = QPixmap(12, 12)
    pm.fill(QColor(color))
    return QIcon(pm)


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

        title = label("Sent", "title", wrap=False)
        self.tree = item_list("Sent videos", COLUMNS)
        self.tree.setIconSize(QSize(72, 40))
        header = self.tree.header()
        header.setStretchLastSection(True)
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = label(
            "Nothing sent yet. Videos you send appear here with their views.", "hint"
        )
        self.detail = label("", name="About the selected share")
        self.failure = FailurePanel()
        self.failure.wire(self.retry, self.delete, self.save_video, self.open_settings.emit)
        self.status = label("", "hint")
        # Under the policy's analytics = "aggregate": all a rep may see of the viewing.
        self.totals = label("", "hint", name="View totals over all recipients")
        self.totals.setVisible(False)
        self.refresh_button = button("Refresh", "Refresh sent list", on_click=self.refresh)
        self.copy_button = button(
            "Copy link", "Copy link of the selected share", icon_name="copy",
            on_click=self.copy_link,
        )  # fmt: skip
        self.extend_button = button("Extend…", "Extend the selected share", on_click=self.extend)
        # Without an argument: the button must always ask (`revoke(confirmed=…)`).
        self.revoke_button = button("Revoke…", "Revoke the selected share", on_click=self.revoke)
        self.undo_button = button(
            "Undo revoke", "Undo the revoke: keep the link working", on_click=self.undo_revoke
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
        if not self._said:
            self.status.setText(CHECKING)  # never over the result of an action
            self._checking = True
        self.runner.submit("list shares", self.services.list_shares, self._on_rows)

    def _on_rows(self, outcome: TaskOutcome) -> None:
        self._loading = False
        if self._again:
            self.refresh()
        if not outcome.ok:
            self._say(f"Could not read the outbox: {outcome.error}")
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
        lines = [
            f"{name}: {t.get('opened', 0)} opened · {t.get('played', 0)} played · "
            f"{t.get('watched_to_end', 0)} to the end · {t.get('materials_opened', 0)} "
            f"materials opened, over all {t.get('shares', 0)} shares"
            for name, t in sorted(outcome.value.items())
        ]
        self.totals.setText("\n".join(lines) + "\n" + TOTALS_TIP)
        self.totals.setVisible(True)

    def set_rows(self, rows: list[ShareRow]) -> None:
        selected = self.selected()
        self.rows = rows
        self.tree.clear()
        for share_row in rows:
            self.tree.addTopLevelItem(self._item(share_row))
        keep = selected.entry_id if selected else (rows[0].entry_id if rows else None)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == keep:
                self.tree.setCurrentItem(item)
        self.empty.setVisible(not rows)
        self._sync_buttons()

    def _item(self, row: ShareRow) -> QTreeWidgetItem:
        watched = f"{row.watched}%" if row.views else "—"
        views = TOTALS_ONLY if row.totals_only else str(row.views)
        state = STATE_WORDS.get(row.state, row.state.capitalize())
        if self.grace.waiting(row.entry_id):
            state = "Revoking…"
        item = QTreeWidgetItem([
            row.recipient or "—", row.created, state, views, watched,
            (row.expires_at or "")[:10] or "—", row.target, row.link or "(not yet)",
        ])  # fmt: skip
        item.setData(0, Qt.ItemDataRole.UserRole, row.entry_id)
        if row.thumbnail is not None:
            item.setIcon(0, QIcon(str(row.thumbnail)))
        color = STATE_COLORS.get(row.state, "#8a8f98")
        item.setIcon(2, _dot(color))
        item.setForeground(2, QColor(color))
        font = item.font(2)
        font.setBold(True)
        item.setFont(2, font)
        for col in range(len(COLUMNS)):
            item.setToolTip(col, row.note or f"{row.recipient} · {row.created} · {state}")
        if row.totals_only:
            item.setToolTip(3, TOTALS_TIP)
        return item

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
            reason = row.note or "the target could not be reached."
            waiting = row.state == "queued"
            self.failure.show_problem(
                Problem(row.entry_id, reason, waiting, row.keychain_missing, bool(row.link))
            )
            self.detail.setText("")
        else:
            self.failure.clear()
            self.detail.setText(self._describe(row) if row is not None else "")

    @staticmethod
    def _describe(row: ShareRow) -> str:
        state = STATE_WORDS.get(row.state, row.state)
        if row.note:
            return f"{row.recipient or 'This share'} · {row.created} · {state}: {row.note}"
        return f"{row.recipient or 'This share'} · {row.created} · {state}"

    def copy_link(self) -> None:
        row = self.selected()
        if row and row.link and row.state in ALIVE:
            QGuiApplication.clipboard().setText(row.link)
            flash_copied(self.copy_button)
            self._say("Link copied.")

    def extend(self) -> None:
        row = self.selected()
        if row is None:
            return
        days, ok = QInputDialog.getInt(
            self, "Extend link", "Keep the link working for (days):", 30, 1, 365
        )
        if ok:
            self._act(
                "extend",
                lambda: self.services.extend(row.entry_id, days),
                f"Extended by {days} days.",
            )

    def revoke(self, confirmed: bool = False) -> None:
        row = self.selected()
        if row is None:
            return
        who = row.recipient or "this share"
        if not confirmed and not confirm.ask(
            self,
            "Revoke link",
            f"Revoke the link for {who}? The page will say the video is no longer available. "
            "You can undo it for a few seconds.",
            "Revoke link",
        ):
            return
        self._names[row.entry_id] = who
        self.grace.start(row.entry_id)

    def undo_revoke(self) -> None:
        row = self.selected()
        entry_id = row.entry_id if row and self.grace.waiting(row.entry_id) else self.grace.latest()
        if entry_id is not None and self.grace.undo(entry_id):
            self._say(f"Kept: the link for {self._names.get(entry_id, 'this share')} still works.")

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
            who = self._names.get(entry_id, "this share")
            left = self.grace.seconds_left(entry_id)
            self._say(f"The link for {who} stops working in {left} s. Undo revoke keeps it.")

    def _revoke_now(self, entry_id: int) -> None:
        def revoke(_p: Any, _c: Any) -> None:
            try:
                self.services.revoke(entry_id)
            finally:  # on the worker: a quit does not wait for the UI thread to hear of it
                self.grace.done(entry_id)

        def finished(outcome: TaskOutcome) -> None:
            self._say("Link revoked." if outcome.ok else f"Could not revoke: {outcome.error}")
            self.refresh()

        self.runner.submit("revoke", revoke, finished, serial=True)

    # -- a send that did not go --------------------------------------------------------------
    def retry(self, entry_id: int) -> None:
        self.failure.set_busy(True)
        self._say("Sending again…")

        def done(outcome: TaskOutcome) -> None:
            self.failure.set_busy(False)
            why = send_errors.reason(outcome.exception, outcome.error)
            self._say("Sent." if outcome.ok else f"Not sent: {why}")
            self.services.outbox_changed.emit()

        self.runner.submit(
            "retry send", lambda p, c: self.services.retry_entry(entry_id, p, c), done, serial=True
        )

    def delete(self, entry_id: int) -> None:
        def done(outcome: TaskOutcome) -> None:
            self._say(
                "Deleted. Your recording is kept."
                if outcome.ok
                else f"Could not delete it: {outcome.error}"
            )
            self.refresh()

        failed_sends.delete_send(self, self.runner, self.services, entry_id, done)

    def save_video(self, entry_id: int) -> None:
        def done(outcome: TaskOutcome) -> None:
            self.failure.set_busy(False)
            self._say(
                f"Saved the video as {outcome.value}."
                if outcome.ok
                else f"Could not save the video: {outcome.error}"
            )

        if failed_sends.save_video(self, self.runner, self.services, entry_id, done):
            self.failure.set_busy(True)
            self._say("Saving the video…")

    def _act(self, name: str, fn: Any, done_text: str) -> None:
        def finished(outcome: TaskOutcome) -> None:
            self._say(done_text if outcome.ok else f"Could not {name}: {outcome.error}")
            self.refresh()

        self.runner.submit(name, lambda _p, _c: fn(), finished)
