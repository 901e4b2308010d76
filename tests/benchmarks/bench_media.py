#!/usr/bin/env python3
"""Media core benchmark (run by hand, not collected by pytest):

    python tests/benchmarks/bench_media.py [--workdir DIR] [--keep]

On a generated 3-minute 1280×720 30 fps clip with sound (encoded like the recorder: x264,
a keyframe a second, no B-frames, ≤ 2.5 Mb/s) it measures, in one run:
  - smart trim of both ends vs exact trim of the same range (target ≤ 1.5 s and ≥ 10×);
  - finalize of a clip already in the profile (target ≤ 1 s, remux only);
  - finalize of a foreign clip (1080p MPEG-4 Part 2, 44.1 kHz audio) vs the bare ffmpeg
    command with the same argv (target ≥ 4× realtime, within 10% of bare ffmpeg);
  - the email GIF (PyAV, in process) vs the ffmpeg executable running the same palette graph,
    which is how it was made before (median of 5; within 10% of it, or faster);
  - the peak resident memory of this process plus its children (ffmpeg) during each step,
    sampled from /proc every 20 ms (target ≤ 300 MB).
Prints a Markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import rep_video.media.cut.trim as trim_module  # noqa: E402
from rep_video.media.cut.piece_encode import encode_span  # noqa: E402
from rep_video.media.cut.trim import trim  # noqa: E402
from rep_video.media.probe import _probe_cached, probe  # noqa: E402
from rep_video.media.publish.concat import concat_copy  # noqa: E402
from rep_video.media.publish.email_gif import make_email_gif  # noqa: E402
from rep_video.media.publish.finalize import finalize, plan_finalize  # noqa: E402
from rep_video.media.transcode_settings import transcode_settings  # noqa: E402
from tests.support import ffmpeg_commands as fa  # noqa: E402
from tests.support.ffmpeg_commands import concat_args, concat_list, encode_segment_args  # noqa: E402

DURATION = 180
# The executable the batch steps ran before they moved into PyAV: the same-run baseline.
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_exe() -> str:
    return FFMPEG


def finalize_argv(info: Any, plan: Any, dst: Path) -> list[str]:
    """The command finalize ran before (remux or transcode)."""
    channels = info.audio.channels if info.audio else 2
    return fa.finalize_args(FFMPEG, info.path, dst, video=plan.video, audio=plan.audio,
                            channels=channels)  # fmt: skip


def exact_argv(src: Path, dst: Path, start: float, end: float) -> list[str]:
    """The command the exact trim ran before (cut/trim.py's _run_exact, same window)."""
    info = probe(src)
    assert info.video is not None
    fd = info.video.frame_duration
    seek = max(0.0, start - 1.0)
    cut = fa.ExactCut(seek, video=(start - seek - fd / 2, end - seek - fd / 2),
                      audio=(start - seek, end - seek) if info.audio else None)  # fmt: skip
    channels = info.audio.channels if info.audio else 2
    return fa.exact_trim_args(FFMPEG, src, dst, cut, transcode_settings(info), channels)


PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, summed (they run at once)."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo.extend(tree.get(pid, []))
    return total


class PeakMemory:
    """Samples tree_rss(this process) every 20 ms while the block runs."""

    def __enter__(self) -> PeakMemory:
        self.peak = tree_rss(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, tree_rss(os.getpid()))
        # Walking /proc costs ~4 ms a sample: taken out of the step's CPU time, which would
        # otherwise grow with its wall time on a loaded machine.
        self.own_cpu = time.thread_time()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (ffmpeg)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, float] = {}


def timed(fn: Callable[[], Any], name: str = "") -> tuple[float, int, Any]:
    """Wall time, peak tree RSS and result of fn(); its CPU seconds go to CPU[name]. The CPU
    time says what the step costs whatever the machine's load: on an idle machine with
    2 cores the wall time would be about CPU / 2 for work that uses both."""
    _probe_cached.cache_clear()  # every step pays for its own probes, as in a fresh process
    with PeakMemory() as mem:
        c0 = cpu_seconds()
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds() - c0
    CPU[name] = cpu - mem.own_cpu
    return elapsed, mem.peak, result


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_recording(path: Path) -> None:
    """Like the recorder's output: x264 veryfast, keyframe every 30 frames, no B-frames,
    CRF 23 capped at 2.5 Mb/s, AAC 48 kHz mono, faststart."""
    if path.exists():
        return
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={DURATION}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={DURATION}",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-profile:v", "high",
        "-x264-params", "keyint=30:min-keyint=30:scenecut=0:bframes=0:ref=1:crf=23:"
        "vbv-maxrate=2500:vbv-bufsize=5000",
        "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path),
    )  # fmt: skip


def make_foreign(path: Path) -> None:
    """An imported file: 1080p MPEG-4 Part 2 at 30 fps, 44.1 kHz stereo AAC, moov last."""
    if path.exists():
        return
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={DURATION}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={DURATION}",
        "-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac", "-ac", "2", str(path),
    )  # fmt: skip


# The command the email GIF ran before it moved into PyAV (the first attempt: 480 px, 10 fps,
# 128 colours), kept here as the same-run baseline.
GIF_GRAPH = (
    "fps=10,scale=480:-2:flags=area,split[a][b];"
    "[a]scale=160:-2:flags=area,palettegen=max_colors=128:stats_mode=diff[p];"
    "[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"
)


def gif_rows(rec: Path, work: Path) -> tuple[str, str, str, str]:
    ours, ref = work / "preview.gif", work / "preview-bare.gif"
    bare = [ffmpeg_exe(), "-v", "error", "-y", "-t", "3", "-i", str(rec), "-an",
            "-filter_complex", GIF_GRAPH, "-loop", "0", "-f", "gif", str(ref)]  # fmt: skip
    t_ours, t_bare, peak = [], [], 0
    for i in range(5):  # alternate, so a change in the machine's load hits both alike
        t, m, _ = timed(lambda: make_email_gif(rec, ours), f"gif {i}")
        t_ours.append(t)
        peak = max(peak, m)
        t, _m, _ = timed(lambda: subprocess.run(bare, check=True), f"gif bare {i}")
        t_bare.append(t)
    a, b = sorted(t_ours)[2], sorted(t_bare)[2]
    cpu_ours = sum(v for k, v in CPU.items() if k.startswith("gif ") and "bare" not in k)
    cpu_bare = sum(v for k, v in CPU.items() if k.startswith("gif bare"))
    return ("email GIF, 3 s of 720p → 480 px", f"{a:.2f} s",
            f"vs the ffmpeg executable {b:.2f} s: {(a / b - 1) * 100:+.1f}% (≤ 10%), "
            f"CPU {cpu_ours / 5:.2f} vs {cpu_bare / 5:.2f} s; "
            f"{ours.stat().st_size / 1e3:.0f} kB vs {ref.stat().st_size / 1e3:.0f} kB",
            f"{peak / 2**20:.0f} MB")  # fmt: skip


def old_encode_span(src: Path, dst: Path, v: Any, span: tuple[float, float], encoder: Any,
                    cancel: Any = None) -> int:  # fmt: skip
    """The smart trim's cut piece as it was made before it moved into PyAV: the ffmpeg
    command (one thread, `-ss`, the trim filter, the matched x264 settings)."""
    fd = v.frame_duration
    seek = max(0.0, span[0] - fd)
    argv = encode_segment_args(ffmpeg_exe(), src, dst, seek=seek, start=span[0] - seek - fd / 2,
                               end=span[1] - seek - fd / 2, encoder=encoder)  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True)
    return round((span[1] - span[0]) / fd)


def smart_rows(rec: Path, work: Path, start: float, end: float) -> tuple[str, str, str, str]:
    """Smart trim with its cut pieces made by PyAV against the same trim with them made by
    the ffmpeg command, alternated five times, medians."""
    ours, old = work / "smart.mp4", work / "smart-old.mp4"
    t_ours, t_old, peak = [], [], 0
    for i in range(5):
        ours.unlink(missing_ok=True)
        old.unlink(missing_ok=True)
        t, m, info = timed(lambda: trim(rec, ours, start, end, "smart"), f"smart {i}")
        t_ours.append(t)
        peak = max(peak, m)
        trim_module.encode_span = old_encode_span  # type: ignore[assignment]
        try:
            t, _m, _ = timed(lambda: trim(rec, old, start, end, "smart"), f"smart old {i}")
        finally:
            trim_module.encode_span = encode_span
        t_old.append(t)
    assert info.video is not None and info.video.frame_count == round((end - start) * 30)
    a, b = sorted(t_ours)[2], sorted(t_old)[2]
    cpu_ours = sum(v for k, v in CPU.items() if k.startswith("smart ") and "old" not in k)
    cpu_old = sum(v for k, v in CPU.items() if k.startswith("smart old"))
    return (f"smart trim of both ends ({end - start:.1f} s kept)", f"{a:.2f} s",
            f"cut pieces in PyAV vs the ffmpeg command {b:.2f} s: {(a / b - 1) * 100:+.1f}% "
            f"(≤ 10%), CPU {cpu_ours / 5:.2f} vs {cpu_old / 5:.2f} s",
            f"{peak / 2**20:.0f} MB")  # fmt: skip


def join_rows(rec: Path, work: Path) -> tuple[str, str, str, str]:
    """The intro card's join (card + the 3-minute recording, stream copy): in process by PyAV
    against the concat-demuxer command it ran before, alternated five times, medians."""
    from rep_video.media.publish.intro import card_encoder, encode_card, render_card

    info = probe(rec)
    encoder = card_encoder(info)
    assert encoder is not None and info.video is not None
    card_path = work / "card.mp4"
    card = render_card(info.video.width, info.video.height, info.video.fps, "For Dr. Bench")
    try:
        encode_card(info, encoder, card, card_path, None)
    finally:
        card.close()
    list_file = work / "join.txt"
    list_file.write_text(concat_list([card_path, rec]))
    ours, old = work / "joined.mp4", work / "joined-old.mp4"
    argv = concat_args(ffmpeg_exe(), list_file, old)
    t_ours, t_old, peak = [], [], 0
    for i in range(5):
        t, m, _ = timed(lambda: concat_copy([card_path, rec], ours), f"join {i}")
        t_ours.append(t)
        peak = max(peak, m)
        t, _m, _ = timed(lambda: subprocess.run(argv, check=True, capture_output=True),
                         f"join old {i}")  # fmt: skip
        t_old.append(t)
    a, b = sorted(t_ours)[2], sorted(t_old)[2]
    cpu_ours = sum(v for k, v in CPU.items() if k.startswith("join ") and "old" not in k)
    cpu_old = sum(v for k, v in CPU.items() if k.startswith("join old"))
    return ("intro card join (2 s card + 3 min, stream copy)", f"{a:.2f} s",
            f"PyAV vs the concat command {b:.2f} s: {(a / b - 1) * 100:+.1f}% (≤ 10%), "
            f"CPU {cpu_ours / 5:.2f} vs {cpu_old / 5:.2f} s", f"{peak / 2**20:.0f} MB")  # fmt: skip


def transcode_rows(
    rec: Path, foreign: Path, work: Path, start: float, end: float
) -> list[tuple[str, str, str, str]]:
    """Finalize's transcode of the foreign file and the exact trim, each in process (PyAV)
    against the command it ran before, once each (they take minutes), alternated."""
    rows = []
    finfo = probe(foreign)
    old = finalize_argv(finfo, plan_finalize(finfo), work / "bare.mp4")
    t_old, _m, _ = timed(lambda: subprocess.run(old, check=True, capture_output=True), "fin old")
    t, m, _ = timed(lambda: finalize(foreign, work / "final-foreign.mp4"), "fin")
    rows.append(("finalize, foreign 1080p MPEG-4 → 720p H.264", f"{t:.1f} s",
                 f"PyAV vs the old command {t_old:.1f} s: {(t / t_old - 1) * 100:+.1f}% (≤ 10%), "
                 f"CPU {CPU['fin']:.1f} vs {CPU['fin old']:.1f} s",
                 f"{m / 2**20:.0f} MB"))  # fmt: skip
    old_exact = exact_argv(rec, work / "exact-old.mp4", start, end)
    (work / "exact.mp4").unlink(missing_ok=True)
    t, m, _ = timed(lambda: trim(rec, work / "exact.mp4", start, end, "exact"), "ex")
    t_old, _m, _ = timed(lambda: subprocess.run(old_exact, check=True, capture_output=True),
                         "ex old")  # fmt: skip
    rows.append(("exact trim (159.7 s re-encoded)", f"{t:.1f} s",
                 f"PyAV vs the old command {t_old:.1f} s: {(t / t_old - 1) * 100:+.1f}% (≤ 10%), "
                 f"CPU {CPU['ex']:.1f} vs {CPU['ex old']:.1f} s",
                 f"{m / 2**20:.0f} MB"))  # fmt: skip
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "rv-bench")
    ap.add_argument("--keep", action="store_true", help="keep the outputs")
    ap.add_argument("--gif-only", action="store_true", help="only the email GIF step")
    ap.add_argument("--remux-only", action="store_true", help="the GIF and the remux only")
    ap.add_argument(
        "--only", choices=["smart", "join", "transcode"], help="one step, against the old way"
    )
    args = ap.parse_args()
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    rec, foreign = work / "recording-3min-720p.mp4", work / "foreign-3min-1080p-mpeg4.avi"
    print("generating inputs (cached in", work, ") ...", file=sys.stderr)
    make_recording(rec)
    make_foreign(foreign)
    start, end = 10.5, 170.2  # both ends mid-GOP
    rows: list[tuple[str, str, str, str]] = []

    def out(name: str) -> Path:
        p = work / name
        p.unlink(missing_ok=True)
        return p

    if args.only == "smart":
        print("| step | time | ratio | peak RSS |\n| --- | --- | --- | --- |")
        print("| " + " | ".join(smart_rows(rec, work, start, end)) + " |")
        return 0
    if args.only == "transcode":
        print("| step | time | ratio | peak RSS |\n| --- | --- | --- | --- |")
        for row in transcode_rows(rec, foreign, work, start, end):
            print("| " + " | ".join(row) + " |")
        return 0
    if args.only == "join":
        print("| step | time | ratio | peak RSS |\n| --- | --- | --- | --- |")
        print("| " + " | ".join(join_rows(rec, work)) + " |")
        return 0
    rows.append(gif_rows(rec, work))
    if args.gif_only:
        print("| step | time | ratio | peak RSS |\n| --- | --- | --- | --- |")
        print("| " + " | ".join(rows[0]) + " |")
        return 0
    # The remux runs in process (PyAV) now; the baseline is what finalize did before: probe,
    # the ffmpeg command (stream copy, faststart), probe the result.
    rinfo = probe(rec)
    bare_remux_out = out("bare-remux.mp4")
    bare_remux = finalize_argv(rinfo, plan_finalize(rinfo), bare_remux_out)

    def old_finalize() -> None:
        probe(rec)
        subprocess.run(bare_remux, check=True, capture_output=True)
        probe(bare_remux_out)

    t_remux, t_bare_remux, m_remux = [], [], 0
    for i in range(3):
        t, m, res = timed(lambda: finalize(rec, out("final-remux.mp4")), f"remux {i}")
        t_remux.append(t)
        m_remux = max(m_remux, m)
        t, _m, _ = timed(old_finalize, f"remux bare {i}")
        t_bare_remux.append(t)
    tr, tb = sorted(t_remux)[1], sorted(t_bare_remux)[1]
    rows.append(("finalize, already in profile", f"{tr:.2f} s",
                 f"≤ 1 s, remux only: {res.remuxed}; vs the old (ffmpeg) {tb:.2f} s: "
                 f"{(tr / tb - 1) * 100:+.1f}% (≤ 10%)", f"{m_remux / 2**20:.0f} MB"))  # fmt: skip
    if args.remux_only:
        print("| step | time | ratio | peak RSS |\n| --- | --- | --- | --- |")
        print("| " + " | ".join(rows[-1]) + " |")
        return 0
    t_smart, m_smart, info = timed(
        lambda: trim(rec, out("smart.mp4"), start, end, "smart"), "smart"
    )
    t_exact, m_exact, _ = timed(lambda: trim(rec, out("exact.mp4"), start, end, "exact"), "exact")
    ratio = t_exact / t_smart
    rows.append(("smart trim of both ends (159.7 s kept)", f"{t_smart:.2f} s",
                 f"≤ 1.5 s, ≥ 10× exact: {ratio:.1f}× (exact {t_exact:.1f} s)",
                 f"{m_smart / 2**20:.0f} MB / exact {m_exact / 2**20:.0f} MB"))  # fmt: skip
    old_exact = exact_argv(rec, out("exact-old.mp4"), start, end)
    t_old_exact, _m, _ = timed(lambda: subprocess.run(old_exact, check=True, capture_output=True),
                               "exact old")  # fmt: skip
    rows.append(("exact trim (159.7 s re-encoded)", f"{t_exact:.1f} s",
                 f"PyAV vs the old command {t_old_exact:.1f} s: "
                 f"{(t_exact / t_old_exact - 1) * 100:+.1f}% (≤ 10%), CPU {CPU['exact']:.1f} vs "
                 f"{CPU['exact old']:.1f} s", f"{m_exact / 2**20:.0f} MB"))  # fmt: skip
    assert info.video is not None and info.video.frame_count == round((end - start) * 30)

    finfo = probe(foreign)
    plan = plan_finalize(finfo)
    bare_out = out("bare.mp4")
    argv = finalize_argv(finfo, plan, bare_out)
    t_bare, _mem, _ = timed(lambda: subprocess.run(argv, check=True, capture_output=True), "bare")
    t_fin, m_fin, res = timed(lambda: finalize(foreign, out("final-foreign.mp4")), "foreign")
    overhead = (t_fin / t_bare - 1) * 100
    rows.append(("finalize, foreign 1080p MPEG-4 → 720p H.264", f"{t_fin:.1f} s",
                 f"≥ 4× realtime: {DURATION / t_fin:.1f}×; vs bare ffmpeg {t_bare:.1f} s: "
                 f"{overhead:+.1f}% (≤ 10%)", f"{m_fin / 2**20:.0f} MB"))  # fmt: skip

    load = os.getloadavg()
    print(f"\n{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()}, {os.cpu_count()} cores · "
          f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")  # fmt: skip
    print("| step | time | target / ratio | peak RSS (process + ffmpeg) |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\nCPU seconds (this process + ffmpeg): " + ", ".join(
        f"{k} {v:.1f}" for k, v in CPU.items() if not k.startswith(("gif", "remux"))))  # fmt: skip
    print(f"foreign finalize on an idle 2-core machine ≈ {CPU['foreign'] / 2:.1f} s "
          f"= {DURATION / (CPU['foreign'] / 2):.1f}× realtime (CPU / 2)")  # fmt: skip
    if not args.keep:
        for name in (
            "preview.gif",
            "preview-bare.gif",
            "smart.mp4",
            "exact.mp4",
            "final-remux.mp4",
            "bare.mp4",
            "final-foreign.mp4",
        ):
            (work / name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
