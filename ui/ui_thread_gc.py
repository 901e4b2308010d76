"""Python's cycle collector runs on whichever thread happens to allocate when a threshold is
crossed: in this app, often a worker (an upload, an encode, a capture thread). A cycle that
holds a Qt object collected there destroys that object on the wrong thread, while the UI
thread may be painting it or delivering its signal — a crash now and then, never in the same
place. So while the app runs, automatic collection is off and the UI thread collects on a
timer, by the same thresholds Python would have used (reference counting still frees
everything else at once, on any thread)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Hand collection back to Python (tests; the app simply exits)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold; the number of
        objects found unreachable."""
        counts = gc.get_count()
        due = [g for g in range(3) if counts[g] > self._thresholds[g]]
        return gc.collect(due[-1]) if due else 0


def install(app: QObject) -> UiThreadCollector:
    """Start collecting on the UI thread for `app` (once; later calls return the same)."""
    existing = app.findChild(UiThreadCollector)
    if isinstance(existing, UiThreadCollector):
        existing.start()
        return existing
    collector = UiThreadCollector(app)
    collector.start()
    return collector
