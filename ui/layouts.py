"""How the screens build their widgets and layouts: every screen has the same outer column
(margins, spacing), its buttons and labels carry an accessible name, and rows and columns are
written as the list of what they hold. One place for these keeps the screens alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from ui.theme import icon

# What a row or a column holds, in order: a widget or a layout; (widget or layout, stretch);
# a bare int is a stretch of that weight (empty space that grows).
Part = QWidget | QLayout | int | tuple[QWidget | QLayout, int]
W = TypeVar("W", bound=QWidget)


def fill(layout: QBoxLayout, *parts: Part) -> QBoxLayout:
    for part in parts:
        item, stretch = part if isinstance(part, tuple) else (part, 0)
        if isinstance(item, int):
            layout.addStretch(item)
        elif isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


def row(*parts: Part) -> QHBoxLayout:
    layout = QHBoxLayout()
    fill(layout, *parts)
    return layout


def column(*parts: Part) -> QVBoxLayout:
    layout = QVBoxLayout()
    fill(layout, *parts)
    return layout


def screen(owner: QWidget, *parts: Part) -> QVBoxLayout:
    """The outer column of a screen (or of a screen's scrolled content)."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(24, 20, 24, 20)
    layout.setSpacing(12)
    fill(layout, *parts)
    return layout


def named(widget: W, name: str, tip: str | None = None) -> W:
    """`widget` with the name a screen reader says (and the tooltip, if any)."""
    widget.setAccessibleName(name)
    if tip is not None:
        widget.setToolTip(tip)
    return widget


def button(
    text: str,
    name: str | None = None,
    *,
    icon_name: str = "",
    on_click: Callable[[], object] | None = None,
) -> QPushButton:
    """A push button, named for a screen reader (by its text unless `name` says more), and
    what a click does. The slot is called without the `checked` argument `clicked` passes."""
    b = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
    if on_click is not None:
        b.clicked.connect(lambda: on_click())
    return named(b, name or text)


def label(
    text: str = "", role: str | None = None, name: str | None = None, *, wrap: bool = True
) -> QLabel:
    """A label in a theme role ("title", "hint", "warning", …), wrapping unless told not to,
    named if a screen reader should announce it by name."""
    lab = QLabel(text)
    if role is not None:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    if name is not None:
        lab.setAccessibleName(name)
    return lab


def line_edit(placeholder: str, name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return named(edit, name)


def combo(name: str, placeholder: str = "") -> QComboBox:
    box = named(QComboBox(), name)
    if placeholder:
        box.setPlaceholderText(placeholder)
    return box


def item_list(name: str, columns: Sequence[str]) -> QTreeWidget:
    """A flat list with columns (no tree lines), rows striped and of one height."""
    tree = named(QTreeWidget(), name)
    tree.setHeaderLabels(list(columns))
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    return tree
