"""Captions as WebVTT: written with webvtt-py for the share (captions.vtt next to the video),
and read back — from a rep's own file (`send --captions FILE.vtt`) or an upload the server
checks — with every problem named. Cue text is plain text: markup in a file (<b>, <v Name>)
is dropped on reading and the characters WebVTT reserves are escaped on writing."""

from __future__ import annotations

import html
import math
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

from rep_video.captions.cues import MAX_CUE_CHARS, Cue, tidy
from rep_video.captions.textfile import read_user_text
from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text

CAPTIONS_NAME = "captions.vtt"
MAX_FILE_BYTES = 1 << 20  # an hour of dense captions is ~100 KB
MAX_CUES = 5000
MAX_SECONDS = 24 * 3600.0


class CaptionsError(UserError):
    """A caption file that cannot be used; the message names the file and the problem."""


def to_webvtt(cues: tuple[Cue, ...] | list[Cue]) -> str:
    doc = webvtt.WebVTT()
    for cue in cues:
        text = html.escape(cue.text, quote=False)  # & < > are markup in WebVTT
        doc.captions.append(webvtt.Caption(_stamp(cue.start), _stamp(cue.end), text))
    return doc.content


def write_webvtt(path: Path, cues: tuple[Cue, ...] | list[Cue]) -> None:
    atomic_write_text(Path(path), to_webvtt(cues))


def parse_webvtt(text: str, name: str = "the captions") -> tuple[Cue, ...]:
    """Cues of a WebVTT document, tidied (sorted, overlaps ended). CaptionsError naming the
    first problem: not WebVTT, a bad timestamp, an end before its start, too many cues."""
    if "\x00" in text:
        raise CaptionsError(f"{name} is not a text file; export the captions as WebVTT (.vtt).")
    try:
        doc = webvtt.from_string(text, strict=True)
    except MalformedFileError:
        raise CaptionsError(
            f"{name} is not WebVTT (it must start with the line WEBVTT); "
            "export the captions as .vtt and try again."
        ) from None
    except MalformedCaptionError as exc:
        raise CaptionsError(f"{name} has a malformed cue ({exc}); fix it and try again.") from None
    if len(doc.captions) > MAX_CUES:
        raise CaptionsError(f"{name} has {len(doc.captions)} cues; at most {MAX_CUES} are allowed.")
    cues: list[Cue] = []
    for number, caption in enumerate(doc.captions, start=1):
        start, end = _seconds(caption.start), _seconds(caption.end)
        where = f"{name} cue {number} ({caption.start} --> {caption.end})"
        if end <= start:
            raise CaptionsError(f"{where} ends before it starts; fix its times.")
        if end > MAX_SECONDS:
            raise CaptionsError(f"{where} is past 24 hours; fix its times.")
        text_of = html.unescape(caption.text)
        if len(text_of) > MAX_CUE_CHARS:
            raise CaptionsError(
                f"{where} has {len(text_of)} characters; split it (at most {MAX_CUE_CHARS})."
            )
        cues.append(Cue(start, end, text_of))
    return tidy(cues)


def read_webvtt(path: Path) -> tuple[Cue, ...]:
    """Cues of a .vtt file; CaptionsError for a missing, huge, non-UTF-8 or malformed file."""
    path = Path(path)
    text = read_user_text(path, max_bytes=MAX_FILE_BYTES, what="caption file", error=CaptionsError)
    return parse_webvtt(text, path.name)


def _stamp(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cue time {seconds!r} is not a time in the video")
    return str(Timestamp.from_seconds(round(seconds, 3)))


def _seconds(stamp: str) -> float:
    return Timestamp.from_string(stamp).in_milliseconds() / 1000.0
