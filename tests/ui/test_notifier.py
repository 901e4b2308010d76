"""The tray notifier's rules: viewing gathered and told once per share an hour with the
furthest point, every answer told, nothing named when the server names nobody
(analytics aggregate/off), nothing at all with notifications switched off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from rep_video.share.live_stream import LiveEvent
from ui.i18n import install_translators, remove_translators
from ui.main import make_app
from ui.notifier import Notifier, answer_text, viewing_text

pytestmark = [pytest.mark.gui]


def _view(kind: str, value: str | None = None, share: str | None = "shr_1",
          who: str | None = "Dr. Ng") -> LiveEvent:  # fmt: skip
    return LiveEvent(1, "view", kind, value, share, who)


def _notifier(enabled: list[bool]) -> tuple[Notifier, list[float]]:
    make_app()
    now = [1000.0]
    notifier = Notifier(QSystemTrayIcon(), lambda: enabled[0], clock=lambda: now[0])
    notifier.gather_ms = 50
    return notifier, now


def test_viewing_is_told_once_an_hour_with_the_furthest_point(qtbot: QtBot) -> None:
    notifier, now = _notifier([True])
    for event in (_view("opened"), _view("play"), _view("progress", "75"), _view("progress", "50")):
        notifier.on_event(event)
    qtbot.waitUntil(lambda: bool(notifier.shown), timeout=2000)
    assert notifier.shown == ["Dr. Ng watched 75 % of your video"]
    notifier.on_event(_view("progress", "100"))
    qtbot.wait(200)
    assert len(notifier.shown) == 1  # the same share within the hour
    now[0] += 3601
    notifier.on_event(_view("progress", "100"))
    qtbot.waitUntil(lambda: len(notifier.shown) == 2, timeout=2000)
    assert notifier.shown[-1] == "Dr. Ng watched 100 % of your video"


def test_answers_always_and_no_name_when_the_server_names_nobody(qtbot: QtBot) -> None:
    notifier, _now = _notifier([True])
    answer = {"action": "callback", "preferred_time": "Today", "text": None}
    notifier.on_event(LiveEvent(2, "answer", "answer", "callback", "shr_1", "Dr. Ng", answer))
    notifier.on_event(LiveEvent(3, "answer", "answer", "callback", "shr_1", None, answer))
    notifier.on_event(_view("opened", share=None, who=None))
    qtbot.waitUntil(lambda: len(notifier.shown) == 3, timeout=2000)
    assert notifier.shown == [
        "Dr. Ng asked for a call back (Today)",
        "A physician asked for a call back (Today)",
        "A physician opened one of your videos",
    ]


def test_switched_off_nothing_is_told(qtbot: QtBot) -> None:
    enabled = [False]
    notifier, _now = _notifier(enabled)
    notifier.on_event(_view("opened"))
    notifier.on_event(LiveEvent(2, "answer", "answer", "reply", "shr_1", "Dr. Ng",
                                {"action": "reply", "text": "hi"}))  # fmt: skip
    qtbot.wait(200)
    assert notifier.shown == []


def test_a_german_rep_is_told_in_german(qtbot: QtBot) -> None:
    app = make_app()
    translators = install_translators(app, QLocale("de_DE"))
    try:
        assert viewing_text(_view("progress", "75")) == "Dr. Ng hat 75 % Ihres Videos angesehen"
        assert viewing_text(_view("opened", share=None, who=None)) == (
            "Eine Ärztin oder ein Arzt hat eines Ihrer Videos geöffnet"
        )
        answer = {"action": "callback", "preferred_time": "Morgen früh", "text": None}
        event = LiveEvent(2, "answer", "answer", "callback", "shr_1", "Dr. {Ng}", answer)
        assert answer_text(event) == "Dr. {Ng} bittet um einen Rückruf (Morgen früh)"
    finally:
        remove_translators(app, translators)
