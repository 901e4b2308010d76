"""HTTP Range parsing (RFC 9110 §14), pure. Multi-range requests are answered with the first
range only (allowed: a server may ignore or coalesce ranges), which every player handles."""

from __future__ import annotations

from dataclasses import dataclass

from rep_video.server.numbers import capped_count


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The range asks for nothing inside the file: answer 416 with `bytes */size`."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range to send, or None for the whole file (no header, or one we ignore because it
    is malformed, which RFC 9110 permits). Raises Unsatisfiable for a valid but empty ask."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or not spec:
        return None
    first = spec.split(",")[0].strip()
    start_s, sep, end_s = first.partition("-")
    if not sep:
        return None
    start_s, end_s = start_s.strip(), end_s.strip()
    start = capped_count(start_s) if start_s else None
    end = capped_count(end_s) if end_s else None
    if (start_s and start is None) or (end_s and end is None):
        return None  # not ASCII digits ("²", "x"): malformed, ignored
    if start is None:
        if end is None:
            return None
        if end == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - end), size - 1)
    if end is not None and end < start:
        return None  # syntactically invalid: ignore it and send the whole file
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, size - 1 if end is None else min(end, size - 1))
