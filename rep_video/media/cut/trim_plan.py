"""Decide a trim before running anything (docs/ARCHITECTURE.md, rule 4): a pure function of the
keyframe list and the in/out points. `smart` copies every whole GOP inside the range and re-encodes
only the partial GOPs at the two cuts; `fast` widens the range to keyframes and copies it; `exact`
re-encodes the range."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rep_video.errors import UserError
from rep_video.timeparse import format_time

MODES = ("smart", "fast", "exact")
Action = Literal["copy", "encode"]


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    action: Action

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class TrimPlan:
    """`start`/`end` are the actual output bounds (on the frame grid, or on keyframes in
    fast mode); `segments` cover them exactly, in order, without gaps."""

    mode: str
    start: float
    end: float
    segments: tuple[Segment, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def copies(self) -> bool:
        return any(s.action == "copy" for s in self.segments)

    @property
    def encoded_seconds(self) -> float:
        return sum(s.duration for s in self.segments if s.action == "encode")


def _validate(duration: float, start: float, end: float, mode: str, fd: float) -> None:
    if mode not in MODES:
        raise UserError(f"unknown trim mode '{mode}'; use smart, fast or exact.")
    if start < 0 or end < 0:
        raise UserError("trim times cannot be negative; give times from 0 on.")
    if start >= end:
        raise UserError(
            f"the trim start ({format_time(start)}) must come before its end "
            f"({format_time(end)}); swap or fix them."
        )
    if start >= duration - fd / 2:
        raise UserError(
            f"the trim start ({format_time(start)}) is past the end of the clip "
            f"({format_time(duration)}); choose an earlier start."
        )
    if end > duration + fd:
        raise UserError(
            f"the trim end ({format_time(end)}) is past the end of the clip "
            f"({format_time(duration)}); choose an end within the clip."
        )


def _snap(t: float, fd: float) -> float:
    return round(t / fd) * fd


def plan_trim(
    keyframes: Sequence[float],
    duration: float,
    start: float,
    end: float,
    mode: str = "smart",
    frame_duration: float = 1 / 30,
) -> TrimPlan:
    """Plan a trim of [start, end) of a clip `duration` seconds long whose keyframes sit at
    `keyframes` (seconds). Raises UserError for start ≥ end or times outside the clip."""
    fd = frame_duration
    _validate(duration, start, end, mode, fd)
    keys = sorted(k for k in keyframes if 0 <= k < duration)
    half = fd / 2
    s = _snap(start, fd)
    to_end = end >= duration - half
    e = duration if to_end else min(_snap(end, fd), duration)
    if e - s < half:
        raise UserError("the trimmed clip would be shorter than one frame; widen the range.")

    if mode == "exact" or not keys:
        return TrimPlan("exact" if mode != "fast" else mode, s, e, (Segment(s, e, "encode"),))

    if mode == "fast":
        i = bisect.bisect_right(keys, s + half) - 1
        k_start = keys[max(i, 0)]
        j = bisect.bisect_left(keys, e - half)
        k_end = duration if to_end or j >= len(keys) else keys[j]
        if k_end <= k_start:
            k_end = duration
        return TrimPlan("fast", k_start, k_end, (Segment(k_start, k_end, "copy"),))

    # smart: the first keyframe at or after the start, the last at or before the end.
    i = bisect.bisect_left(keys, s - half)
    if i >= len(keys) or keys[i] >= e - half:
        return TrimPlan("smart", s, e, (Segment(s, e, "encode"),))
    k1 = keys[i]
    if abs(k1 - s) < half:
        s = k1  # the start is a keyframe: no head to encode
    if to_end:
        copy_end = e  # copying through the last GOP needs no cut at all
    else:
        j = bisect.bisect_right(keys, e + half) - 1
        copy_end = keys[j]
        if abs(copy_end - e) < half:
            e = copy_end
    if copy_end - k1 < half:
        return TrimPlan("smart", s, e, (Segment(s, e, "encode"),))
    segments: list[Segment] = []
    if k1 > s:
        segments.append(Segment(s, k1, "encode"))
    segments.append(Segment(k1, copy_end, "copy"))
    if e > copy_end:
        segments.append(Segment(copy_end, e, "encode"))
    return TrimPlan("smart", s, e, tuple(segments))


def copied_to_the_end(plan: TrimPlan) -> TrimPlan:
    """`plan` with the part after its last keyframe copied rather than re-encoded, for a
    video without reordered frames: each frame then refers only to frames before it, so the
    first frames of a GOP decode without the rest and the out-point needs no new piece (the
    in-point does: the frames after it refer to frames before it)."""
    if len(plan.segments) < 2:
        return plan
    *rest, copy, last = plan.segments
    if copy.action != "copy" or last.action != "encode":
        return plan
    return TrimPlan(plan.mode, plan.start, plan.end, (*rest, Segment(copy.start, last.end, "copy")))
