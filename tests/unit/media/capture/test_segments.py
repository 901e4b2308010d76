"""The segment model on its own: where a re-take cuts, what the plan keeps, the journal."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from rep_video.media.capture.levels import PauseFinder
from rep_video.media.capture.segments import Segments


def _recording(*parts: tuple[int, list[tuple[float, float]]]) -> Segments:
    seg = Segments(Fraction(30))
    for i, (frames, silences) in enumerate(parts):
        seg.open_part(f"p{i}.mp4")
        seg.close_part(i, frames, silences)
    return seg


def test_retake_cuts_inside_the_last_pause_in_speech() -> None:
    seg = _recording((300, [(2.0, 3.0), (6.0, 6.8)]))  # 10 s, pauses at 2 s and 6 s
    cut = seg.retake()
    assert (cut.at, cut.dropped) == (pytest.approx(6.3), pytest.approx(3.7))
    assert seg.kept_frames() == 189
    assert [(p.file, p.seconds, p.at) for p in seg.plan()] == [("p0.mp4", 6.3, 0.0)]
    assert seg.dropped() == [("p0.mp4", 6.3, 10.0)]


def test_retake_prefers_the_later_of_pause_and_silence() -> None:
    seg = _recording((90, [(1.0, 2.0)]), (60, []))  # 3 s take with a silence, then a 2 s take
    assert seg.boundaries() == [0, 39, 90]
    assert seg.retake().at == 3.0  # the second take began after a pause: back to it
    assert seg.retake().at == pytest.approx(1.3)  # again: into the first take's silence
    assert seg.retake().at == 0.0
    assert seg.plan() == []


def test_a_short_silence_is_cut_in_its_middle_and_a_tiny_drop_goes_further_back() -> None:
    seg = _recording((120, [(2.0, 2.4)]), (9, []))  # the second take is only 0.3 s
    assert seg.boundaries() == [0, 66, 120]  # 2.2 s: the middle of a 0.4 s silence
    cut = seg.retake()
    assert cut.at == pytest.approx(2.2) and cut.dropped == pytest.approx(2.1)


def test_open_parts_are_counted_but_not_cut() -> None:
    seg = Segments(Fraction(30))
    seg.open_part("a.mp4")
    assert seg.kept_frames({0: 45}) == 45
    with pytest.raises(RuntimeError):
        seg.retake()
    assert seg.plan()[0].frames is None  # an unfinished part: all it holds


def test_journal_round_trip_and_refusals(tmp_path: Path) -> None:
    seg = _recording((90, [(1.0, 2.0)]), (60, []))
    seg.note("pause", t=3.0)
    seg.retake()
    path = tmp_path / "j.json"
    seg.write(path)
    back = Segments.read(path)
    assert back.to_json() == seg.to_json()
    assert back.plan() == seg.plan()
    for bad in ('{"fps": [30, 1], "parts": [{"file": "../x.mp4"}], "pieces": []}',
                '{"fps": [30, 0], "parts": [], "pieces": []}',
                '{"fps": [30, 1], "parts": [], "pieces": [{"part": 3}]}', "[]", "{"):  # fmt: skip
        path.write_text(bad)
        with pytest.raises(ValueError):
            Segments.read(path)


def _speech(pattern: list[tuple[float, bool]], rate: int = 48000) -> np.ndarray:
    """Tone where True, a -65 dBFS floor where False."""
    chunks = []
    for seconds, loud in pattern:
        n = np.arange(round(seconds * rate))
        level = 0.1 if loud else 10 ** (-65 / 20)
        chunks.append((level * np.sin(2 * np.pi * 220 * n / rate)).astype(np.float32))
    return np.concatenate(chunks)


def test_pause_finder_finds_pauses_of_seven_tenths_and_more() -> None:
    audio = _speech([(1.0, True), (0.9, False), (1.0, True), (0.4, False), (0.5, True),
                     (1.2, False)])  # fmt: skip
    finder = PauseFinder(48000)
    for start in range(0, len(audio), 1234):  # odd block sizes, as devices deliver
        finder.feed(audio[start : start + 1234].reshape(-1, 1))
    assert len(finder.pauses) == 1  # the 0.4 s one is too short; the last one is ongoing
    ((s, e),) = finder.pauses
    assert s == pytest.approx(1.0, abs=0.03) and e == pytest.approx(1.9, abs=0.03)
    assert finder.quiet_for == pytest.approx(1.2, abs=0.03)


def test_pause_finder_follows_a_soft_speaker_and_a_gap_in_delivery() -> None:
    finder = PauseFinder(48000)
    soft = _speech([(1.0, True)]) * 0.05  # speech at about -49 dBFS
    finder.feed(soft)
    finder.feed(soft, at=2.0)  # a second with no blocks at all counts as quiet
    assert finder.pauses == [(pytest.approx(1.0, abs=0.03), pytest.approx(2.0, abs=0.03))]
