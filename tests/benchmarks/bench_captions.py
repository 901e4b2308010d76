#!/usr/bin/env python3
"""Caption alignment benchmark (run by hand, not collected by pytest):

    python tests/benchmarks/bench_captions.py [--workdir DIR] [--runs N]

espeak-ng reads a 36-sentence script (about three minutes, pauses of 0.3-1.0 s) into a
3-minute H.264/AAC test-pattern clip; then, in one run:
  - captions_from_script on it: decode the sound, detect speech, align (target ≤ 1 s);
  - the same steps apart (decode, WebRTC VAD, energy VAD, alignment);
  - baseline: the ffmpeg binary decoding the same sound to 16 kHz mono WAV, the cheapest way
    to get at the samples at all, so the ratio says how much alignment adds.
Also checks every cue starts within 0.5 s of its sentence. Prints Markdown for
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rep_video.captions.align import align_units  # noqa: E402
from rep_video.captions.audio import load_speech_audio  # noqa: E402
from rep_video.captions.from_script import captions_from_script  # noqa: E402
from rep_video.captions.sentences import caption_units  # noqa: E402
from rep_video.captions.vad import speech_segments  # noqa: E402
from tests.support.clips import FFMPEG  # noqa: E402
from tests.support.speech import SCRIPT_EN, spoken_clip  # noqa: E402

PREFIXES = ("", "As I mentioned, ", "Also, ", "And again, ", "In short, ", "To add to that, ")


def _script() -> tuple[str, ...]:
    """36 sentences, each still one sentence (one cue) so its start can be checked."""
    return tuple(p + (s[0].lower() + s[1:] if p else s) for p in PREFIXES for s in SCRIPT_EN)


def _best(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-captions-"))
    work.mkdir(parents=True, exist_ok=True)
    sentences = _script()
    gaps = tuple(0.3 + 0.7 * ((i * 7) % 10) / 10 for i in range(len(sentences) - 1))
    spoken = spoken_clip(work / "take.mp4", sentences, gaps=gaps, noise=0.005, words_per_minute=130)
    script = " ".join(sentences)
    wav = work / "baseline.wav"

    def baseline() -> None:
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-i", str(spoken.video), "-vn", "-ac", "1",
             "-ar", "16000", "-c:a", "pcm_s16le", str(wav)],
            check=True,
        )  # fmt: skip

    base, _ = _best(baseline, args.runs)
    whole, captions = _best(lambda: captions_from_script(spoken.video, script, "en"), args.runs)
    decode, samples = _best(lambda: load_speech_audio(spoken.video), args.runs)
    webrtc, segments = _best(lambda: speech_segments(samples, "webrtc"), args.runs)
    energy, _ = _best(lambda: speech_segments(samples, "energy"), args.runs)
    units = caption_units(script)
    align, _ = _best(lambda: align_units(units, segments), args.runs)
    offsets = [abs(c.start - t) for c, t in zip(captions.cues, spoken.starts, strict=True)]

    load = os.getloadavg()
    when = time.strftime("%Y-%m-%d %H:%M")
    machine = f"{platform.machine()} {os.cpu_count()} cores"
    loads = " / ".join(f"{x:.1f}" for x in load)
    take = f"{spoken.duration:.0f} s take, {len(sentences)} sentences, best of {args.runs}"
    print(f"{when}, {machine}, load average {loads}; {take}")
    print()
    print("| step | seconds | × the ffmpeg decode |")
    print("| --- | ---: | ---: |")
    for label, value in (
        ("ffmpeg decode to 16 kHz WAV (baseline)", base),
        ("**captions_from_script (all of it)**", whole),
        ("decode the sound (PyAV, in-process)", decode),
        ("WebRTC VAD", webrtc),
        ("energy VAD", energy),
        ("alignment (dynamic programme)", align),
    ):
        print(f"| {label} | {value:.3f} | {value / base:.2f} |")
    print()
    worst, median = max(offsets), statistics.median(offsets)
    print(f"cue start error: max {worst:.2f} s, median {median:.2f} s over {len(offsets)} cues")
    return 0 if whole <= 1.0 and max(offsets) <= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
