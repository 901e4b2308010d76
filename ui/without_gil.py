"""Call a Qt slot with the GIL released.

Stopping a player or a camera, or changing a player's source, tears down Qt Multimedia's worker
threads, and one of them may need the GIL on the way out (a QVideoSink or QAudioOutput made in
Python makes Qt ask Python about overrides) while the call waits for that thread. Made from
Python, which holds the GIL, such a call deadlocks now and then (seen in CI in
QMediaPlayer.stop()). QEventLoop.exec() releases the GIL, and queued calls run in the order
they were posted, so the slot runs first, from C++, and `quit` after it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, QMetaObject, QObject, Qt


def call_slot_without_gil(obj: QObject, slot: str, *args: Any) -> None:
    """`obj.slot(*args)`, run from a nested event loop. `args` are `Q_ARG(Type, value)`."""
    loop = QEventLoop()
    queued = Qt.ConnectionType.QueuedConnection
    QMetaObject.invokeMethod(obj, slot, queued, *args)
    QMetaObject.invokeMethod(loop, "quit", queued)
    loop.exec()
