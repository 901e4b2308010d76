"""Teleprompter controls: the script (with {hcp_name}, {rep_name} fields), on/off and speed.
Until the recipient (or the rep's own name) is known the fields read as what goes there, never
an invented name; speed is in words (slow … fast), as lines of text per second, so it reads the
same whatever the size of the window."""

from __future__ import annotations

import string
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import QT_TRANSLATE_NOOP, translate

DEFAULT_SCRIPT = QT_TRANSLATE_NOOP(
    "prompter_panel",
    "Hi {hcp_name}, it's {rep_name}.\n"
    "Thank you for your time today. As promised, here is the summary we discussed, "
    "and the approved material is linked below this video.\n"
    "If you have any questions, reply to this message or call me. Have a great day!",
)


HCP_PLACEHOLDER = QT_TRANSLATE_NOOP("prompter_panel", "[recipient's name]")
REP_PLACEHOLDER = QT_TRANSLATE_NOOP("prompter_panel", "[your name]")
# Lines of script per second for each step of the speed slider.
SPEEDS = (
    (QT_TRANSLATE_NOOP("prompter_panel", "Very slow"), 0.15),
    (QT_TRANSLATE_NOOP("prompter_panel", "Slow"), 0.25),
    (QT_TRANSLATE_NOOP("prompter_panel", "Normal"), 0.35),
    (QT_TRANSLATE_NOOP("prompter_panel", "Fast"), 0.5),
    (QT_TRANSLATE_NOOP("prompter_panel", "Very fast"), 0.7),
)
NORMAL = 2


def prompter_fields(hcp: str, rep: str) -> dict[str, str]:
    return {
        "hcp_name": hcp or translate("prompter_panel", HCP_PLACEHOLDER),
        "rep_name": rep or translate("prompter_panel", REP_PLACEHOLDER),
    }


class _Fields(dict[str, str]):
    """Unknown {fields} stay as they are instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_fields(template: str, values: Mapping[str, str]) -> str:
    """Fill {hcp_name}-style fields; unknown fields and stray braces are left untouched."""
    try:
        return string.Formatter().vformat(template, (), _Fields(values))
    except (ValueError, IndexError):
        return template  # a lone "{" in the script: show it as typed


class PrompterPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled_box = QCheckBox(translate("prompter_panel", "Teleprompter"))
        self.enabled_box.setAccessibleName(translate("prompter_panel", "Show teleprompter"))
        self.script = QPlainTextEdit(translate("prompter_panel", DEFAULT_SCRIPT))
        self.script.setAccessibleName(translate("prompter_panel", "Teleprompter script"))
        self.script.setPlaceholderText(
            translate("prompter_panel", "Your script; {hcp_name} and {rep_name} are filled in.")
        )
        self.script.setTabChangesFocus(True)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setValue(NORMAL)
        self.speed.setAccessibleName(translate("prompter_panel", "Teleprompter scroll speed"))
        self.speed_label = QLabel()
        hint = QLabel(translate("prompter_panel", "Fields: {hcp_name}, {rep_name}"))
        hint.setProperty("role", "hint")
        # Restricted words in the script and why (ui/wording_watch.py fills it).
        self.wording_note = QLabel()
        self.wording_note.setWordWrap(True)
        self.wording_note.setAccessibleName(
            translate("prompter_panel", "Restricted words in the script")
        )

        row = QHBoxLayout()
        row.addWidget(QLabel(translate("prompter_panel", "Speed")))
        row.addWidget(self.speed, 1)
        row.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled_box)
        layout.addWidget(self.script, 1)
        layout.addWidget(self.wording_note)
        layout.addWidget(hint)
        layout.addLayout(row)

        self.enabled_box.toggled.connect(self._sync)
        self.speed.valueChanged.connect(self._sync)
        self.script.textChanged.connect(self.changed)
        self._sync()

    def lines_per_second(self) -> float:
        return SPEEDS[self.speed.value()][1]

    def _sync(self) -> None:
        words = translate("prompter_panel", SPEEDS[self.speed.value()][0])
        self.speed_label.setText(words)
        self.speed.setAccessibleDescription(words)
        self.script.setEnabled(True)
        self.changed.emit()

    def text(self, values: Mapping[str, str]) -> str:
        return fill_fields(self.script.toPlainText(), values)
