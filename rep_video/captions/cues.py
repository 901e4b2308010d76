"""Caption cues as values, and what an edit does to them: sorting and tidying, nudging one
cue, and carrying a take's cues through a trim (and an intro card) onto the sent video."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

# Shorter than this a cue flashes by unread; a trim that leaves less of one drops it.
MIN_CUE_SECONDS = 0.3
MAX_CUE_CHARS = 500
SOURCES = ("script", "speech", "file", "edited")


@dataclass(frozen=True, slots=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # plain text, one or more lines

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Captions:
    """One caption track: the cues in order and the language they are spoken in. `source`
    says where they came from (script alignment, a recogniser, a file, or edited by hand)."""

    language: str
    cues: tuple[Cue, ...] = field(default_factory=tuple)
    source: str = "script"

    def with_cues(self, cues: Iterable[Cue], source: str | None = None) -> Captions:
        return replace(self, cues=tuple(cues), source=source or self.source)

    @property
    def text(self) -> str:
        """Every cue's text, one cue a line (the transcript, and what text checks read)."""
        return "\n".join(c.text for c in self.cues)


def tidy(cues: Iterable[Cue]) -> tuple[Cue, ...]:
    """Sorted by start, whitespace trimmed, empty or non-finite cues dropped, and each cue
    ended before the next one starts (players show overlapping cues stacked)."""
    kept = sorted(
        (
            Cue(c.start, c.end, _clean_text(c.text))
            for c in cues
            if math.isfinite(c.start) and math.isfinite(c.end) and c.end > c.start >= 0
        ),
        key=lambda c: (c.start, c.end),
    )
    out: list[Cue] = []
    for cue in kept:
        if not cue.text:
            continue
        if out and out[-1].end > cue.start:
            prev = out[-1]
            if cue.start - prev.start < MIN_CUE_SECONDS:
                # Same moment twice: one cue with both lines rather than one that never shows.
                out[-1] = Cue(prev.start, max(prev.end, cue.end), f"{prev.text}\n{cue.text}")
                continue
            out[-1] = replace(prev, end=cue.start)
        out.append(cue)
    return tuple(out)


def _clean_text(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_CUE_CHARS]


def move_cue(
    cues: Sequence[Cue], index: int, *, start: float | None = None, end: float | None = None
) -> tuple[Cue, ...]:
    """Cue `index` with a new start and/or end, kept between its neighbours (a nudge never
    reorders cues or makes one overlap the next) and at least MIN_CUE_SECONDS long."""
    cue = cues[index]
    lo = cues[index - 1].end if index > 0 else 0.0
    hi = cues[index + 1].start if index + 1 < len(cues) else math.inf
    new_start = cue.start if start is None else start
    new_end = cue.end if end is None else end
    new_start = min(max(lo, new_start), hi - MIN_CUE_SECONDS)
    new_end = max(min(hi, new_end), new_start + MIN_CUE_SECONDS)
    new_start = max(lo, min(new_start, new_end - MIN_CUE_SECONDS))
    out = list(cues)
    out[index] = Cue(round(new_start, 3), round(new_end, 3), cue.text)
    return tuple(out)


def through_trim(
    cues: Iterable[Cue], start: float, end: float | None, offset: float = 0.0
) -> tuple[Cue, ...]:
    """Cues of a take mapped onto the video made from [start, end) of it: shifted by -start
    (+ `offset`, the intro card before it), cut at both ends, and dropped when less than
    MIN_CUE_SECONDS of them is left."""
    stop = math.inf if end is None else end
    out: list[Cue] = []
    for cue in cues:
        a, b = max(cue.start, start), min(cue.end, stop)
        if b - a < MIN_CUE_SECONDS:
            continue
        out.append(Cue(round(a - start + offset, 3), round(b - start + offset, 3), cue.text))
    return tuple(out)
