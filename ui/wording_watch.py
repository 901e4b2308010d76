"""Restricted words as the rep types (the message in Personalize, the teleprompter script):
the catalog's list is matched on a worker a moment after the last keystroke, the matches are
highlighted in the text (red: cannot be sent; amber: must be confirmed) and each reason is
written under the field. The UI thread only paints what the worker found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit
from shiboken6 import isValid

from rep_video.content.restricted import RestrictedTerm, matcher_for
from ui.i18n import translate
from ui.tasks import Runner, TaskOutcome

DEBOUNCE_MS = 150
BLOCK_COLOUR = "#f8c9c4"
WARN_COLOUR = "#fbe3a6"


@dataclass(frozen=True, slots=True)
class Hit:
    """One match, with its place in the editor's own units (UTF-16, as Qt counts)."""

    start: int
    end: int
    matched: str
    reason: str
    blocks: bool
    term: str


def find_hits(terms: tuple[RestrictedTerm, ...], text: str) -> tuple[Hit, ...]:
    """The matches of `terms` in `text` (run on a worker)."""
    if not terms:
        return ()
    hits = []
    for m in matcher_for(terms).find(text):
        start = _utf16(text, m.start)
        hits.append(Hit(start, start + _utf16(m.matched, len(m.matched)), m.matched,
                        m.term.reason, m.term.blocks, m.term.term))  # fmt: skip
    return tuple(hits)


def _utf16(text: str, index: int) -> int:
    head = text[:index]
    return len(head) if head.isascii() else len(head.encode("utf-16-le")) // 2


def describe(hits: Sequence[Hit]) -> str:
    """The reasons, one line per term, as shown under the field."""
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for h in hits:
        key = (h.matched.casefold(), h.term)
        if key in seen:
            continue
        seen.add(key)
        what = (
            translate("wording_watch", "cannot be sent")
            if h.blocks
            else translate("wording_watch", "you will be asked to confirm")
        )
        lines.append(f"\u201c{h.matched}\u201d: {h.reason} ({what})")
    return "\n".join(lines)


class WordingWatch(QObject):
    """Watches one editor; `note` is the label under it. `hits` are the last matches."""

    checked = Signal()

    def __init__(self, editor: QPlainTextEdit, note: QLabel, runner: Runner) -> None:
        super().__init__(editor)
        self.editor, self.note, self.runner = editor, note, runner
        self.terms: tuple[RestrictedTerm, ...] = ()
        self.hits: tuple[Hit, ...] = ()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._check)
        editor.textChanged.connect(self._timer.start)
        note.setVisible(False)

    @property
    def blocking(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.blocks)

    def set_terms(self, terms: Sequence[RestrictedTerm]) -> None:
        self.terms = tuple(terms)
        self._check()

    def _check(self) -> None:
        terms, text = self.terms, self.editor.toPlainText()

        def work(_p: Any, _c: Any) -> tuple[str, tuple[Hit, ...]]:
            return text, find_hits(terms, text)

        self.runner.submit("check wording", work, self._show)

    def _show(self, outcome: TaskOutcome) -> None:
        if not outcome.ok or not isValid(self.editor):
            return  # or the window closed while the check ran
        text, hits = outcome.value
        if text != self.editor.toPlainText():
            return  # typed since: the next check is on its way
        self.hits = hits
        selections = []
        for h in hits:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(BLOCK_COLOUR if h.blocks else WARN_COLOUR))
            fmt.setToolTip(h.reason)
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(h.start)
            cursor.setPosition(h.end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.editor.setExtraSelections(selections)
        self.note.setText(describe(hits))
        self.note.setVisible(bool(hits))
        self.note.setProperty("role", "error" if self.blocking else "warning")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)
        self.checked.emit()
