"""Live updates for the app: one connection per share server the rep sent through (the event
stream, rep_video/share/live_stream.py), each on a thread of its own that does nothing else, so
the UI thread never waits on the network. What arrives is handed to the UI thread as `heard`
(a queued signal); the Sent screen refreshes, the tray notifies (ui/notifier.py)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from rep_video.share.live_stream import LiveEvent, LiveStream
from ui.notifier import Notifier
from ui.sent_screen import SentScreen
from ui.services import Services
from ui.tasks import Runner, TaskOutcome
from ui.theme import app_icon

log = logging.getLogger("rep_video.ui")


class LiveUpdates(QObject):
    heard = Signal(object)  # LiveEvent, delivered on the UI thread
    status = Signal(str, str)  # target, "live" or why not

    def __init__(self, runner: Runner, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services = services
        self._streams: dict[str, LiveStream | None] = {}  # None: being opened
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> None:
        """Listen to every target a send has a link on (again whenever a link is made or the
        outbox changes: a first send to a new server starts its stream)."""
        if self._stopped:
            return

        def targets(_p: Any, _c: Any) -> set[str]:
            return {e.target for e in self.services.outbox.list() if e.link}

        self.runner.submit("live update targets", targets, self._listen)

    def _listen(self, outcome: TaskOutcome) -> None:
        if not outcome.ok:
            return
        for name in sorted(outcome.value):
            with self._lock:
                if self._stopped or name in self._streams:
                    continue
                self._streams[name] = None
            threading.Thread(
                target=self._run, args=(name,), name=f"live-{name}", daemon=True
            ).start()

    def _run(self, name: str) -> None:
        try:
            with self.services.outbox.open_target(name) as target:
                make = getattr(target, "live_stream", None)
                if make is None:
                    return  # a folder or a bucket: nobody there to tell us
                stream: LiveStream = make(self.heard.emit, lambda s: self.status.emit(name, s))
                with self._lock:
                    if self._stopped:
                        return
                    self._streams[name] = stream
                stream.run()
        except Exception:  # the target cannot be opened now: the next outbox change retries
            log.warning("live updates from %s are unavailable", name, exc_info=True)
            with self._lock:
                self._streams.pop(name, None)

    def stop(self) -> None:
        """On quit: every stream ends its read at once."""
        with self._lock:
            self._stopped = True
            streams = [s for s in self._streams.values() if s is not None]
        for stream in streams:
            stream.stop()


def attach_live_updates(
    window: QWidget, runner: Runner, services: Services, sent: SentScreen
) -> tuple[LiveUpdates, Notifier, QSystemTrayIcon]:
    """The window's live updates: the Sent screen reads its list again on each event and the
    tray notifies (unless Settings switched it off); streams start at launch (`start`) and
    whenever a link is made or the outbox changes."""
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip("RepVideo")
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.show()

    def enabled() -> bool:
        return bool(services.settings().values.get("notifications.enabled", True))

    notifier = Notifier(tray, enabled, parent=window)
    live = LiveUpdates(runner, services, parent=window)
    live.heard.connect(sent.on_live_event)
    live.heard.connect(notifier.on_event)
    services.outbox_changed.connect(live.start)
    services.link_ready.connect(lambda _result: live.start())
    services.delivered.connect(lambda _result: live.start())
    return live, notifier, tray


__all__ = ["LiveEvent", "LiveUpdates", "attach_live_updates"]
