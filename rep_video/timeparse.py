"""Parse times the user types: seconds (`12.5`) or `mm:ss.s` / `hh:mm:ss.s`."""

from __future__ import annotations

import math

from rep_video.errors import UserError


def parse_time(text: str) -> float:
    """Seconds from `12.5`, `1:02.5` or `0:01:02.5`; UserError on anything else."""
    raw = text.strip()
    parts = raw.split(":")
    if not raw or len(parts) > 3:
        raise UserError(f"'{text}' is not a time; write seconds (12.5) or mm:ss.s (1:02.5).")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise UserError(
            f"'{text}' is not a time; write seconds (12.5) or mm:ss.s (1:02.5)."
        ) from None
    if any(math.isnan(v) or math.isinf(v) or v < 0 for v in values) or any(
        v >= 60 for v in values[1:]
    ):
        raise UserError(f"'{text}' is not a valid time; minutes and seconds run from 0 to 59.")
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds


def format_time(seconds: float) -> str:
    """`m:ss.s` for display."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"
