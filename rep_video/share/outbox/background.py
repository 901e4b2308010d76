"""A worker as a detached process: `rep-video send --background` returns with the link and
leaves the rest of the send to `rep-video outbox run --wait`, which outlives the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rep_video import paths

# Popen objects of workers we started: kept so they are not garbage-collected (and warned
# about) while the detached process still runs.
_SPAWNED: list[subprocess.Popen[bytes]] = []


def spawn_background_worker(log: Path | None = None) -> int:
    """Start `rep-video outbox run --wait` detached from this terminal; returns its pid.
    Several workers at once are harmless: each entry is leased to one of them."""
    log = log or paths.data_dir() / "outbox-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # A frozen app (PyInstaller) is its own interpreter and takes the CLI arguments directly.
    prefix = (
        [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "rep_video"]
    )
    argv = [*prefix, "outbox", "run", "--wait"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=os.name != "nt",  # survives the terminal closing
            close_fds=True,
        )
    _SPAWNED.append(proc)
    return proc.pid
