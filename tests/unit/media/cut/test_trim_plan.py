"""Property tests of the pure trim planner (docs/ARCHITECTURE.md, rule 4)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rep_video.errors import UserError
from rep_video.media.cut.trim_plan import TrimPlan, plan_trim
from tests.support.examples import examples

FD = 1 / 30
EPS = 1e-9


@st.composite
def clips(draw: st.DrawFn) -> tuple[list[float], float]:
    """A clip on a 30 fps grid: duration, and keyframes (always one at 0) at frame times."""
    frames = draw(st.integers(min_value=10, max_value=900))
    gop_starts = draw(st.sets(st.integers(min_value=1, max_value=frames - 1), max_size=40))
    keys = sorted({0, *gop_starts})
    return [k * FD for k in keys], frames * FD


@st.composite
def trims(draw: st.DrawFn) -> tuple[list[float], float, float, float]:
    keys, duration = draw(clips())
    start = draw(st.floats(min_value=0, max_value=duration - FD))
    end = draw(st.floats(min_value=start + FD, max_value=duration))
    return keys, duration, start, end


def _assert_contiguous(plan: TrimPlan) -> None:
    segs = plan.segments
    assert segs, "a plan has at least one segment"
    assert segs[0].start == pytest.approx(plan.start, abs=EPS)
    assert segs[-1].end == pytest.approx(plan.end, abs=EPS)
    for a, b in itertools.pairwise(segs):
        assert a.end == pytest.approx(b.start, abs=EPS)
    assert all(s.end > s.start for s in segs)


def _on_key(t: float, keys: list[float]) -> bool:
    return any(abs(t - k) < 1e-6 for k in keys)


@settings(max_examples=examples(300), deadline=None)
@given(trims())
def test_smart_plan_is_contiguous_frame_accurate_and_copies_from_keyframes(
    case: tuple[list[float], float, float, float],
) -> None:
    keys, duration, start, end = case
    assume(round(end / FD) - round(start / FD) >= 1)
    plan = plan_trim(keys, duration, start, end, "smart", FD)
    _assert_contiguous(plan)
    # within half a frame of the request: output duration within one frame
    assert abs(plan.start - start) <= FD / 2 + EPS
    assert abs(plan.end - min(end, duration)) <= FD / 2 + EPS or plan.end == duration
    for seg in plan.segments:
        if seg.action == "copy":
            assert _on_key(seg.start, keys)
            assert _on_key(seg.end, keys) or seg.end == duration
        else:
            # a re-encoded piece never spans a whole GOP when something is copied
            if plan.copies:
                inner = [k for k in keys if seg.start + 1e-6 < k < seg.end - 1e-6]
                assert not inner
    # at most two re-encoded pieces (head and tail) around one copied middle
    assert sum(s.action == "copy" for s in plan.segments) <= 1
    assert len(plan.segments) <= 3


@settings(max_examples=examples(200), deadline=None)
@given(trims())
def test_fast_plan_snaps_outward_to_keyframes(
    case: tuple[list[float], float, float, float],
) -> None:
    keys, duration, start, end = case
    assume(round(end / FD) - round(start / FD) >= 1)
    plan = plan_trim(keys, duration, start, end, "fast", FD)
    _assert_contiguous(plan)
    assert [s.action for s in plan.segments] == ["copy"]
    assert _on_key(plan.start, keys)
    assert plan.start <= start + FD / 2
    assert _on_key(plan.end, keys) or plan.end == duration
    assert plan.end >= min(end, duration) - FD / 2


@settings(max_examples=examples(100), deadline=None)
@given(trims())
def test_exact_plan_is_one_reencoded_segment(case: tuple[list[float], float, float, float]) -> None:
    keys, duration, start, end = case
    assume(round(end / FD) - round(start / FD) >= 1)
    plan = plan_trim(keys, duration, start, end, "exact", FD)
    assert [s.action for s in plan.segments] == ["encode"]
    assert abs(plan.start - start) <= FD / 2 + EPS
    assert math.isclose(plan.segments[0].end, plan.end)


def test_smart_plan_example_head_copy_tail() -> None:
    plan = plan_trim([0, 1, 2, 3], 4.0, 0.5, 2.5, "smart", FD)
    assert [(s.start, s.end, s.action) for s in plan.segments] == [
        (0.5, 1, "encode"),
        (1, 2, "copy"),
        (2, 2.5, "encode"),
    ]


def test_smart_plan_copies_through_the_end_without_a_tail() -> None:
    plan = plan_trim([0, 1, 2, 3], 4.0, 1.0, 4.0, "smart", FD)
    assert [(s.start, s.end, s.action) for s in plan.segments] == [(1, 4.0, "copy")]


def test_smart_plan_inside_one_gop_reencodes_only_that_range() -> None:
    plan = plan_trim([0, 1, 2, 3], 4.0, 1.2, 1.8, "smart", FD)
    assert [s.action for s in plan.segments] == ["encode"]
    assert plan.duration == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("start", "end", "fragment"),
    [
        (3.0, 2.0, "must come before"),
        (2.0, 2.0, "must come before"),
        (5.0, 6.0, "past the end of the clip"),
        (1.0, 9.0, "past the end of the clip"),
        (-1.0, 2.0, "negative"),
        (1.0, 1.01, "shorter than one frame"),
    ],
)
def test_bad_ranges_are_user_errors(start: float, end: float, fragment: str) -> None:
    with pytest.raises(UserError, match=fragment) as info:
        plan_trim([0, 1, 2, 3], 4.0, start, end, "smart", FD)
    assert "\n" not in str(info.value)


def test_unknown_mode() -> None:
    with pytest.raises(UserError, match="unknown trim mode"):
        plan_trim([0.0], 4.0, 1.0, 2.0, "magic", FD)
