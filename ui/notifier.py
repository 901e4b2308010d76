"""Desktop notifications of live events through the system tray (QSystemTrayIcon): "Dr. Ng
watched 75 % of your video", "Dr. Ng asked for a call back (Tomorrow morning)". Viewing is
gathered for a few seconds (a page load sends opened, play, progress close together) and told
at most once per share an hour, with the furthest point reached; every answer is told. Under
the server's `analytics = "aggregate"` or `"off"` the server names nobody, and so does this.
Settings' "notifications.enabled" switches them off."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from rep_video.share.live_stream import LiveEvent
from ui.i18n import QT_TRANSLATE_NOOP, translate

QUIET_SECONDS = 3600.0  # one viewing notification per share an hour
GATHER_MS = 4000  # the events of one page load arrive within a few seconds
# Whole sentences, not pieces: word order differs between languages ("Dr. Ng hat … angesehen").
ANSWERS = {
    "callback": QT_TRANSLATE_NOOP("notifier", "{who} asked for a call back"),
    "materials": QT_TRANSLATE_NOOP("notifier", "{who} asked for the materials by email"),
    "reply": QT_TRANSLATE_NOOP("notifier", "{who} replied"),
}
ANSWERED = QT_TRANSLATE_NOOP("notifier", "{who} answered")


def _who(event: LiveEvent) -> str:
    return event.recipient or translate("notifier", "A physician")


def viewing_text(event: LiveEvent) -> str | None:
    """What a notification says of the furthest viewing event; None: nothing worth saying."""
    who, one = _who(event), not event.share_id
    if event.kind == "progress" and event.value:
        if one:
            text = translate("notifier", "{who} watched {percent} % of one of your videos")
        else:
            text = translate("notifier", "{who} watched {percent} % of your video")
        return text.format(who=who, percent=event.value)
    if event.kind in ("opened", "play"):
        if one:
            return translate("notifier", "{who} opened one of your videos").format(who=who)
        return translate("notifier", "{who} opened your video").format(who=who)
    return None


def answer_text(event: LiveEvent) -> str:
    action = str(event.answer.get("action") or event.value or "")
    text = translate("notifier", ANSWERS.get(action, ANSWERED)).format(who=_who(event))
    if action == "callback" and event.answer.get("preferred_time"):
        text += f" ({event.answer['preferred_time']})"
    if action == "reply" and event.answer.get("text"):
        words = str(event.answer["text"])
        text += f": “{words[:120]}{'…' if len(words) > 120 else ''}”"
    return text


def _rank(event: LiveEvent) -> int:
    if event.kind == "progress" and (event.value or "").isdigit():
        return 10 + int(event.value or 0)
    return 1 if event.kind in ("opened", "play") else 0


class Notifier(QObject):
    def __init__(
        self,
        tray: QSystemTrayIcon,
        enabled: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tray = tray
        self.enabled = enabled
        self.clock = clock
        self.gather_ms = GATHER_MS
        self.shown: list[str] = []  # what was told, newest last (the tests read it)
        self._last: dict[str, float] = {}  # share (or "totals") -> when viewing was told
        self._gathering: dict[str, LiveEvent] = {}

    def on_event(self, event: LiveEvent) -> None:
        if not self.enabled():
            return
        if event.kind == "answer":
            self._show(answer_text(event))
            return
        key = event.share_id or "totals"
        if key in self._gathering:
            if _rank(event) > _rank(self._gathering[key]):
                self._gathering[key] = event
            return
        told = self._last.get(key)
        if (told is not None and self.clock() - told < QUIET_SECONDS) or _rank(event) == 0:
            return
        self._gathering[key] = event
        # The tray as the timer's context: a window closed while events gather takes its tray
        # with it, and the timer must then not fire into a deleted icon.
        QTimer.singleShot(self.gather_ms, self.tray, lambda: self._tell(key))

    def _tell(self, key: str) -> None:
        event = self._gathering.pop(key, None)
        if event is None or not self.enabled():
            return
        text = viewing_text(event)
        if text:
            self._last[key] = self.clock()
            self._show(text)

    def _show(self, text: str) -> None:
        self.shown.append(text)
        if self.tray.isVisible():
            self.tray.showMessage("RepVideo", text, QSystemTrayIcon.MessageIcon.Information, 10000)
