"""Ctrl-C during a send: the first press cancels the send at its next safe point (it pauses
and stays in the outbox, its link kept), the second stops at once (KeyboardInterrupt).

Why not let the first press raise KeyboardInterrupt, as Python does: the media steps spend
their time inside PyAV, and an exception raised by the signal handler while FFmpeg calls back
into Python can be swallowed there (a Ctrl-C during the email GIF was lost, and the send went
on to publish, exit 0). A flag that the pipeline checks cannot be lost."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType, TracebackType

from rep_video.progress import CancelToken


class CtrlC:
    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.pressed = False
        self._before: object = None
        self._installed = False

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is not threading.main_thread():
            return self  # only the main thread may set a handler; Python's default stays
        before = signal.getsignal(signal.SIGINT)
        if before is signal.SIG_IGN:
            return self  # started ignoring Ctrl-C (nohup, a background job): keep it so
        self._before = before
        signal.signal(signal.SIGINT, self._on_sigint)
        self._installed = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._before)  # type: ignore[arg-type]
            self._installed = False

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True
        self.cancel.cancel()
        print("\nrep-video: stopping… (Ctrl-C again to stop at once)", file=sys.stderr, flush=True)
