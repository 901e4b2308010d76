#!/usr/bin/env python3
"""Screen + camera bubble in the app (run by hand, not collected by pytest; needs an X display):

    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/benchmarks/bench_screen.py [--seconds 180] [--skip-baseline]

The main window with the demo camera records the whole 1920×1080 screen with the camera bubble
(M, bottom right) for `--seconds` in real time, through the app's own path (QScreenCapture →
ScreenSource → capture hub → Recorder, compositing on its encoder thread). What is on the
screen is tests/support/slide_deck.py in a process of its own (as the rep's presentation
program would be): a new slide of text every 2 s, and a pointer circling over it all the time.
Reported: frames recorded per second (distinct frames; the recorder repeats one to fill a gap),
frames dropped by the recorder, peak RSS of the app's process, UI-thread stalls (the 10 ms timer
of bench_app.py), the encoder thread's CPU time per frame spent fitting the screen frame and
compositing the bubble (thread CPU time around EncoderWorker._composed), and the process's CPU
per recorded second. The baseline, in a fresh process of the same run: camera only (720p30),
the app's mode before screen recording, for the same time.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def run(seconds: float, mode: str) -> None:
    from tests.benchmarks.bench_app import StallMeter, _isolate, peak_rss_mb, pump

    _isolate()
    from rep_video import config

    config.set_value("policy.max_length_seconds", int(seconds) + 60)  # no auto-stop first
    from rep_video.media.capture import encoder_worker
    from ui.main import make_app
    from ui.window import MainWindow

    composed = _time_compositing(encoder_worker.EncoderWorker)
    make_app()
    deck = None
    if mode != "camera":  # the rep's presentation, a process of its own
        deck = subprocess.Popen([sys.executable, "-m", "tests.support.slide_deck"], cwd=ROOT)
    win = MainWindow(demo_devices=True)
    win.resize(1180, 760)
    win.show()
    win.start()

    try:
        pump(2)
        record = win.record
        record.modes.set_mode(mode)
        pump(3)
        base = peak_rss_mb()
        stalls = StallMeter()
        cpu0, x0 = os.times(), _xserver_cpu()
        source = record.hub._screen
        counts0 = copy.copy(getattr(source, "counts", None))
        record.start_countdown(0)
        pump(seconds)
        recorder = record.hub._recorder
        stats = recorder.stats()
        cpu1, x1 = os.times(), _xserver_cpu()
        counts = copy.copy(getattr(source, "counts", None))
        rec_stall = stalls.summary()
        record.stop_recording()
        end = time.monotonic() + 300
        while win.drafts.draft.video is None and time.monotonic() < end:
            pump(0.05)
        cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
        rec = stats.recorded_seconds
        distinct = stats.frames_encoded - stats.frames_duplicated
        print(f"mode {mode}: recorded {rec:.1f} s at {recorder.width}x{recorder.height}")
        print(f"  frames in {stats.frames_in}, encoded {stats.frames_encoded} "
              f"({distinct / rec:.1f} distinct/s, {stats.frames_duplicated} repeated), dropped "
              f"{stats.frames_dropped} (queue full {stats.frames_dropped_queue_full}, surplus "
              f"{stats.frames_dropped_surplus}), preset {stats.preset} "
              f"(steps down {stats.preset_steps}, up {stats.preset_steps_up}), "
              f"bubble frames skipped {stats.bubble_frames_skipped}")  # fmt: skip
        print(f"  peak RSS {peak_rss_mb():.0f} MB (window before recording {base:.0f} MB)")
        print(f"  UI stalls while recording: {rec_stall}")
        print(f"  process CPU {cpu:.0f} s for {rec:.0f} s recorded ({cpu / rec:.2f} CPU-s/s); "
              f"the X server {x1 - x0:.0f} s ({(x1 - x0) / rec:.2f} CPU-s/s)")  # fmt: skip
        if counts is not None and counts0 is not None:
            new, conv = counts.new - counts0.new, counts.converted - counts0.converted
            print(f"  screen frames from Qt {new} ({new / seconds:.1f}/s), converted {conv} "
                  f"({conv / seconds:.1f}/s), to the recorder {stats.frames_in}; "
                  f"{counts.dropped - counts0.dropped} dropped before conversion (every "
                  f"buffer held)")  # fmt: skip
        if composed.count:
            print(f"  fit + bubble on the encoder thread: {composed.summary()}")
    finally:
        win.close()
        if deck is not None:
            deck.terminate()
            deck.wait(10)


def _xserver_cpu() -> float:
    """CPU seconds the X server of $DISPLAY has used (Xvfb renders and copies every frame)."""
    from tests.benchmarks.proc_cpu import cpu_seconds

    display = os.environ.get("DISPLAY", "")
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if argv[0].endswith(b"Xvfb") and display.encode() in argv[1:3]:
                return cpu_seconds(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue
    return 0.0


class _Timing:
    def __init__(self) -> None:
        self.samples: list[float] = []

    @property
    def count(self) -> int:
        return len(self.samples)

    def summary(self) -> str:
        s = sorted(self.samples)
        mean = sum(s) / len(s)
        return (f"{mean * 1000:.2f} ms CPU a frame (median {s[len(s) // 2] * 1000:.2f}, "
                f"p99 {s[int(len(s) * 0.99)] * 1000:.2f}; {len(s)} frames)")  # fmt: skip


def _time_compositing(worker: Any) -> _Timing:
    """Wrap the encoder thread's fit + bubble step with a thread CPU clock (this process)."""
    timing = _Timing()
    original = worker._composed

    def timed(self: object, frame: object) -> object:
        start = time.thread_time()
        out = original(self, frame)
        timing.samples.append(time.thread_time() - start)
        return out

    worker._composed = timed
    return timing


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        print("needs an X display: run under xvfb-run with QT_QPA_PLATFORM=xcb", file=sys.stderr)
        return 2
    if args.mode:
        run(args.seconds, args.mode)
        return 0
    print(f"{time.strftime('%Y-%m-%d %H:%M')} load average before: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    modes = ["screen+camera"] + ([] if args.skip_baseline else ["camera"])
    for mode in modes:  # each in a fresh process: its own peak RSS
        subprocess.run([sys.executable, __file__, "--mode", mode,
                        "--seconds", str(args.seconds)], check=True)  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
