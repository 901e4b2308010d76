"""The physician's language for the share page, picked in Personalize. The default is the
language of this recipient's last send, else the rep's own (the OS locale), else English;
each send remembers its recipient's language (ui.ini)."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from rep_video.share import page_i18n
from ui.i18n import translate
from ui.state import ui_settings

_KEY = "recipient_languages"


def rep_language() -> str:
    return page_i18n.normalize(QLocale.system().name()) or page_i18n.DEFAULT


def _recipient_key(name: str) -> str:
    # QSettings keys: no slashes; one recipient whatever the spacing or case.
    return " ".join(name.casefold().split()).replace("/", " ").replace("\\", " ")


def last_language(recipient: str) -> str | None:
    if not recipient.strip():
        return None
    value = ui_settings().value(f"{_KEY}/{_recipient_key(recipient)}")
    return page_i18n.normalize(str(value)) if value else None


def remember_language(recipient: str, language: str) -> None:
    if recipient.strip() and page_i18n.normalize(language):
        settings = ui_settings()
        settings.setValue(f"{_KEY}/{_recipient_key(recipient)}", language)
        settings.sync()


class LanguagePicker(QComboBox):
    """Each language in its own name ("Deutsch", "日本語"), so a rep finds the physician's."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(translate("language_picker", "Language of the physician's page"))
        for code in page_i18n.LANGUAGES:
            self.addItem(page_i18n.language_name(code, code).capitalize(), code)
        self.chosen_by_rep = False  # once the rep picks, a typed name no longer changes it
        self.activated.connect(self._on_activated)
        self.set_language(rep_language())

    def language(self) -> str:
        return str(self.currentData())

    def set_language(self, code: str) -> None:
        index = self.findData(page_i18n.normalize(code) or page_i18n.DEFAULT)
        self.setCurrentIndex(max(0, index))

    def follow_recipient(self, recipient: str) -> None:
        """The default for this recipient, unless the rep has picked one for this draft."""
        if not self.chosen_by_rep:
            self.set_language(last_language(recipient) or rep_language())

    def reset(self) -> None:
        self.chosen_by_rep = False
        self.set_language(rep_language())

    def _on_activated(self, _index: int) -> None:
        self.chosen_by_rep = True
        self.picked.emit(self.language())
