"""The message-template picker of Personalize: the catalog's approved templates that are in
date today, each with its approval code, and how free the message is under the policy."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from rep_video.content.catalog import Catalog
from ui.i18n import QT_TRANSLATE_NOOP, translate

CHOOSE = QT_TRANSLATE_NOOP("template_picker", "Choose a template…")
ONLY_TEMPLATES = QT_TRANSLATE_NOOP(
    "template_picker", "Your administrator allows only approved templates: the names are filled in."
)


def fill_template_picker(combo: QComboBox, catalog: Catalog, current: str, today: date) -> bool:
    """List `catalog`'s templates valid `today`; True when `current` is still among them
    (then it stays selected)."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(translate("template_picker", CHOOSE), "")
    for t in catalog.templates:
        if t.window_availability(today).ok:
            combo.addItem(f"{t.title} ({t.approval_code})", t.id)
    index = combo.findData(current) if current else -1
    combo.setCurrentIndex(max(0, index))
    combo.blockSignals(False)
    return index >= 0


def apply_message_mode(message: QPlainTextEdit, mode: str) -> None:
    """templates_only: the message is the template, filled from the names typed above."""
    only = mode == "templates_only"
    message.setReadOnly(only)
    message.setToolTip(translate("template_picker", ONLY_TEMPLATES) if only else "")
