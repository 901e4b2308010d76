#!/usr/bin/env python3
"""Desktop app benchmarks (run by hand, not collected by pytest):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_app.py [--seconds 60]
        [--memory-seconds 180] [--skip-naive] [--skip-memory] [--cold-runs 3] [--cold-only]

1. Stop → link on the clipboard, and Stop → video playable: a 60 s 720p30 recording made by
   the real Recorder from the synthetic sources, trimmed at both ends, sent through the app's
   own send path (the core pipeline via ui.services: prepare, outbox entry + link reserved →
   link_ready, then smart trim, finalize, poster, preview, tus upload, publish) to a real
   local share server.
   Compared with the naive path in the same run: a full re-encode of the trimmed clip with
   moviepy, then the same send (its link and its video come at the end).
2. The first link after a cold launch: a fresh process opens the window (first launch: no
   target, so the built-in share server), records 5 s with the demo devices, and the rep
   presses Send; seconds from the click to the link on the clipboard. Twice, each in a fresh
   process and data folder: as the app does it (the built-in server starts while the rep
   records) and as it used to (the server started at Send), for the same-run ratio.
3. App peak memory: the app window with the demo devices records `--memory-seconds` of 720p30
   in real time through the same capture path as a webcam; peak RSS and dropped frames.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _isolate() -> Path:
    home = Path(tempfile.mkdtemp(prefix="rv-bench-"))
    os.environ["REP_VIDEO_HOME"] = str(home)
    from scripts.screenshots import _memory_keyring

    _memory_keyring()
    return home


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_send(seconds: float, naive: bool) -> None:
    home = _isolate()
    import requests
    from PySide6.QtGui import QGuiApplication

    from rep_video import config, secrets
    from rep_video.media.capture import synthetic
    from rep_video.media.capture.recorder import Recorder
    from rep_video.progress import CancelToken, Progress
    from rep_video.share.send import SendResult
    from tests.support.server_process import running_server
    from ui.main import make_app
    from ui.services import Services, request_from_draft
    from ui.state import Draft, Recipient
    from ui.tasks import SyncTaskRunner

    make_app()
    services = Services(SyncTaskRunner())
    with running_server(home / "server") as server:
        config.add_target("bench", "server", {"url": server.url}, make_default=True)
        secrets.set_secret("bench", "api_token", server.create_token("bench"))
        config.set_value("rep.name", "Bench Rep")
        config.set_value("policy.max_length_seconds", 600)

        rec_path = home / "recording.mp4"
        recorder = Recorder(rec_path, 1280, 720, 30.0)
        recorder.start()
        t = time.monotonic()
        synthetic.feed(recorder, synthetic.TestPatternCamera(1280, 720, 30.0),
                       synthetic.ToneMicrophone(), seconds)  # fmt: skip
        print(f"recorded {seconds:.0f} s of 720p30 (encoding took {time.monotonic() - t:.1f} s)")

        # Between keyframes (the recorder makes one a second), as a rep's handles would be:
        # the smart trim re-encodes the partial GOP at each end and copies the rest.
        trim_at = (2.5, seconds - 2.5)
        stages: list[tuple[str, float]] = []
        link_at: list[float] = []

        def track(p: Progress) -> None:
            if not stages or stages[-1][0] != p.stage:
                stages.append((p.stage, time.monotonic()))

        def on_link(result: SendResult) -> None:
            # What the Send screen does with it (ShareResult.show_link copies the link).
            QGuiApplication.clipboard().setText(result.link)
            link_at.append(time.monotonic())
            stages.append(("(link on clipboard)", time.monotonic()))

        services.link_ready.connect(on_link)

        def send(video: Path, trim: tuple[float, float] | None) -> tuple[str, float, float]:
            """(link, seconds to the link on the clipboard, seconds to the video playable)."""
            stages.clear()
            link_at.clear()
            began = time.monotonic()
            draft = Draft(video=video, duration=seconds, recorded=True,
                          trim_in=trim[0] if trim else 0.0,
                          trim_out=trim[1] if trim else seconds,
                          recipient=Recipient("Dr. Bench"))  # fmt: skip
            result = services.send(request_from_draft(draft, "bench"), track, CancelToken())
            done = time.monotonic()
            assert QGuiApplication.clipboard().text() == result.link
            video_ok = requests.get(f"{result.link}/media/video.mp4", timeout=30).status_code
            assert video_ok == 200, video_ok  # playable: the page serves the video
            return result.link, link_at[0] - began, done - began

        # The app's path: Stop (finish the recording) → send with the trim → clipboard.
        t_stop = time.monotonic()
        final = recorder.stop()
        stop_s = time.monotonic() - t_stop
        _link, link_s, done_s = send(final, trim_at)
        print(f"\nStop → link on clipboard: {stop_s + link_s:.2f} s  "
              f"(stop {stop_s:.2f} s + send until the link {link_s:.2f} s)")  # fmt: skip
        print(f"Stop → video playable:    {stop_s + done_s:.2f} s")
        print(f"    {'stop':<22} {stop_s:6.2f} s")
        ends = [s[1] for s in stages[1:]] + [t_stop + stop_s + done_s]
        for (name, start), end in zip(stages, ends, strict=True):
            print(f"    {name:<22} {end - start:6.2f} s")

        if naive:
            from moviepy import VideoFileClip

            t = time.monotonic()
            out = home / "naive.mp4"
            with VideoFileClip(str(final)) as clip:
                clip.subclipped(*trim_at).write_videofile(
                    str(out), codec="libx264", audio_codec="aac", fps=30, logger=None,
                    audio_fps=48000,
                )  # fmt: skip
            encode_s = time.monotonic() - t
            _, _, naive_send = send(out, None)
            naive_total = stop_s + encode_s + naive_send
            print(f"naive (moviepy re-encode {encode_s:.2f} s + send {naive_send:.2f} s): "
                  f"{naive_total:.2f} s to the link (and the video)")  # fmt: skip
            print(f"    app path: link {naive_total / (stop_s + link_s):.1f}× sooner, "
                  f"video playable {naive_total / (stop_s + done_s):.1f}× sooner")  # fmt: skip
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")


class StallMeter:
    """The longest gap between ticks of a 10 ms UI-thread timer: how long the window froze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self.gaps: list[float] = []
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.worst = max(self.worst, now - self._last)
        self.gaps.append(now - self._last)
        self._last = now

    def reset(self) -> None:
        self.worst, self.gaps, self._last = 0.0, [], time.monotonic()

    def summary(self) -> str:
        gaps = sorted(self.gaps) or [0.0]
        p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
        over = sum(1 for g in gaps if g > 0.1)
        return (f"longest {self.worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                f"{over} of {len(gaps)} ticks over 100 ms")  # fmt: skip


def pump(duration: float) -> None:
    """Run the Qt event loop for `duration` seconds, as the app's would."""
    from PySide6.QtCore import QCoreApplication

    end = time.monotonic() + duration
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.002)


def bench_memory(seconds: float) -> None:
    _isolate()

    from rep_video import config

    config.set_value("policy.max_length_seconds", int(seconds) + 60)  # no auto-stop first

    from ui.main import make_app
    from ui.window import MainWindow

    make_app()
    win = MainWindow(demo_devices=True)
    win.show()
    win.start()

    def pump_until(condition: object, limit: float) -> None:
        end = time.monotonic() + limit
        while not condition() and time.monotonic() < end:  # type: ignore[operator]
            pump(0.05)

    pump(2)
    base = peak_rss_mb()
    stalls = StallMeter()
    record = win.record
    record.start_countdown(0)
    pump(seconds)
    recorder = record.hub._recorder  # the live recorder, for its counters
    stats = recorder.stats()
    rec_stall = stalls.summary()
    record.stop_recording()
    pump_until(lambda: win.drafts.draft.video is not None, 120)
    print(f"recorded {seconds:.0f} s of 720p30 in real time through the app's capture path")
    print(f"frames in {stats.frames_in}, encoded {stats.frames_encoded}, dropped "
          f"{stats.frames_dropped}, duplicated {stats.frames_duplicated}, "
          f"preset {stats.preset} (steps {stats.preset_steps})")  # fmt: skip
    print(f"peak RSS: {peak_rss_mb():.0f} MB (idle window with preview: {base:.0f} MB)")
    print(f"UI stalls while recording: {rec_stall}")

    # Then send it from the window to the built-in server, as a first launch would.
    win.trim.seek(1.0)
    win.trim.set_in()
    win.personalize.name.setText("Dr. Bench")
    win.personalize.from_name.setText("Bench Rep")
    win.personalize.next_button.click()  # validates and remembers the sender
    stalls.reset()
    win.send.send_button.click()
    pump_until(lambda: not win.send.busy() and (win.send.result.isVisible()
                                                 or bool(win.send.error.text())), 600)  # fmt: skip
    print(f"sent from the window: {win.send.progress_label.text() or win.send.error.text()}; "
          f"UI stalls while sending: {stalls.summary()}; "
          f"peak RSS now {peak_rss_mb():.0f} MB")  # fmt: skip
    win.close()


def cold_first_link(warm_up: bool) -> None:
    """One fresh process: launch, record 5 s, Send; print seconds from the click to the link."""
    _isolate()
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    from ui.main import make_app
    from ui.window import MainWindow

    launched = time.monotonic()
    make_app()
    win = MainWindow(demo_devices=True)
    if not warm_up:
        win.services.warm_up = lambda: None  # type: ignore[method-assign]
    win.show()
    win.start()

    def pump_until(condition: object, limit: float) -> None:
        end = time.monotonic() + limit
        while not condition() and time.monotonic() < end:  # type: ignore[operator]
            QCoreApplication.processEvents()
            time.sleep(0.002)

    record = win.record
    pump_until(record.preview.has_frame, 30)
    record.start_countdown(0)
    pump_until(lambda: False, 5.0)
    record.stop_recording()
    pump_until(lambda: win.drafts.draft.video is not None, 120)
    win.personalize.name.setText("Dr. Cold")
    win.personalize.from_name.setText("Bench Rep")
    win.personalize.next_button.click()
    clicked = time.monotonic()
    win.send.send_button.click()
    pump_until(lambda: win.send.result.isVisible() or bool(win.send.error.text()), 120)
    link_s = time.monotonic() - clicked
    assert QGuiApplication.clipboard().text() == win.send.result.link, win.send.error.text()
    pump_until(lambda: not win.send.busy(), 300)
    how = "server started while recording" if warm_up else "server started at Send"
    print(f"    {how:<32} Send -> link {link_s:5.2f} s "
          f"(launch -> Send {clicked - launched:.1f} s)")  # fmt: skip
    win.close()


def bench_cold(runs: int) -> None:
    print("First link after a cold launch (built-in server, fresh process each run):")
    for _ in range(runs):
        for mode in ("--cold-warm", "--cold-at-send"):
            subprocess.run([sys.executable, __file__, mode], check=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--memory-seconds", type=float, default=180.0)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--cold-only", action="store_true", help="only the cold first link")
    ap.add_argument("--cold-warm", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--cold-at-send", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_warm or args.cold_at_send:
        cold_first_link(warm_up=args.cold_warm)
        return 0
    if args.cold_only:
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        bench_cold(args.cold_runs)
        return 0
    if args.memory_only:
        bench_memory(args.memory_seconds)
        return 0
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    bench_send(args.seconds, not args.skip_naive)
    bench_cold(args.cold_runs)
    if not args.skip_memory:
        # A fresh process, so the peak is the recording's, not the send benchmark's.
        subprocess.run([sys.executable, __file__, "--memory-only",
                        "--memory-seconds", str(args.memory_seconds)], check=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
