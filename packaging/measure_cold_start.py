#!/usr/bin/env python3
"""Time from launch to a usable main window, for the frozen app and the source install.

    python packaging/measure_cold_start.py [--frozen packaging/dist/rep-video/rep-video]
                                           [--source .venv/bin/rep-video] [--runs 3]

Runs a private Xvfb display, starts each command with the xcb platform, and polls `xwininfo`
until the window titled "RepVideo" is viewable (mapped: Qt has built and shown the main
window and entered its event loop). Each run gets a fresh REP_VIDEO_HOME. The first frozen
run after a build is the coldest this machine can show without dropping the page cache (which
would disturb other work); later runs are warm. Run by hand, not by pytest; results go to
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "RepVideo"


def _viewable(display: str) -> bool:
    out = subprocess.run(
        ["xwininfo", "-display", display, "-name", TITLE],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return "IsViewable" in out.stdout


def time_to_window(argv: list[str], display: str, timeout: float = 120) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "REP_VIDEO_HOME": home,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "LANG": "C.UTF-8",
        }
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while not _viewable(display):
                if proc.poll() is not None:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise SystemExit(f"{argv[0]} exited before showing a window:\n{err}")
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"{argv[0]}: no window after {timeout} s")
                time.sleep(0.01)
            return time.perf_counter() - started
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
            if proc.stderr:
                proc.stderr.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", default=str(ROOT / "packaging/dist/rep-video/rep-video"))
    parser.add_argument("--source", default=str(ROOT / ".venv/bin/rep-video"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for tool in ("Xvfb", "xwininfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt-get install xvfb x11-utils)")
    display = f":{90 + os.getpid() % 100}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        socket_path = Path("/tmp/.X11-unix") / f"X{display[1:]}"  # noqa: S108 (X11 socket)
        deadline = time.monotonic() + 15
        while not socket_path.exists():  # Xvfb is ready once its socket exists
            if xvfb.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Xvfb did not start on {display}")
            time.sleep(0.05)
        for label, exe in (("frozen", args.frozen), ("source", args.source)):
            if not Path(exe).exists():
                print(f"{label}: {exe} not found, skipped")
                continue
            times = [time_to_window([exe], display) for _ in range(args.runs)]
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"{label}: first {times[0]:.2f} s, median {statistics.median(times):.2f} s "
                f"({shown})"
            )
    finally:
        xvfb.terminate()
        xvfb.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
