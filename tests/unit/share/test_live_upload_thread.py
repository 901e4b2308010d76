"""The live upload's thread: it runs below the app's priority (Linux: nice +10, so the
encoder and the preview get the CPU first), and with the server unreachable it keeps waiting
(never raising into the app) until stopped, with nothing reserved."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from rep_video.share.live_upload import NICE, LiveState, LiveUpload
from rep_video.share.targets.server import ServerTarget
from tests.e2e._live_take import draft_manifest


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="threads have a nice value on Linux"
)
def test_streams_below_the_apps_priority_and_waits_out_no_server(tmp_path: Path) -> None:
    target = ServerTarget("acme", f"http://127.0.0.1:{_closed_port()}", "t", timeout=1)
    working = tmp_path / "take.recording.mp4"
    working.write_bytes(b"")
    live = LiveUpload.begin(target, working, tmp_path / "live.json", draft_manifest())
    live.start()
    try:
        deadline = time.monotonic() + 10
        while live.native_id is None or _nice(live.native_id) == _nice(0):
            assert time.monotonic() < deadline, "the thread never lowered its priority"
            time.sleep(0.05)
        assert _nice(live.native_id) == min(19, _nice(0) + NICE)
        time.sleep(1.0)  # a few tries against no server
        assert live._thread is not None and live._thread.is_alive()
    finally:
        live.stop()
    assert live.reservation is None
    assert (
        not (tmp_path / "live.json").exists()
        or LiveState.load(tmp_path / "live.json").error is None
    )


def _nice(tid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, tid)
