"""The tier controller, driven without a clock: observations in, decisions out. A small
discrete-time queue model (frames arrive every 1/fps, the encoder takes a modelled time per
frame, switches happen on keyframe slots) stands in for the recorder's thread."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from rep_video.media.capture.preset_control import RELATIVE_COST, TierControl
from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import TestPatternCamera, ToneMicrophone, feed
from tests.unit.media.capture.conftest import frame_indices

FPS = 30.0
CAPACITY = 30  # the recorder's default: one second of frames
GOP = 30


def control() -> TierControl:
    return TierControl(FPS, CAPACITY, GOP)


def at_tier(tier: int) -> TierControl:
    ctl = control()
    for _ in range(tier):
        ctl.wanted = ctl.tier + 1
        ctl.switched()
    return ctl


def test_a_calm_queue_at_the_best_tier_changes_nothing() -> None:
    ctl = control()
    for _ in range(10_000):
        ctl.observe(0, 0.001)
    assert (ctl.tier, ctl.wanted, ctl.steps_down, ctl.steps_up) == (0, 0, 0, 0)


def test_half_a_queue_behind_steps_down_once_the_last_switch_had_a_gop() -> None:
    ctl = control()
    for _ in range(GOP - 1):
        ctl.observe(CAPACITY // 2, 0.05)
    assert ctl.wanted == 0  # the first GOP is not judged yet
    ctl.observe(CAPACITY // 2, 0.05)
    assert ctl.wanted == 1
    ctl.switched()
    assert (ctl.tier, ctl.steps_down) == (1, 1)
    ctl.observe(CAPACITY - 1, 0.05)
    assert ctl.wanted == 1  # the new tier gets a GOP to show its effect
    at_fastest = at_tier(len(ctl.tiers) - 1)
    for _ in range(3 * GOP):
        at_fastest.observe(CAPACITY, 0.05)
    assert at_fastest.wanted == at_fastest.tier  # nothing faster to go to


def test_steps_up_after_the_hold_period_when_the_slower_tier_fits() -> None:
    ctl = at_tier(2)  # ultrafast
    cheap = 0.6 / FPS / 2.0 * 0.9  # superfast ≈ 2× ultrafast: predicted at 54% of a frame
    hold = ctl.hold
    assert hold == round(10 * FPS)
    for _ in range(hold - 1):
        ctl.observe(0, cheap)
    assert ctl.wanted == 2
    ctl.observe(1, cheap)  # a frame or so queued still counts as calm
    assert ctl.wanted == 1
    ctl.switched()
    assert (ctl.tier, ctl.steps_up) == (1, 1)
    # The next step needs a full hold period of its own, at the new tier's cost.
    ratio = RELATIVE_COST["veryfast"] / RELATIVE_COST["superfast"]
    for _ in range(hold - 1):
        ctl.observe(0, 0.5 / FPS / ratio)
    assert ctl.wanted == 1
    ctl.observe(0, 0.5 / FPS / ratio)
    assert ctl.wanted == 0


def test_no_step_up_when_the_slower_tier_would_leave_too_little_spare() -> None:
    ctl = at_tier(2)
    tight = 0.6 / FPS / 2.0 * 1.1  # superfast predicted at 66% of a frame interval
    for _ in range(20 * ctl.hold):
        ctl.observe(0, tight)
    assert ctl.wanted == ctl.tier == 2


def test_a_queue_building_up_restarts_the_hold_and_cancels_a_pending_step_up() -> None:
    ctl = at_tier(1)
    cheap = 0.001
    for _ in range(ctl.hold - 1):
        ctl.observe(0, cheap)
    ctl.observe(5, cheap)  # more than a calm queue (10% of 30 frames), less than half
    assert ctl.wanted == 1
    for _ in range(ctl.hold - 1):
        ctl.observe(0, cheap)
    assert ctl.wanted == 1  # the hold started again
    ctl.observe(0, cheap)
    assert ctl.wanted == 0
    ctl.observe(4, cheap)  # before the keyframe slot: the queue says no
    assert ctl.wanted == 1


def test_mean_cost_over_the_hold_decides_not_the_last_frame() -> None:
    ctl = at_tier(2)
    for _ in range(ctl.hold - 1):
        ctl.observe(0, 0.9 / FPS)  # expensive frames that still kept the queue empty
    ctl.observe(0, 0.0)
    assert ctl.wanted == 2


@dataclass
class Run:
    tiers: list[int]  # tier used for each frame
    max_depth: int
    control: TierControl


def simulate(seconds: float, cost: Callable[[int, float], float], start_tier: int = 0) -> Run:
    """Frames arrive every 1/FPS; the encoder takes `cost(tier, t)` seconds per frame, in
    order, and the controller's switches happen on keyframe slots, as in the recorder."""
    ctl = at_tier(start_tier)
    n = round(seconds * FPS)
    arrivals = [k / FPS for k in range(n)]
    finish = 0.0
    tiers: list[int] = []
    max_depth = 0
    arrived = 0
    for k in range(n):
        if k % GOP == 0 and ctl.wanted != ctl.tier:
            ctl.switched()
        start = max(arrivals[k], finish)
        while arrived < n and arrivals[arrived] <= start:
            arrived += 1
        depth = arrived - k - 1  # frames waiting behind this one
        max_depth = max(max_depth, depth)
        took = cost(ctl.tier, start)
        finish = start + took
        tiers.append(ctl.tier)
        ctl.observe(depth, took)
    return Run(tiers, max_depth, ctl)


# 720p on 2 cores (docs/ARCHITECTURE.md, "Decisions"): ultrafast 5 ms, superfast 10 ms, veryfast 14
# ms a frame.
NOMINAL = [RELATIVE_COST[p] * 0.005 for p in ("veryfast", "superfast", "ultrafast")]


def test_a_load_spike_steps_down_then_back_to_the_best_tier() -> None:
    def cost(tier: int, t: float) -> float:
        return NOMINAL[tier] * (4.0 if 5.0 <= t < 20.0 else 1.0)  # another program, 15 s

    run = simulate(120.0, cost)
    assert run.max_depth < CAPACITY  # no push ever had to wait: nothing dropped
    assert run.control.steps_down == 2 and run.control.steps_up == 2
    assert run.tiers[round(19 * FPS)] == 2  # at ultrafast during the spike
    assert run.tiers[-1] == 0  # and back at veryfast after it
    first_best_again = next(i for i in range(round(20 * FPS), len(run.tiers)) if run.tiers[i] == 0)
    assert all(tier == 0 for tier in run.tiers[first_best_again:])  # and it stays there


def test_a_tier_that_does_not_fit_is_retried_less_and_less_often() -> None:
    # The nominal ratio says superfast fits (predicted 57% of a frame), but on this machine
    # it really costs 4× ultrafast and falls behind: each failed try doubles the hold, so in
    # 3 minutes it is tried a few times, not every 10 s.
    real = [0.050, 0.038, 0.0095]

    run = simulate(180.0, lambda tier, _t: real[tier], start_tier=2)
    ctl = run.control
    assert run.max_depth < CAPACITY
    assert 1 <= ctl.steps_up <= 4
    assert ctl.steps_down == ctl.steps_up + 2  # every try undone (2: the way to ultrafast)
    assert ctl.tier == 2
    assert ctl.hold == round(80 * FPS)  # 10 s doubled after each failed try, capped
    ups = [i for i in range(1, len(run.tiers)) if run.tiers[i] < run.tiers[i - 1]]
    gaps = [b - a for a, b in itertools.pairwise(ups)]
    assert gaps == sorted(gaps) and gaps[-1] > 3 * gaps[0]  # tried less and less often


def test_steady_moderate_load_never_switches() -> None:
    run = simulate(180.0, lambda tier, _t: NOMINAL[tier] * 1.8)  # veryfast at 77%: fits
    assert run.control.steps_down == run.control.steps_up == 0
    assert set(run.tiers) == {0}


def test_recorder_switches_down_and_back_up_in_one_valid_track(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The switch itself, for real: a scripted decision takes the encoder to superfast after a
    # second and back to veryfast (a fresh context, as a drained one cannot encode again)
    # after two; the file must decode every frame in order with keyframes on the grid.
    recorder = Recorder(tmp_path / "t.mp4", 320, 240, 30)

    class Scripted(TierControl):
        frames = 0

        def observe(self, depth: int, cost: float) -> None:
            self.frames += 1
            self.wanted = 1 if 30 <= self.frames < 60 else 0

    monkeypatch.setattr(recorder, "_control", Scripted(30.0, recorder.capacity, 30))
    recorder.start()
    feed(recorder, TestPatternCamera(320, 240, 30), ToneMicrophone(), 3.0)
    path = recorder.stop()
    stats = recorder.stats()
    assert (stats.preset_steps, stats.preset_steps_up, stats.preset) == (1, 1, "veryfast")
    assert stats.frames_dropped == 0
    assert frame_indices(path) == list(range(90))
    with av.open(str(path)) as c:
        keyframes = [float(p.pts * p.time_base) for p in c.demux(video=0) if p.is_keyframe]
    assert keyframes == pytest.approx([0.0, 1.0, 2.0], abs=1e-3)
