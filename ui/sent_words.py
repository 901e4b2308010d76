"""The Sent list's words: its columns, each state's name and colour, a row's one-line
description and a server's view totals, in the rep's language."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QTreeWidgetItem

from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.share_rows import ShareRow
from ui.tasks import TaskOutcome

COLUMNS = (
    QT_TRANSLATE_NOOP("sent_screen", "Recipient"),
    QT_TRANSLATE_NOOP("sent_screen", "Sent"),
    QT_TRANSLATE_NOOP("sent_screen", "State"),
    QT_TRANSLATE_NOOP("sent_screen", "Views"),
    QT_TRANSLATE_NOOP("sent_screen", "Watched"),
    QT_TRANSLATE_NOOP("sent_screen", "Expires"),
    QT_TRANSLATE_NOOP("sent_screen", "Target"),
    QT_TRANSLATE_NOOP("sent_screen", "Link"),
    QT_TRANSLATE_NOOP("sent_screen", "Answer"),  # the physician's, from the page
)
CHECKING = QT_TRANSLATE_NOOP("sent_screen", "Checking views…")
TOTALS_ONLY = QT_TRANSLATE_NOOP("sent_screen", "Totals only")
TOTALS_TIP = QT_TRANSLATE_NOOP(
    "sent_screen",
    "This server counts viewing only as totals over all your recipients: "
    "it never shows who watched.",
)
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
    "live": QT_TRANSLATE_NOOP("sent_screen", "Live"),
    "uploading": QT_TRANSLATE_NOOP("sent_screen", "Uploading"),
    "queued": QT_TRANSLATE_NOOP("sent_screen", "Waiting to send"),
    "expired": QT_TRANSLATE_NOOP("sent_screen", "Expired"),
    "revoked": QT_TRANSLATE_NOOP("sent_screen", "Revoked"),
    "deleted": QT_TRANSLATE_NOOP("sent_screen", "Deleted (retention)"),
    "failed": QT_TRANSLATE_NOOP("sent_screen", "Failed"),
    "cancelled": QT_TRANSLATE_NOOP("sent_screen", "Cancelled"),
}
ALIVE = ("live", "uploading", "queued")  # a link that opens (or will): Copy makes sense
NOT_SENT = ("failed", "queued")  # the failure panel offers the way forward


def describe(row: ShareRow) -> str:
    """The line under the list for the selected share."""
    state = translate("sent_screen", STATE_WORDS.get(row.state, row.state))
    who = row.recipient or translate("sent_screen", "This share")
    if row.note:
        return translate("sent_screen", "{who} · {created} · {state}: {note}").format(
            who=who, created=row.created, state=state, note=row.note
        )
    return translate("sent_screen", "{who} · {created} · {state}").format(
        who=who, created=row.created, state=state
    )


def totals_line(name: str, t: dict[str, Any]) -> str:
    """One server's view totals over all recipients."""
    return translate(
        "sent_screen",
        "{name}: {opened} opened · {played} played · {ended} to the end · {materials} "
        "materials opened, over all {shares} shares",
    ).format(
        name=name,
        opened=t.get("opened", 0),
        played=t.get("played", 0),
        ended=t.get("watched_to_end", 0),
        materials=t.get("materials_opened", 0),
        shares=t.get("shares", 0),
    )


def said(outcome: TaskOutcome, done: str, failed: str) -> str:
    """What the status line says after an action: `done`, or `failed` with its {error}."""
    return done if outcome.ok else failed.format(error=outcome.error)


def _dot(color: str) -> QIcon:
    pm = QPixmap(12, 12)
    pm.fill(QColor(color))
    return QIcon(pm)


def share_item(row: ShareRow, revoking: bool) -> QTreeWidgetItem:
    """The list's row for one share (`revoking`: its revoke waits out the undo grace)."""
    watched = f"{row.watched}%" if row.views else "—"
    views = translate("sent_screen", TOTALS_ONLY) if row.totals_only else str(row.views)
    state = translate("sent_screen", STATE_WORDS.get(row.state, row.state.capitalize()))
    if revoking:
        state = translate("sent_screen", "Revoking…")
    item = QTreeWidgetItem([
        row.recipient or "—", row.created, state, views, watched,
        (row.expires_at or "")[:10] or "—", row.target,
        row.link or translate("sent_screen", "(not yet)"),
        row.answer or "—",
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
        item.setToolTip(3, translate("sent_screen", TOTALS_TIP))
    return item
