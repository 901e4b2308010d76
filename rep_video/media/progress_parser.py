"""Pure parsers of ffmpeg's progress output (docs/ARCHITECTURE.md, rule 5): the `-progress pipe:1`
key=value blocks, and the classic `frame=… time=… speed=…` status line on stderr for older
callers."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FfmpegProgress:
    """One progress block. `out_time` in seconds of output written so far; `speed` is the
    multiple of realtime; `done` is True on the last block (`progress=end`)."""

    out_time: float | None
    frame: int | None
    speed: float | None
    total_size: int | None
    done: bool

    def fraction(self, duration: float | None) -> float | None:
        if self.done:
            return 1.0
        if not duration or duration <= 0 or self.out_time is None:
            return None
        return max(0.0, min(1.0, self.out_time / duration))


def _to_float(text: str) -> float | None:
    text = text.strip().rstrip("x")
    if not text or text == "N/A":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _to_int(text: str) -> int | None:
    value = _to_float(text)
    return int(value) if value is not None else None


def parse_clock(text: str) -> float | None:
    """`00:01:02.50` → 62.5; `-00:00:00.02` (ffmpeg writes that before the first frame) → 0."""
    m = re.fullmatch(r"\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)\s*", text)
    if not m:
        return None
    if m.group(1):
        return 0.0
    return int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))


class ProgressParser:
    """Feed it stdout lines of `ffmpeg -progress pipe:1`; it returns a snapshot at the end
    of each block and None for the lines in between."""

    def __init__(self) -> None:
        self._fields: dict[str, str] = {}

    def feed(self, line: str) -> FfmpegProgress | None:
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        key = key.strip()
        if key != "progress":
            self._fields[key] = value.strip()
            return None
        fields, self._fields = self._fields, {}
        out_time: float | None = None
        if "out_time_us" in fields:
            micros = _to_int(fields["out_time_us"])
            out_time = max(0.0, micros / 1e6) if micros is not None else None
        if out_time is None and "out_time" in fields:
            out_time = parse_clock(fields["out_time"])
        return FfmpegProgress(
            out_time=out_time,
            frame=_to_int(fields.get("frame", "")),
            speed=_to_float(fields.get("speed", "")),
            total_size=_to_int(fields.get("total_size", "")),
            done=value.strip() == "end",
        )


_STATUS = re.compile(r"(\w+)=\s*(\S+)")


def parse_status_line(line: str) -> FfmpegProgress | None:
    """Parse ffmpeg's stderr status line (`frame=  120 fps=… time=00:00:04.00 … speed=2.1x`),
    None for any other line."""
    if "time=" not in line:
        return None
    fields = dict(_STATUS.findall(line))
    out_time = parse_clock(fields.get("time", ""))
    if out_time is None:
        return None
    return FfmpegProgress(
        out_time=out_time,
        frame=_to_int(fields.get("frame", "")),
        speed=_to_float(fields.get("speed", "")),
        total_size=None,
        done=False,
    )
