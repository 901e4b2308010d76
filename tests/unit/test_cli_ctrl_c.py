"""Ctrl-C during `rep-video send`: the first press cancels at the pipeline's next safe point
(a flag nothing can swallow), the second stops at once; the handler before is put back, and a
Ctrl-C that was ignored when the command started stays ignored."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from rep_video.cli.ctrl_c import CtrlC
from rep_video.progress import CancelToken


@pytest.fixture
def default_sigint() -> Iterator[None]:
    # pytest may run in a background job where SIGINT is ignored: test from Python's default.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the handler runs in the main thread; a sleep lets it, or raises its error


def test_the_first_press_cancels_the_second_interrupts(
    default_sigint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    cancel = CancelToken()
    with CtrlC(cancel) as ctrl_c:
        _ctrl_c()
        assert cancel.cancelled and ctrl_c.pressed
        assert "Ctrl-C again to stop at once" in capsys.readouterr().err
        with pytest.raises(KeyboardInterrupt):
            _ctrl_c()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_ctrl_c_stays_ignored() -> None:
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        cancel = CancelToken()
        with CtrlC(cancel):
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
        assert not cancel.cancelled
    finally:
        signal.signal(signal.SIGINT, before)
