"""The physician's language in Personalize: the default follows the recipient's last send,
else the rep's own locale; templates come in that language or say they fall back; the send
request carries it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from rep_video.share import page_i18n
from ui.language_picker import last_language, remember_language, rep_language
from ui.services import request_from_draft
from ui.window import MainWindow

pytestmark = pytest.mark.gui


def test_the_default_follows_the_recipients_last_send(window: MainWindow, qtbot: QtBot) -> None:
    p = window.personalize
    remember_language("Dr.  Anna Weber", "de")
    assert last_language("dr. anna weber") == "de"  # one recipient whatever case and spacing
    p.name.setText("Dr. Anna Weber")
    assert p.language.language() == "de"
    assert window.drafts.draft.language == "de"
    p.name.setText("Dr. Someone New")
    assert p.language.language() == rep_language()
    assert rep_language() in page_i18n.LANGUAGES
    # Once the rep picks, typing the name no longer changes it.
    p.language.setCurrentIndex(p.language.findData("ja"))
    p.language.activated.emit(p.language.currentIndex())
    p.name.setText("Dr. Anna Weber")
    assert p.language.language() == "ja"
    assert p.language.itemText(p.language.findData("ja")) == "日本語"


def test_templates_in_the_physicians_language_or_a_visible_fallback(
    window: MainWindow, qtbot: QtBot
) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: p.template.count() > 1, timeout=10000)  # the catalog's templates
    p.name.setText("Dr. Weber")
    p.from_name.setText("Sam Rep")
    p.language.setCurrentIndex(p.language.findData("de"))
    p.template.setCurrentIndex(p.template.findData("follow-up"))
    p.template.activated.emit(p.template.currentIndex())
    assert p.message.toPlainText().startswith("Sehr geehrte(r) Dr. Weber,")
    assert p.template_note.text() == "Approved template PP-MSG-US-0011"  # no fallback note
    p.language.setCurrentIndex(p.language.findData("fr"))  # no French "answer" template
    p.message.clear()
    p.template.setCurrentIndex(p.template.findData("answer"))
    p.template.activated.emit(p.template.currentIndex())
    assert p.message.toPlainText().startswith("Dear Dr. Weber,")
    assert "Français" in p.template_note.text() and "English" in p.template_note.text()


def test_the_send_request_carries_the_language(
    window: MainWindow, qtbot: QtBot, sample_clip
) -> None:  # type: ignore[no-untyped-def]
    window.record.import_file(sample_clip)
    qtbot.waitUntil(lambda: window.drafts.draft.video is not None, timeout=10000)
    p = window.personalize
    p.name.setText("Dr. Rossi")
    p.language.setCurrentIndex(p.language.findData("it"))
    request = request_from_draft(window.drafts.draft, "folder")
    assert request.language == "it"
