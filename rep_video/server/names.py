"""File names inside a share: a fixed set plus `files/<safe name>`, and `parts/<safe name>`:
working material a compose step builds a file from (api_compose.py), never served, dropped
when the share goes live. Everything a client sends is checked here before it becomes part of
a storage key or a URL."""

from __future__ import annotations

import re

PARTS = "parts/"
FIXED = frozenset({"video.mp4", "poster.jpg", "preview.gif", "captions.vtt"})
MAX_NAME = 120
# Matched whole (fullmatch): "$" alone also matches before a trailing newline.
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()+-]*")


def name_problem(name: str) -> str | None:
    """None when `name` is acceptable, else why not (one line)."""
    if name in FIXED:
        return None
    folder = next((f for f in ("files/", PARTS) if name.startswith(f)), None)
    if folder is None:
        return f"file name {name!r} must be one of {sorted(FIXED)}, files/<name> or parts/<name>"
    base = name[len(folder) :]
    if not base or len(base) > MAX_NAME:
        return f"file name {name!r} must have 1-{MAX_NAME} characters after {folder}"
    if "/" in base or "\\" in base or "\x00" in base or ".." in base:
        return f"file name {name!r} must not contain a path (/, \\, ..) or NUL"
    if not _SAFE.fullmatch(base) or base.endswith((".", " ")):
        return f"file name {name!r} may use only letters, digits, space and ._()+-"
    return None


def is_valid_name(name: str) -> bool:
    return name_problem(name) is None


def is_part(name: str) -> bool:
    return name.startswith(PARTS)
