"""Numbers in HTTP headers: ASCII digits only, checked with a full match. `str.isdigit()`
accepts "²" and "¹²³" (which `int()` then refuses) and `int()` refuses more than 4,300 digits:
both were a 500 per request for anyone holding a link."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = 18  # below 2**63: every database and file offset holds it
BEYOND: int = 10**MAX_DIGITS  # stands for any larger number: more than any file has


def header_count(raw: str | None) -> int | None:
    """A non-negative integer of at most 18 ASCII digits, else None (the header is bad)."""
    if raw is None or not _DIGITS.fullmatch(raw) or len(raw) > MAX_DIGITS:
        return None
    return int(raw)


def capped_count(raw: str) -> int | None:
    """ASCII digits of any length as a number, with every value of more than 18 digits given
    as `BEYOND` (the exact value of a 5,000-digit position does not matter); None if not
    digits."""
    if not _DIGITS.fullmatch(raw):
        return None
    significant = raw.lstrip("0")
    if len(significant) > MAX_DIGITS:
        return BEYOND
    return int(significant or "0")
