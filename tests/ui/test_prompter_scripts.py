"""The teleprompter's approved scripts (the sample catalog's two, each with its approval
code): picking one puts it on the teleprompter, in the physician's language when it has one;
a take read from it, unedited, names it in the draft and the send; edited, the restricted
list highlights the rep's words as they type and the take names no script."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.services import request_from_draft
from ui.window import MainWindow

pytestmark = [pytest.mark.gui]


def _pick(window: MainWindow, script_id: str) -> None:
    picker = window.record.prompter.approved
    picker.setCurrentIndex(picker.findData(script_id))
    picker.activated.emit(picker.currentIndex())


def test_an_approved_script_is_picked_named_with_the_take_and_dropped_once_edited(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    prompter = window.record.prompter
    qtbot.waitUntil(lambda: prompter.approved.count() == 3, timeout=10000)
    ids = [prompter.approved.itemData(i) for i in range(prompter.approved.count())]
    assert ids == ["", "visit-summary", "dosing-question"]
    assert prompter.approved.itemText(1) == "Summary after a visit (PP-SCR-US-0021)"
    assert prompter.script_id() is None  # the built-in script is the rep's own

    _pick(window, "visit-summary")
    assert prompter.script.toPlainText().startswith("Hi {hcp_name}, it's {rep_name}.\n")
    assert prompter.approval_note.text() == "Approved script PP-SCR-US-0021"
    assert prompter.script_id() == "visit-summary"
    prompter.enabled_box.setChecked(True)
    window.record.video_ready.emit(sample_clip, 4.0, True)  # a take read from it
    d = window.drafts.draft
    assert d.script_id == "visit-summary" and d.script is not None
    assert "[recipient's name]" in d.script  # the fields, as the prompter showed them
    assert request_from_draft(replace(d, video=sample_clip), "folder").script_id == (
        "visit-summary"
    )

    # The rep edits it: their own words now, checked against the restricted list as typed.
    prompter.script.appendPlainText("It is completely safe.")
    assert prompter.script_id() is None and prompter.approved.currentIndex() == 0
    assert prompter.approval_note.text() == "Edited: no longer the approved script."
    qtbot.waitUntil(lambda: len(window.record.prompter_words.hits) == 1, timeout=5000)
    assert "an absolute safety claim" in prompter.wording_note.text()
    assert len(prompter.script.extraSelections()) == 1
    window.record.video_ready.emit(sample_clip, 4.0, True)
    assert window.drafts.draft.script_id == ""
    assert request_from_draft(replace(window.drafts.draft, video=sample_clip),
                              "folder").script_id is None  # fmt: skip


def test_a_script_shows_in_the_physicians_language(window: MainWindow, qtbot: QtBot) -> None:
    prompter = window.record.prompter
    qtbot.waitUntil(lambda: prompter.approved.count() == 3, timeout=10000)
    window.drafts.update(language="de")
    window.personalize.reload_catalog()
    qtbot.waitUntil(lambda: prompter.language == "de", timeout=10000)
    _pick(window, "visit-summary")
    assert prompter.script.toPlainText().startswith("Hallo {hcp_name}, hier ist {rep_name}.")
    assert prompter.script_id() == "visit-summary"
    _pick(window, "")
    assert prompter.script_id() is None and prompter.approval_note.text() == ""
