"""The progress parsers against ffmpeg output recorded in tests/data (docs/ARCHITECTURE.md, rule
5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.media.progress_parser import (
    FfmpegProgress,
    ProgressParser,
    parse_clock,
    parse_status_line,
)

DATA = Path(__file__).parents[2] / "data"


def _blocks(name: str) -> list[FfmpegProgress]:
    parser = ProgressParser()
    snaps = []
    for line in (DATA / name).read_text().splitlines():
        snap = parser.feed(line)
        if snap is not None:
            snaps.append(snap)
    return snaps


def test_recorded_progress_pipe_gives_one_snapshot_per_block() -> None:
    snaps = _blocks("ffmpeg_progress_pipe.txt")
    assert len(snaps) == 12
    assert [s.done for s in snaps] == [False] * 11 + [True]
    times = [s.out_time for s in snaps if s.out_time is not None]
    assert times == sorted(times)  # output time only grows
    assert times[0] == pytest.approx(0.085333)
    assert snaps[-1].out_time == pytest.approx(10.0)
    assert snaps[-1].frame == 300
    assert snaps[-1].speed == pytest.approx(3.6)  # "speed= 3.6x"
    assert snaps[-1].total_size == 1074012


def test_not_available_values_become_none() -> None:
    # ffmpeg writes N/A while the muxer has nothing yet (and, in 9.x, near the end).
    snaps = _blocks("ffmpeg_progress_pipe.txt")
    na = [s for s in snaps if s.out_time is None]
    assert na and all(s.speed is None for s in na)


def test_fraction_uses_duration_and_is_clamped() -> None:
    snap = FfmpegProgress(out_time=5.0, frame=None, speed=2.0, total_size=None, done=False)
    assert snap.fraction(10.0) == pytest.approx(0.5)
    assert snap.fraction(2.0) == 1.0
    assert snap.fraction(None) is None
    done = FfmpegProgress(out_time=None, frame=None, speed=None, total_size=None, done=True)
    assert done.fraction(None) == 1.0


def test_recorded_stderr_status_lines() -> None:
    text = (DATA / "ffmpeg_stderr_stats.txt").read_text()
    lines = text.replace("\r", "\n").splitlines()
    snaps = [s for s in map(parse_status_line, lines) if s is not None]
    assert len(snaps) >= 5
    assert snaps[0].frame == 9 and snaps[0].out_time == pytest.approx(0.23)
    assert snaps[0].speed == pytest.approx(0.908)
    times = [s.out_time for s in snaps]
    assert times == sorted(times)
    assert parse_status_line("Input #0, lavfi, from 'testsrc2'") is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:04.100000", 4.1), ("01:02:03.5", 3723.5), ("-00:00:00.02", 0.0), ("N/A", None)],
)
def test_parse_clock(text: str, seconds: float | None) -> None:
    assert parse_clock(text) == (pytest.approx(seconds) if seconds is not None else None)
