"""The one module that starts processes (docs/ARCHITECTURE.md, rule 3). It tracks every running
ffmpeg, enforces a timeout, cancels by terminate-then-kill, turns `-progress pipe:1` output into
Progress reports through the pure parser, and on failure raises with ffmpeg's last stderr lines
after deleting the outputs the command was writing."""

from __future__ import annotations

import atexit
import collections
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

import imageio_ffmpeg

from rep_video.errors import Cancelled
from rep_video.media.progress_parser import FfmpegProgress, ProgressParser
from rep_video.progress import CancelToken, Progress, ProgressFn, no_progress

_STDERR_LINES_KEPT = 12
_GRACE_SECONDS = 2.0  # between terminate and kill
_POLL_SECONDS = 0.05

_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()


class FfmpegError(RuntimeError):
    """ffmpeg exited with an error. `stderr_tail` holds its last lines (the actual reason)."""

    def __init__(self, argv: Sequence[str], returncode: int, stderr_tail: Sequence[str]) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr_tail = list(stderr_tail)
        reason = " | ".join(line for line in self.stderr_tail if line) or "no error output"
        super().__init__(f"ffmpeg failed (exit {returncode}): {reason}")


class FfmpegTimeout(FfmpegError):
    """ffmpeg ran longer than its timeout and was stopped."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary imageio-ffmpeg ships (it has libx264, AAC and faststart)."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def running_count() -> int:
    """How many processes this module has running (tests assert it drops back to 0)."""
    with _running_lock:
        return len(_running)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, give it a moment to close its files, then kill."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@atexit.register
def stop_all() -> None:
    """Stop every process still running (interpreter exit, app quit)."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _stop(proc)


def _pump(stream: IO[bytes], on_line: Callable[[str], None]) -> None:
    for raw in iter(stream.readline, b""):
        on_line(raw.decode("utf-8", "replace").rstrip("\r\n"))


def _remove(paths: Iterable[Path]) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)


def run_ffmpeg(
    argv: list[str],
    *,
    duration: float | None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    timeout: float,
    stage: str = "encode",
    cleanup: Sequence[Path] = (),
) -> None:
    """Run one ffmpeg command to completion. `duration` (seconds of output expected) turns
    ffmpeg's out_time into a fraction; `cleanup` lists files to delete if the command fails,
    times out or is cancelled. Raises FfmpegError, FfmpegTimeout or Cancelled."""
    if cancel is not None:
        cancel.raise_if_cancelled()
    stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES_KEPT)
    parser = ProgressParser()

    def on_stdout(line: str) -> None:
        snap: FfmpegProgress | None = parser.feed(line)
        if snap is not None:
            progress(
                Progress(
                    stage=stage,
                    fraction=snap.fraction(duration),
                    rate=snap.speed,
                    eta_seconds=_eta(snap, duration),
                )
            )

    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    with _running_lock:
        _running.add(proc)
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=_pump, args=(proc.stdout, on_stdout), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, stderr_tail.append), daemon=True),
    ]
    for r in readers:
        r.start()
    deadline = time.monotonic() + timeout
    outcome = "ok"
    try:
        while proc.poll() is None:
            if cancel is not None and cancel.cancelled:
                outcome = "cancelled"
                break
            if time.monotonic() > deadline:
                outcome = "timeout"
                break
            time.sleep(_POLL_SECONDS)
    except BaseException:
        outcome = "interrupted"
        raise
    finally:
        if outcome != "ok":
            _stop(proc)
        proc.wait()
        for r in readers:
            r.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
        with _running_lock:
            _running.discard(proc)
        if outcome != "ok" or proc.returncode != 0:
            _remove(cleanup)
    if outcome == "cancelled":
        raise Cancelled()
    if outcome == "timeout":
        raise FfmpegTimeout(argv, proc.returncode, [*stderr_tail, f"timed out after {timeout:g} s"])
    if proc.returncode != 0:
        raise FfmpegError(argv, proc.returncode, stderr_tail)


def _eta(snap: FfmpegProgress, duration: float | None) -> float | None:
    if not duration or snap.out_time is None or not snap.speed or snap.speed <= 0:
        return None
    return max(0.0, (duration - snap.out_time) / snap.speed)
