"""Distribute a script's caption units over the speech found in a recording.

The rep reads the script at a roughly even pace and pauses between sentences. So each unit
should take a share of the speech time in proportion to its length (sentences.weight), and
the units should meet at pauses. Both are scored in one dynamic programme over candidate
boundaries: every pause between two speech segments, and points inside segments every
GRID seconds (for sentences read without a breath). A unit whose duration is off its
expected share costs the square of the deviation (in units of its tolerance); a boundary
inside speech, or at a pause shorter than CLEAR_PAUSE, costs up to INSIDE_SPEECH. The best
partition is found in O(units × candidates²) vectorised steps, fast enough for minutes of
speech (docs/PERFORMANCE.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rep_video.captions.cues import Cue, tidy
from rep_video.captions.sentences import weight

GRID = 0.25  # seconds of speech between candidate boundaries inside a segment
CLEAR_PAUSE = 0.45  # a pause this long is as good a boundary as any
INSIDE_SPEECH = 6.0  # cost of a boundary with no pause at all
TAIL = 0.4  # a cue stays up this long after its last word, pauses allowing
MIN_DISPLAY = 1.0  # ... and at least this long in all


@dataclass(frozen=True, slots=True)
class _Candidates:
    speech_at: np.ndarray  # position on the speech-only clock
    cost: np.ndarray  # of ending a unit here
    starts: np.ndarray  # real time the next unit starts when the boundary is here
    ends: np.ndarray  # real time the unit before ends


def align_units(units: Sequence[str], segments: Sequence[tuple[float, float]]) -> list[Cue]:
    """Cues for `units` (in order) over speech `segments` ((start, end) seconds, sorted).
    With no speech at all there is nothing to align to: an empty list."""
    segs = [(float(a), float(b)) for a, b in segments if b > a]
    if not units or not segs:
        return []
    cand = _candidates(segs)
    weights = np.array([weight(u) for u in units], dtype=np.float64)
    total_speech = float(cand.speech_at[-1])
    expected = weights * (total_speech / float(weights.sum()))
    chosen = _best_partition(cand, expected)
    cues: list[Cue] = []
    for k, text in enumerate(units):
        a, b = chosen[k], chosen[k + 1]
        start = segs[0][0] if k == 0 else float(cand.starts[a])
        end = segs[-1][1] if k == len(units) - 1 else float(cand.ends[b])
        cues.append(Cue(round(start, 3), round(max(end, start + 0.05), 3), text))
    return list(tidy(_readable(cues, segs[-1][1] + TAIL)))


def _candidates(segs: list[tuple[float, float]]) -> _Candidates:
    pos: list[float] = [0.0]
    cost: list[float] = [0.0]
    starts: list[float] = [segs[0][0]]
    ends: list[float] = [segs[0][0]]
    clock = 0.0
    for i, (a, b) in enumerate(segs):
        if i > 0:
            pause = a - segs[i - 1][1]
            pos.append(clock)
            cost.append(INSIDE_SPEECH * max(0.0, 1.0 - pause / CLEAR_PAUSE))
            starts.append(a)
            ends.append(segs[i - 1][1])
        length = b - a
        for step in np.arange(GRID, length - GRID / 2, GRID):
            pos.append(clock + float(step))
            cost.append(INSIDE_SPEECH)
            starts.append(a + float(step))
            ends.append(a + float(step))
        clock += length
    pos.append(clock)
    cost.append(0.0)
    starts.append(segs[-1][1])
    ends.append(segs[-1][1])
    return _Candidates(np.array(pos), np.array(cost), np.array(starts), np.array(ends))


def _best_partition(cand: _Candidates, expected: np.ndarray) -> list[int]:
    """Candidate indices c_0 = 0 < c_1 < ... < c_N = last: where each unit starts and ends."""
    n_units, n = len(expected), len(cand.speech_at)
    if n_units >= n:  # more units than places to put them: share the time out evenly
        return [round(k * (n - 1) / n_units) for k in range(n_units + 1)]
    span = cand.speech_at[None, :] - cand.speech_at[:, None]  # [from, to]
    invalid = span <= 1e-6
    best = np.full(n, np.inf)
    best[0] = 0.0
    back = np.zeros((n_units, n), dtype=np.int32)
    for k, want in enumerate(expected):
        tolerance = 0.3 * want + 0.4
        step = ((span - want) / tolerance) ** 2
        step[invalid] = np.inf
        total = best[:, None] + step
        back[k] = np.argmin(total, axis=0)
        best = total[back[k], np.arange(n)]
        if k < n_units - 1:
            best = best + cand.cost
            best[-1] = np.inf  # only the last unit may end at the end of speech
    path = [n - 1]
    for k in range(n_units - 1, -1, -1):
        path.append(int(back[k][path[-1]]))
    return path[::-1]


def _readable(cues: list[Cue], last_end: float) -> list[Cue]:
    """Each cue held TAIL longer and at least MIN_DISPLAY in all, where the next one allows."""
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        limit = cues[i + 1].start - 0.05 if i + 1 < len(cues) else last_end
        end = max(cue.end + TAIL, cue.start + MIN_DISPLAY)
        out.append(Cue(cue.start, round(max(cue.end, min(end, limit)), 3), cue.text))
    return out
