"""Approved content picker over the catalog: search by title or approval code; each row shows
the approval code, version and expiry. Items that may not be sent today (expired, not yet
valid, withdrawn, file changed) stay visible and reachable with the keyboard, but cannot be
ticked; the reason of the current row is written under the list, and every row's full title is
in its tooltip (titles are elided in a narrow window)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rep_video.content import Catalog, ContentItem
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.theme import icon

# The version is in the line under the list and in the tooltip: five columns do not fit the
# content list at 1024×640.
COLUMNS = (
    QT_TRANSLATE_NOOP("content_picker", "Title"),
    QT_TRANSLATE_NOOP("content_picker", "Approval code"),
    QT_TRANSLATE_NOOP("content_picker", "Expires"),
    QT_TRANSLATE_NOOP("content_picker", "Status"),
)


class ContentPicker(QWidget):
    selection_changed = Signal(tuple)  # ids of the checked items

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate("content_picker", "Search approved content by title or approval code")
        )
        self.search.setAccessibleName(translate("content_picker", "Search approved content"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(translate("content_picker", "Approved content"))
        self.tree.setHeaderLabels([translate("content_picker", c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(translate("content_picker", "Selected content"))
        self.message = QLabel("")
        self.message.setProperty("role", "hint")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        self.search.textChanged.connect(self._filter)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda item, _old: self._show_detail(item))
        self._items: dict[str, QTreeWidgetItem] = {}
        self._blocked: dict[str, str] = {}  # id → why it may not be sent today

    def set_catalog(
        self,
        catalog: Catalog | None,
        availability: dict[str, tuple[bool, str]],
        selected: tuple[str, ...] = (),
        error: str | None = None,
        source: str | None = None,
    ) -> None:
        """`availability` maps item id → (ok, reason), computed on a worker (it reads files);
        `source` says where a catalog not read from a file came from (and how old it is)."""
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        self._blocked = {}
        if catalog is not None:
            for item in catalog.items:
                ok, reason = availability.get(
                    item.id, (False, translate("content_picker", "not checked"))
                )
                row = self._row(item, ok, reason, item.id in selected)
                self.tree.addTopLevelItem(row)
                self._items[item.id] = row
        self.tree.blockSignals(False)
        if error:
            self.message.setProperty("role", "error")
            self.message.setText(error)
        elif catalog is not None:
            self.message.setProperty("role", "hint")
            usable = sum(1 for ok, _ in availability.values() if ok)
            self.message.setText(
                translate(
                    "content_picker",
                    "{usable} of {items} items can be sent today · catalog {value} · page "
                    "approval code {page_approval_code}",
                ).format(
                    usable=usable,
                    items=len(catalog.items),
                    value=source or catalog.path.name,
                    page_approval_code=catalog.page_approval_code,
                )
            )
        self.message.style().polish(self.message)
        self._filter(self.search.text())
        self._show_detail(self.tree.currentItem())

    def _row(self, item: ContentItem, ok: bool, reason: str, checked: bool) -> QTreeWidgetItem:
        status = translate("content_picker", "Available") if ok else short_reason(reason)
        row = QTreeWidgetItem([item.title, item.approval_code, item.expires.isoformat(), status])
        row.setData(0, Qt.ItemDataRole.UserRole, item.id)
        row.setData(1, Qt.ItemDataRole.UserRole, item.version)
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if ok:
            row.setFlags(base | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            for col in range(len(COLUMNS)):
                row.setToolTip(
                    col,
                    translate("content_picker", "{title} — version {version}").format(
                        title=item.title, version=item.version
                    ),
                )
        else:
            # Enabled (so the keyboard reaches it and its reason can be read) but not
            # checkable; greyed like a disabled row, with a blocked mark instead of a box.
            self._blocked[item.id] = reason
            row.setFlags(base)
            row.setIcon(0, icon("lock"))
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            for col in range(len(COLUMNS)):
                row.setForeground(col, grey)
                row.setToolTip(
                    col,
                    translate("content_picker", "{title} — cannot be attached: {reason}").format(
                        title=item.title, reason=reason
                    ),
                )
        row.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, status)
        return row

    def _show_detail(self, row: QTreeWidgetItem | None) -> None:
        if row is None:
            self.detail.setText("")
            return
        item_id = str(row.data(0, Qt.ItemDataRole.UserRole))
        title = row.text(0)
        if item_id in self._blocked:
            self.detail.setProperty("role", "warning")
            self.detail.setText(
                translate("content_picker", "{title}: cannot be attached — {value}.").format(
                    title=title, value=self._blocked[item_id]
                )
            )
        else:
            self.detail.setProperty("role", "hint")
            version = row.data(1, Qt.ItemDataRole.UserRole)
            self.detail.setText(
                translate("content_picker", "{title} · {text} · version {version}").format(
                    title=title, text=row.text(1), version=version
                )
            )
        self.detail.style().polish(self.detail)

    def available(self, item_id: str) -> bool:
        return item_id in self._items and item_id not in self._blocked

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in self._items.values():
            hay = f"{row.text(0)} {row.text(1)}".casefold()
            row.setHidden(bool(needle) and needle not in hay)

    def _on_item_changed(self, _item: QTreeWidgetItem, _col: int) -> None:
        self.selection_changed.emit(self.selected_ids())

    def selected_ids(self) -> tuple[str, ...]:
        return tuple(
            item_id
            for item_id, row in self._items.items()
            if row.checkState(0) == Qt.CheckState.Checked
        )

    def row_for(self, item_id: str) -> QTreeWidgetItem | None:
        return self._items.get(item_id)

    def set_selected(self, ids: tuple[str, ...]) -> None:
        if not self._items:
            return  # not loaded yet: set_catalog ticks the draft's ids when it comes
        for item_id, row in self._items.items():
            if self.available(item_id):
                want = Qt.CheckState.Checked if item_id in ids else Qt.CheckState.Unchecked
                row.setCheckState(0, want)
        self.selection_changed.emit(self.selected_ids())

    def set_checked(self, item_id: str, checked: bool) -> bool:
        """Check an item as a user would; refused (False) for disabled items."""
        row = self._items.get(item_id)
        if row is None or not self.available(item_id):
            return False
        row.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return True


def short_reason(reason: str) -> str:
    """A column-sized reason; the full one is in the tooltip ("expired on 2025-06-30" →
    "Expired": the expiry date has its own column)."""
    if reason.startswith("expired"):
        return translate("content_picker", "Expired")
    if reason.startswith("not valid until"):
        # the date is in the reason under the list
        return translate("content_picker", "Not valid yet")
    return reason[:1].upper() + reason[1:]


def compute_availability(catalog: Catalog, today: date) -> dict[str, tuple[bool, str]]:
    """On a worker: checking file checksums reads the files."""
    result: dict[str, tuple[bool, str]] = {}
    for item in catalog.items:
        a = item.availability(today)
        result[item.id] = (a.ok, a.reason)
    return result
