"""Stopping a child process (the embedded share server, the tests' servers) the same way
everywhere: ask first, and force only when it does not end in time."""

from __future__ import annotations

import subprocess
from typing import Any


def stop_child(proc: subprocess.Popen[Any] | None, grace: float = 10.0) -> None:
    """Terminate `proc` (nothing if it is None or has ended), waiting up to `grace` seconds
    before killing it; returns once it has exited."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace)
