"""`rep-video trim` and `rep-video finalize` in a subprocess: exit codes, one-line errors
without a traceback, and no output (or temp file) left behind on failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rep_video.media.probe import probe

pytestmark = pytest.mark.process


def rv(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *map(str, args)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_trim_cli(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "cut.mp4"
    done = rv("trim", sample_clip, out, "--start", "0.5", "--end", "0:03.2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(str(out))
    assert "trim:" in done.stderr and "100%" in done.stderr  # progress on stderr
    info = probe(out)
    assert info.video is not None and info.video.frame_count == 81


def test_finalize_cli(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "final.mp4"
    done = rv("finalize", sample_clip, out)
    assert done.returncode == 0, done.stderr
    assert "remuxed" in done.stdout
    assert probe(out).faststart


def _bad_inputs(tmp: Path, sample: Path, audio: Path) -> dict[str, Path]:
    empty = tmp / "empty.mp4"
    empty.touch()
    text = tmp / "text.mp4"
    text.write_text("not a video\n" * 50)
    cut = tmp / "cut.mp4"
    cut.write_bytes(sample.read_bytes()[:20_000])
    return {"missing": tmp / "missing.mp4", "empty": empty, "text": text, "truncated": cut,
            "audio-only": audio}  # fmt: skip


@pytest.mark.parametrize("kind", ["missing", "empty", "text", "truncated", "audio-only"])
@pytest.mark.parametrize("command", ["trim", "finalize"])
def test_bad_input_exits_2_with_one_line(
    kind: str, command: str, sample_clip: Path, audio_only: Path, tmp_path: Path, out_dir: Path
) -> None:
    src = _bad_inputs(tmp_path, sample_clip, audio_only)[kind]
    out = out_dir / "result.mp4"
    args: list[str | Path] = [command, src, out]
    if command == "trim":
        args += ["--start", "0.5", "--end", "1.5"]
    done = rv(*args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("rep-video:")]
    assert len(lines) == 1 and lines[0].count(";") >= 1  # what happened; what to do
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("start", "end"), [("3", "1"), ("2", "2"), ("0:09", "0:10"), ("1", "99"), ("x", "2")]
)
def test_bad_times_exit_2(sample_clip: Path, out_dir: Path, start: str, end: str) -> None:
    done = rv("trim", sample_clip, out_dir / "cut.mp4", "--start", start, "--end", end)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert list(out_dir.iterdir()) == []
