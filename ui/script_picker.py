"""The teleprompter's picker of approved scripts (`[[scripts]]` in the catalog, or the share
server's): those in date today, each with its approval code. A picked script is the
teleprompter's text; while the rep leaves it as approved the take names it (its id and
approval code travel with the send, and its captions are aligned from it); edited, it is the
rep's own script again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QComboBox

from rep_video.content.templates import MessageTemplate
from ui.i18n import QT_TRANSLATE_NOOP, translate

OWN_SCRIPT = QT_TRANSLATE_NOOP("script_picker", "Your own script")


def fill_script_picker(
    combo: QComboBox, scripts: Sequence[MessageTemplate], current: str, today: date
) -> bool:
    """List the `scripts` valid `today` after "your own script"; True when `current` is
    still among them (then it stays selected)."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(translate("script_picker", OWN_SCRIPT), "")
    for s in scripts:
        if s.window_availability(today).ok:
            combo.addItem(f"{s.title} ({s.approval_code})", s.id)
    index = combo.findData(current) if current else -1
    combo.setCurrentIndex(max(0, index))
    combo.blockSignals(False)
    combo.setVisible(combo.count() > 1)  # no approved scripts: nothing to pick
    return index >= 0
