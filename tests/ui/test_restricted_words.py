"""Restricted words in the app (the sample catalog's list): highlighted as the rep types, in
the message and in the teleprompter script, with the reason under the field; a blocked word
keeps Personalize from going on; a warned word is asked about at Send, and the rep's
confirmation goes with the share (its manifest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rep_video.share.manifest import ShareManifest
from tests.ui.test_send_flow import _finished, _import_and_personalize
from ui import confirm
from ui.window import MainWindow
from ui.wording_watch import BLOCK_COLOUR, WARN_COLOUR

pytestmark = [pytest.mark.gui]


def test_matches_are_highlighted_with_their_reasons_and_a_block_stops_next(
    window: MainWindow, qtbot: QtBot
) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: bool(p.restricted_terms()), timeout=10000)
    went_on: list[bool] = []
    p.next_requested.connect(lambda: went_on.append(True))
    p.name.setText("Dr. Lee")
    p.from_name.setText("Sam Rep")
    p.message.setPlainText("Ça CURES fast — and works better than placebo.")
    qtbot.waitUntil(lambda: len(p.wording.hits) == 2, timeout=5000)
    marks = p.message.extraSelections()
    text = p.message.toPlainText()
    assert [text[s.cursor.selectionStart() : s.cursor.selectionEnd()] for s in marks] == [
        "CURES", "better than",
    ]  # fmt: skip
    colours = [s.format.background().color().name() for s in marks]
    assert colours == [BLOCK_COLOUR, WARN_COLOUR]
    note = p.wording_note.text()
    assert "\u201cCURES\u201d: an efficacy claim beyond the label (cannot be sent)" in note
    assert "\u201cbetter than\u201d: a comparative claim" in note and "confirm" in note
    assert p.wording_note.isVisibleTo(p)

    p.next_button.click()
    assert went_on == []
    assert "Reword \u201cCURES\u201d first" in p.problem.text()

    p.message.setPlainText("Works as described in the label.")
    qtbot.waitUntil(lambda: not p.wording.hits, timeout=5000)
    assert p.message.extraSelections() == [] and not p.wording_note.isVisibleTo(p)
    p.next_button.click()
    assert went_on == [True]

    # The teleprompter script is checked against the same list.
    prompter = window.record.prompter
    prompter.script.setPlainText("Hi {hcp_name}. It is Completely safe, even in pediatric use.")
    qtbot.waitUntil(lambda: len(window.record.prompter_words.hits) == 2, timeout=5000)
    assert "an absolute safety claim" in prompter.wording_note.text()
    assert "not approved for children" in prompter.wording_note.text()
    assert len(prompter.script.extraSelections()) == 2


@pytest.mark.slow
def test_a_warned_word_is_confirmed_at_send_and_kept_with_the_share(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: bool(p.restricted_terms()), timeout=10000)
    p.message.setPlainText("It works better than placebo.")
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Ana Alvarez")
    asked: list[str] = []
    answer = {"send": False}
    monkeypatch.setattr(
        confirm, "ask", lambda _w, _title, text, _a: asked.append(text) or answer["send"]
    )
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=60000)
    assert len(asked) == 1 and "\u201cbetter than\u201d" in asked[0]
    assert "a comparative claim" in asked[0]
    assert "not confirmed" in send.error.text()
    assert window.services.outbox.list() == []  # nothing was sent

    answer["send"] = True
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send) and send.result.isVisible(), timeout=120000)
    assert len(asked) == 2 and not send.failure.isVisible()
    (entry,) = window.services.outbox.list()
    manifest = ShareManifest.read(Path(entry.package))
    assert [(w.matched, w.where) for w in manifest.wording_confirmed] == [
        ("better than", "the message")
    ]
