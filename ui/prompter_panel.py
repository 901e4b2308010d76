"""Teleprompter controls: the script (with {hcp_name}, {rep_name} fields), on/off and speed.
Until the recipient (or the rep's own name) is known the fields read as what goes there, never
an invented name; speed is in words (slow … fast), as lines of text per second, so it reads the
same whatever the size of the window."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from rep_video.content.templates import MessageTemplate
from ui.i18n import QT_TRANSLATE_NOOP, translate
from ui.script_picker import fill_script_picker

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
        # The admin's approved scripts; the one picked while its text is unedited.
        self.approved = QComboBox()
        self.approved.setAccessibleName(translate("prompter_panel", "Approved teleprompter script"))
        self.approval_note = QLabel()
        self.approval_note.setProperty("role", "hint")
        self.approval_note.setAccessibleName(
            translate("prompter_panel", "Approval of the teleprompter script")
        )
        self._scripts: tuple[MessageTemplate, ...] = ()
        self._chosen: tuple[MessageTemplate, str] | None = None  # (script, its text shown)
        self.language = "en"  # the language a picked script is shown in, when it has it
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
        layout.addWidget(self.approved)
        layout.addWidget(self.approval_note)
        layout.addWidget(self.script, 1)
        layout.addWidget(self.wording_note)
        layout.addWidget(hint)
        layout.addLayout(row)

        self.enabled_box.toggled.connect(self._sync)
        self.speed.valueChanged.connect(self._sync)
        self.script.textChanged.connect(self._edited)
        self.script.textChanged.connect(self.changed)
        self.approved.activated.connect(self._pick)
        self.set_scripts((), date.today())
        self._sync()

    # -- approved scripts ----------------------------------------------------------------------
    def set_scripts(self, scripts: Sequence[MessageTemplate], today: date) -> None:
        """The catalog's approved scripts; one picked and no longer in date is dropped."""
        self._scripts = tuple(scripts)
        current = self._chosen[0].id if self._chosen else ""
        if not fill_script_picker(self.approved, self._scripts, current, today):
            self._chosen = None
            self.approval_note.setText("")
        self.approval_note.setVisible(bool(self.approval_note.text()))

    def _pick(self) -> None:
        script_id = self.approved.currentData() or ""
        script = next((s for s in self._scripts if s.id == script_id), None)
        if script is None:
            self._chosen = None
            self.approval_note.setText("")
        else:
            text = script.text_for(self.language)[0]
            self._chosen = (script, text)
            self.script.setPlainText(text)
            self.approval_note.setText(
                translate("prompter_panel", "Approved script %1").replace(
                    "%1", script.approval_code
                )
            )
        self.approval_note.setVisible(bool(self.approval_note.text()))

    def _edited(self) -> None:
        if self._chosen is not None and self.script.toPlainText() != self._chosen[1]:
            self._chosen = None  # the rep's own words now: no longer what MLR approved
            self.approved.setCurrentIndex(0)
            self.approval_note.setText(
                translate("prompter_panel", "Edited: no longer the approved script.")
            )
            self.approval_note.setVisible(True)

    def script_id(self) -> str | None:
        """The approved script on the teleprompter, unedited; None: the rep's own."""
        return self._chosen[0].id if self._chosen else None

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
