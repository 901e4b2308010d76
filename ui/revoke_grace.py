"""Revoke with an undo: a confirmed revoke waits a few seconds before it reaches the target, so a
rep who picked the wrong row can take it back (the way mail apps undo a send).

The revokes the rep confirmed and that have not gone through yet are kept in a small file, so
quitting or a crash inside the grace period cannot keep a link alive that the rep meant to end:
the window sends them on quit, and the next launch sends whatever is still listed."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from rep_video import paths
from rep_video.fileutil import atomic_write_text

log = logging.getLogger(__name__)

GRACE_MS = 8000  # long enough to notice the wrong row, short enough that the link dies soon


def pending_file() -> Path:
    return paths.data_dir() / "pending-revokes.json"


class RevokeGrace(QObject):
    """Confirmed revokes waiting out their grace. `due(entry_id)` asks for the revoke itself;
    the caller reports `done(entry_id)` once the target has it."""

    due = Signal(int)
    changed = Signal()

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path or pending_file()
        self._timers: dict[int, QTimer] = {}
        self._deadline: dict[int, float] = {}
        self._lock = threading.Lock()  # `done` comes from the worker that sent the revoke
        self._unsent = self._read()  # confirmed, not yet through: waiting or being sent

    def _read(self) -> list[int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:  # a damaged file must not stop the app
            log.warning("ignoring %s: %s", self.path, exc)
            return []
        return [int(i) for i in data if isinstance(i, int)] if isinstance(data, list) else []

    def _write(self) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(sorted(set(self._unsent))))

    def leftovers(self) -> list[int]:
        """Revokes confirmed in an earlier run that never reached the target: send them now."""
        return [i for i in self._unsent if i not in self._timers]

    def start(self, entry_id: int) -> None:
        if entry_id in self._timers:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._expire(entry_id))
        self._timers[entry_id] = timer
        self._deadline[entry_id] = time.monotonic() + GRACE_MS / 1000
        with self._lock:
            if entry_id not in self._unsent:
                self._unsent.append(entry_id)
        self._write()
        timer.start(GRACE_MS)
        self.changed.emit()

    def waiting(self, entry_id: int) -> bool:
        return entry_id in self._timers

    def latest(self) -> int | None:
        """The revoke confirmed last that can still be undone."""
        return max(self._deadline, key=lambda i: self._deadline[i]) if self._deadline else None

    def seconds_left(self, entry_id: int) -> int:
        left = self._deadline.get(entry_id, time.monotonic()) - time.monotonic()
        return max(0, round(left))

    def undo(self, entry_id: int) -> bool:
        timer = self._timers.pop(entry_id, None)
        if timer is None:
            return False  # too late: it has gone to the target already
        timer.stop()
        timer.deleteLater()
        self._deadline.pop(entry_id, None)
        with self._lock:
            self._unsent = [i for i in self._unsent if i != entry_id]
        self._write()
        self.changed.emit()
        return True

    def _expire(self, entry_id: int) -> None:
        timer = self._timers.pop(entry_id, None)
        self._deadline.pop(entry_id, None)
        if timer is not None:
            timer.deleteLater()
        self.changed.emit()
        self.due.emit(entry_id)

    def send_all_now(self) -> None:
        """On quit: no grace is left to wait out."""
        for entry_id in list(self._timers):
            self._timers[entry_id].stop()
            self._expire(entry_id)

    def done(self, entry_id: int) -> None:
        """The target has the revoke, or it failed and the rep is told (and can ask again).
        Called on the worker that sent it."""
        with self._lock:
            if entry_id not in self._unsent:
                return
            self._unsent = [i for i in self._unsent if i != entry_id]
        self._write()
