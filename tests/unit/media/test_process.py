"""The one process runner, with the real ffmpeg: progress, failure, cancel, timeout, cleanup."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rep_video.errors import Cancelled
from rep_video.media import process
from rep_video.media.ffmpeg_args import base_args
from rep_video.progress import CancelToken, Progress


def _encode_argv(dst: Path, seconds: float, *, realtime: bool = False) -> list[str]:
    argv = base_args(process.ffmpeg_exe())
    if realtime:
        argv += ["-re"]
    argv += ["-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=30:duration={seconds}",
             "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", str(dst)]  # fmt: skip
    return argv


def test_runs_and_reports_progress(tmp_path: Path) -> None:
    reports: list[Progress] = []
    out = tmp_path / "out.mp4"
    process.run_ffmpeg(_encode_argv(out, 2), duration=2.0, progress=reports.append, timeout=60)
    assert out.stat().st_size > 0
    assert reports, "ffmpeg's -progress output reached the callback"
    assert reports[-1].fraction == 1.0
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert process.running_count() == 0


def test_failure_raises_with_stderr_and_removes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    out.write_bytes(b"partial")
    argv = [*base_args(process.ffmpeg_exe()), "-i", str(tmp_path / "missing.mp4"), str(out)]
    with pytest.raises(process.FfmpegError) as info:
        process.run_ffmpeg(argv, duration=None, timeout=60, cleanup=[out])
    assert info.value.returncode != 0
    assert any("missing.mp4" in line for line in info.value.stderr_tail)
    assert "missing.mp4" in str(info.value)
    assert not out.exists()
    assert process.running_count() == 0


def test_cancel_stops_ffmpeg_and_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "long.mp4"
    token = CancelToken()
    threading.Timer(0.5, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        process.run_ffmpeg(_encode_argv(out, 60, realtime=True), duration=60, cancel=token,
                           timeout=120, cleanup=[out])  # fmt: skip
    assert time.monotonic() - started < 10
    assert not out.exists()
    assert process.running_count() == 0


def test_already_cancelled_token_starts_nothing(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        process.run_ffmpeg(_encode_argv(tmp_path / "x.mp4", 1), duration=1, cancel=token,
                           timeout=10)  # fmt: skip
    assert not (tmp_path / "x.mp4").exists()


def test_timeout_kills_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "slow.mp4"
    with pytest.raises(process.FfmpegTimeout, match="timed out"):
        process.run_ffmpeg(_encode_argv(out, 60, realtime=True), duration=60, timeout=0.5,
                           cleanup=[out])  # fmt: skip
    assert not out.exists()
    assert process.running_count() == 0
