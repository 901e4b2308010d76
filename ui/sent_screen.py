"""Sent: every share from this computer with its state (queued, uploading, live, expired,
revoked), views and how much was watched; revoke, extend, copy link."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.services import Services, ShareRow
from ui.tasks import Runner, TaskOutcome
from ui.theme import icon

COLUMNS = ("Recipient", "Sent", "State", "Views", "Watched", "Expires", "Target", "Link")
CHECKING = "Checking views…"
STATE_COLORS = {
    "live": "#1f8a4c",
    "uploading": "#2f6fed",
    "queued": "#b35c00",
    "expired": "#8a8f98",
    "revoked": "#d93036",
    "failed": "#d93036",
}


class SentScreen(QWidget):
    def __init__(self, runner: Runner, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self.rows: list[ShareRow] = []
        self._loading = False
        self._again = False

        title = QLabel("Sent")
        title.setProperty("role", "title")
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Sent videos")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("Nothing sent yet. Videos you send appear here with their views.")
        self.empty.setProperty("role", "hint")
        self.empty.setWordWrap(True)
        self.status = QLabel("")
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh sent list")
        self.copy_button = QPushButton(icon("copy"), "Copy link")
        self.copy_button.setAccessibleName("Copy link of the selected share")
        self.extend_button = QPushButton("Extend…")
        self.extend_button.setAccessibleName("Extend the selected share")
        self.revoke_button = QPushButton("Revoke")
        self.revoke_button.setAccessibleName("Revoke the selected share")

        buttons = QHBoxLayout()
        for b in (self.copy_button, self.extend_button, self.revoke_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

        self.refresh_button.clicked.connect(self.refresh)
        self.copy_button.clicked.connect(self.copy_link)
        self.extend_button.clicked.connect(self.extend)
        self.revoke_button.clicked.connect(self.revoke)
        self.tree.itemSelectionChanged.connect(self._sync_buttons)
        self.services.outbox_changed.connect(self.refresh)
        self._sync_buttons()

    def busy(self) -> bool:
        return self._loading

    def refresh(self) -> None:
        if self._loading:
            self._again = True  # asked again mid-load: load once more when this one ends
            return
        self._again = False
        self._loading = True
        if not self.status.text():
            self.status.setText(CHECKING)  # never over the result of an action
        self.runner.submit("list shares", self.services.list_shares, self._on_rows)

    def _on_rows(self, outcome: TaskOutcome) -> None:
        self._loading = False
        if self._again:
            self.refresh()
        if not outcome.ok:
            self.status.setText(f"Could not read the outbox: {outcome.error}")
            return
        self.set_rows(outcome.value)
        if self.status.text() == CHECKING:
            self.status.setText("")

    def set_rows(self, rows: list[ShareRow]) -> None:
        selected = self.selected()
        self.rows = rows
        self.tree.clear()
        for row in rows:
            watched = f"{row.watched}%" if row.views else "—"
            item = QTreeWidgetItem([
                row.recipient or "—", row.created, row.state, str(row.views), watched,
                (row.expires_at or "")[:10] or "—", row.target, row.link or "(not yet)",
            ])  # fmt: skip
            item.setData(0, Qt.ItemDataRole.UserRole, row.entry_id)
            item.setForeground(2, QColor(STATE_COLORS.get(row.state, "#8a8f98")))
            if row.note:
                for col in range(len(COLUMNS)):
                    item.setToolTip(col, row.note)
            self.tree.addTopLevelItem(item)
            if selected and selected.entry_id == row.entry_id:
                item.setSelected(True)
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
        live = row is not None and row.state in ("live", "uploading", "queued", "expired")
        self.copy_button.setEnabled(bool(row and row.link))
        self.extend_button.setEnabled(bool(row and row.link) and live)
        self.revoke_button.setEnabled(live)

    def copy_link(self) -> None:
        row = self.selected()
        if row and row.link:
            QGuiApplication.clipboard().setText(row.link)
            self.status.setText("Link copied.")

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

    def revoke(self, confirm: bool = True) -> None:
        row = self.selected()
        if row is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                "Revoke link",
                f"Revoke the link for {row.recipient or 'this share'}? The page will say the "
                "video is no longer available. This cannot be undone.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._act("revoke", lambda: self.services.revoke(row.entry_id), "Link revoked.")

    def _act(self, name: str, fn: Any, done_text: str) -> None:
        def finished(outcome: TaskOutcome) -> None:
            self.status.setText(done_text if outcome.ok else f"Could not {name}: {outcome.error}")
            self.refresh()

        self.runner.submit(name, lambda _p, _c: fn(), finished)
