"""When the recorder's encoder changes x264 tier (encoder_settings.PRESETS): a pure decision
from what the encoder thread sees for each frame, the video queue's depth and the wall time the
frame took to convert, encode and mux. No clock in here: the recorder measures, this decides,
and unit tests drive it with made-up observations.

- **Down** (faster tier) when the queue is half full and the last switch had a GOP to show
  its effect: falling behind costs frames, so this reacts within about a second.
- **Up** (back to a slower, better tier) only when, for a whole hold period (10 s), the queue
  stayed near empty *and* the frames' mean cost, scaled by the slower tier's nominal cost,
  fits in 60% of a frame interval. Wall time is the right measure: it grows when other
  processes take the CPU, and libx264 runs with slice threads here, so an encode call returns
  when its frame is done (no frame-thread delay hiding the cost).
- **Hysteresis:** the two thresholds are far apart (half a second behind vs. 40% spare at the
  slower tier), the up side needs the hold period of calm, and a step-up undone within its
  hold period doubles the hold (to 80 s at most), so a machine whose load comes and goes
  cannot make the encoder flap.

A switch is applied by the recorder at the next keyframe slot (`wanted` != `tier`), then
reported with `switched()`. The tiers write identical SPS/PPS, so any order of switches keeps
one valid MP4 track (encoder_settings)."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from rep_video.media.capture.encoder_settings import PRESETS

# Encoding time per 720p frame relative to ultrafast, from the measurement in docs/ARCHITECTURE.md
# ("Decisions") with PyAV on 2 cores (ultrafast ≈ 200 fps, superfast ≈ 100, veryfast ≈ 70). Only
# ratios are used.
RELATIVE_COST: dict[str, float] = {"veryfast": 200 / 70, "superfast": 2.0, "ultrafast": 1.0}


@dataclass
class TierControl:
    fps: float
    capacity: int  # video frames the queue holds
    gop: int  # frames between keyframes (switch points)
    tiers: tuple[str, ...] = PRESETS  # slowest first
    hold_seconds: float = 10.0
    max_hold_seconds: float = 80.0
    up_budget: float = 0.6  # share of a frame interval the slower tier may be predicted to use
    calm_share: float = 0.1  # a queue at most this full (and ≤ 1 frame at least) is calm

    tier: int = field(default=0, init=False)
    wanted: int = field(default=0, init=False)
    steps_down: int = field(default=0, init=False)
    steps_up: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.fps <= 0 or self.capacity < 1 or self.gop < 1:
            raise ValueError("fps, capacity and gop must be positive")
        self.hold = max(1, round(self.hold_seconds * self.fps))  # frames; doubles on a flap
        self._max_hold = max(self.hold, round(self.max_hold_seconds * self.fps))
        self._calm_depth = max(1, int(self.capacity * self.calm_share))
        self._since_switch = 0
        self._since_up: int | None = None  # frames since the last step-up, until a step-down
        self._costs: collections.deque[float] = collections.deque()
        self._cost_sum = 0.0

    def observe(self, depth: int, cost: float) -> None:
        """One video frame taken from the queue (`depth` frames were left behind it) and its
        cost in seconds per encoded frame. Updates `wanted`."""
        self._since_switch += 1
        if self._since_up is not None:
            self._since_up += 1
        behind = depth * 2 >= self.capacity
        if behind or depth > self._calm_depth:
            self._forget_calm()
            if self.wanted < self.tier:
                self.wanted = self.tier  # a step-up not yet applied: the queue says no
            if behind and self.tier + 1 < len(self.tiers) and self._since_switch >= self.gop:
                self.wanted = self.tier + 1
            return
        self._costs.append(cost)
        self._cost_sum += cost
        if len(self._costs) > self.hold:
            self._cost_sum -= self._costs.popleft()
        if self.tier > 0 and self.wanted == self.tier and len(self._costs) >= self.hold:
            mean = self._cost_sum / len(self._costs)
            ratio = RELATIVE_COST[self.tiers[self.tier - 1]] / RELATIVE_COST[self.tiers[self.tier]]
            if mean * ratio <= self.up_budget / self.fps:
                self.wanted = self.tier - 1

    def switched(self) -> None:
        """The recorder switched the encoder to `wanted` (on a keyframe slot)."""
        if self.wanted > self.tier:
            self.steps_down += 1
            if self._since_up is not None and self._since_up < self.hold:
                self.hold = min(self.hold * 2, self._max_hold)  # that step-up did not hold
            self._since_up = None
        elif self.wanted < self.tier:
            self.steps_up += 1
            self._since_up = 0
        self.tier = self.wanted
        self._since_switch = 0
        self._forget_calm()

    def _forget_calm(self) -> None:
        self._costs.clear()
        self._cost_sum = 0.0
