"""Recorder benchmark (run by hand, not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_recorder.py [--fast-seconds 180] [--realtime-seconds 60]

Three scenarios, each in its own process so peak RSS is the scenario's own:
- baseline: bare PyAV libx264 encode of the same synthetic 720p30 frames, per preset tier, no
  queue, no audio, no muxing: the ceiling the recorder is compared against;
- fast: a FAST_SECONDS 720p30 recording with audio, fed as fast as the recorder takes it
  (pushes block on the full queue): frames dropped must be 0; encode fps; preset steps;
- realtime: REALTIME_SECONDS from the synthetic camera and microphone threads on the real
  clock, as the app records: frames dropped must be 0; queue depth; preset steps;
- realtime-upload: the same while the take streams to the share server (a process of its
  own) through the shaping proxy at an uplink slower than the take (UPLINK), so the upload
  runs at the link's full rate the whole time, as LiveUpload does in the app (its thread at
  nice +10): frames dropped must still be 0.
Prints one JSON line per scenario and a Markdown table for docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

W, H, FPS = 1280, 720, 30


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def baseline(seconds: float) -> dict[str, Any]:
    from av.codec.context import CodecContext
    from av.video.codeccontext import VideoCodecContext

    from rep_video.media.capture.encoder_settings import PRESETS
    from rep_video.media.capture.encoder_video import configure, rgb_to_yuv
    from rep_video.media.capture.synthetic import TestPatternCamera

    cam = TestPatternCamera(W, H, FPS)
    result: dict[str, Any] = {"scenario": "baseline", "seconds": seconds}
    for preset in PRESETS:
        ctx = cast(VideoCodecContext, CodecContext.create("libx264", "w"))
        configure(ctx, W, H, Fraction(FPS), preset)
        ctx.open()
        n = round(seconds * FPS)
        start = time.perf_counter()
        for i in range(n):
            frame = rgb_to_yuv(cam.frame(i), W, H)
            frame.pts = i * 3000
            ctx.encode(frame)
        ctx.encode(None)
        result[f"fps_{preset}"] = round(n / (time.perf_counter() - start), 1)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def fast(seconds: float, folder: Path) -> dict[str, Any]:
    from rep_video.media.capture.recorder import Recorder, RecorderLimits
    from rep_video.media.capture.synthetic import TestPatternCamera, ToneMicrophone, feed

    recorder = Recorder(folder / "fast.mp4", W, H, FPS, limits=RecorderLimits(max_block=600.0))
    cam, mic = TestPatternCamera(W, H, FPS), ToneMicrophone()
    cpu0, start = cpu_seconds(), time.perf_counter()
    recorder.start()
    feed(recorder, cam, mic, seconds)
    before_stop = time.perf_counter()
    path = recorder.stop()
    end = time.perf_counter()
    return _report("fast", recorder, path, seconds, start, before_stop, end, cpu0)


UPLINK = (0.4e6, 0.08)  # bits per second, RTT: under the test pattern's ≈ 0.6 Mb/s at 720p


def realtime_upload(seconds: float, folder: Path) -> dict[str, Any]:
    from rep_video.share.live_upload import LiveState, LiveUpload
    from rep_video.share.targets.server import ServerTarget
    from tests.benchmarks.shaping_proxy import Link, ShapingProxy
    from tests.e2e._live_take import draft_manifest
    from tests.support.server_process import running_server

    with running_server(folder / "srv") as srv, ShapingProxy(srv.port, Link(*UPLINK)) as proxy:
        target = ServerTarget("bench", proxy.url, srv.create_token("bench"))
        state = folder / "live.json"
        started: list[Any] = []

        def begin(recorder: Any) -> None:
            live = LiveUpload.begin(target, recorder.fragmented, state, draft_manifest())
            live.start()
            started.append(live)

        report = realtime(seconds, folder, begin)
        started[0].stop()
        streamed = LiveState.load(state)
        report["scenario"] = "realtime-upload"
        report["uplink"] = Link(*UPLINK).label()
        report["uploaded_mb"] = round((streamed.sent - streamed.start) / 1e6, 2)
        report["proxy_mb_up"] = round(proxy.bytes_up / 1e6, 2)
    return report


def realtime(seconds: float, folder: Path, begin: Any = None) -> dict[str, Any]:
    from rep_video.media.capture.recorder import Recorder
    from rep_video.media.capture.synthetic import TestPatternCamera, ToneMicrophone

    recorder = Recorder(folder / "realtime.mp4", W, H, FPS)
    cam, mic = TestPatternCamera(W, H, FPS), ToneMicrophone()
    cpu0, start = cpu_seconds(), time.perf_counter()
    recorder.start()
    if begin is not None:
        begin(recorder)
    epoch = time.monotonic()
    cam.start(recorder.push_video, epoch=epoch)
    mic.start(recorder.push_audio, epoch=epoch)
    depths = []
    while time.perf_counter() - start < seconds:
        time.sleep(0.25)
        depths.append(recorder.stats().queue_depth)
    cam.stop()
    mic.stop()
    before_stop = time.perf_counter()
    path = recorder.stop()
    end = time.perf_counter()
    report = _report("realtime", recorder, path, seconds, start, before_stop, end, cpu0)
    report["camera_frames_skipped"] = cam.frames_skipped  # the generator thread was late
    report["mean_queue_depth"] = round(sum(depths) / max(1, len(depths)), 2)
    return report


def _report(
    name: str,
    recorder: Any,
    path: Path,
    seconds: float,
    start: float,
    before_stop: float,
    end: float,
    cpu0: float,
) -> dict[str, Any]:
    import av

    stats = recorder.stats()
    with av.open(str(path)) as c:
        frames = c.streams.video[0].frames
        duration = (c.duration or 0) / 1e6
    return {
        "scenario": name,
        "seconds": seconds,
        "frames_in": stats.frames_in,
        "frames_encoded": stats.frames_encoded,
        "frames_dropped": stats.frames_dropped,
        "frames_in_file": frames,
        "file_seconds": round(duration, 3),
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "mb_per_s": round(path.stat().st_size * 8 / 1e6 / max(duration, 1e-9), 2),
        "preset_steps": stats.preset_steps,
        "preset_steps_up": stats.preset_steps_up,
        "final_preset": stats.preset,
        "max_queue_depth": stats.max_queue_depth,
        "queue_capacity": recorder.capacity,
        "wall_seconds": round(before_stop - start, 2),
        "encode_fps": round(stats.frames_encoded / (before_stop - start), 1),
        "stop_seconds": round(end - before_stop, 3),
        "cpu_seconds": round(cpu_seconds() - cpu0, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if args.scenario == "baseline":
            out = baseline(args.baseline_seconds)
        elif args.scenario == "fast":
            out = fast(args.fast_seconds, Path(tmp))
        elif args.scenario == "realtime-upload":
            out = realtime_upload(args.realtime_seconds, Path(tmp))
        else:
            out = realtime(args.realtime_seconds, Path(tmp))
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-seconds", type=float, default=180.0)
    parser.add_argument("--realtime-seconds", type=float, default=60.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    names = ["baseline", "fast", "realtime", "realtime-upload"]
    parser.add_argument("--scenario", choices=names)
    parser.add_argument("--only", choices=names, action="append")
    args = parser.parse_args()
    if args.scenario:
        child(args)
        return
    results = []
    for scenario in args.only or names:
        argv = [sys.executable, __file__, "--scenario", scenario]
        argv += ["--fast-seconds", str(args.fast_seconds)]
        argv += ["--realtime-seconds", str(args.realtime_seconds)]
        argv += ["--baseline-seconds", str(args.baseline_seconds)]
        out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(result), flush=True)
        results.append(result)
    stamp = time.strftime("%Y-%m-%d")
    print(f"\n{stamp}, {platform.machine()}, python {platform.python_version()}")
    for r in results:
        cells = " | ".join(f"{k}={v}" for k, v in r.items() if k != "scenario")
        print(f"| {r['scenario']} | {cells} |")


if __name__ == "__main__":
    main()
