"""Personalize's message templates come from the catalog (the sample's two, each with its
approval code), and the policy's message_mode decides how free the message is: with
templates_only the rep picks a template and fills only its fields (the names), the message
box is read-only, and Next needs a template."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rep_video import config
from ui.services import request_from_draft
from ui.window import MainWindow

pytestmark = [pytest.mark.gui]


def test_templates_come_from_the_catalog_and_templates_only_locks_the_message(
    window: MainWindow, qtbot: QtBot
) -> None:
    p = window.personalize
    qtbot.waitUntil(lambda: p.template.count() > 1, timeout=10000)
    ids = [p.template.itemData(i) for i in range(p.template.count())]
    assert ids == ["", "follow-up", "answer"]  # the sample catalog's, not built-in ones
    assert p.template.itemText(1) == "Follow-up after a visit (PP-MSG-US-0011)"
    assert not p.message.isReadOnly()

    config.set_value("policy.message_mode", "templates_only")
    p.reload_catalog()
    qtbot.waitUntil(lambda: p.mode == "templates_only", timeout=10000)
    assert p.message.isReadOnly() and "only approved templates" in p.message.toolTip()
    went_on: list[bool] = []
    p.next_requested.connect(lambda: went_on.append(True))
    p.name.setText("Dr. Ada Park")
    p.from_name.setText("Sam Rep")
    p.next_button.click()
    assert went_on == [] and "Choose an approved message template" in p.problem.text()

    p.template.setCurrentIndex(p.template.findData("answer"))
    p.template.activated.emit(p.template.currentIndex())
    assert p.message.toPlainText().startswith("Dear Dr. Ada Park,")
    assert p.message.toPlainText().endswith("Sam Rep")
    assert p.template_note.text() == "Approved template PP-MSG-US-0012"
    p.name.setText("Dr. Ada Parker")  # the fields follow the names: the rep's only input
    assert p.message.toPlainText().startswith("Dear Dr. Ada Parker,")
    p.next_button.click()
    assert went_on == [True]
    d = window.drafts.draft
    assert d.template_id == "answer" and d.message == p.message.toPlainText()
    request = request_from_draft(replace(d, video=Path("take.mp4")), "folder")
    assert request.template_id == "answer" and request.message.startswith("Dear Dr. Ada Parker,")
