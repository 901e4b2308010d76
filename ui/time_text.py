"""Durations as the app writes them: minutes and seconds, `1:05`."""

from __future__ import annotations


def fmt_time(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
