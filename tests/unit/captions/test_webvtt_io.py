from pathlib import Path

import pytest

from rep_video.captions.cues import Cue
from rep_video.captions.webvtt_io import (
    CaptionsError,
    parse_webvtt,
    read_webvtt,
    to_webvtt,
    write_webvtt,
)


def test_round_trip_escapes_what_webvtt_reserves(tmp_path: Path) -> None:
    cues = (Cue(0.5, 2.25, "5 < 6 & 7 > 3 --> no arrow"), Cue(61.0, 3725.5, "Zwei\nZeilen"))
    text = to_webvtt(cues)
    assert text.startswith("WEBVTT")
    assert "&lt;" in text and "-->" not in text.split("\n")[3]
    assert "01:02:05.500" in text
    write_webvtt(tmp_path / "c.vtt", cues)
    assert read_webvtt(tmp_path / "c.vtt") == cues


def test_markup_is_read_as_plain_text() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Rita>Hello <b>Doctor</b> &amp; team\n"
    assert parse_webvtt(text) == (Cue(1.0, 2.0, "Hello Doctor & team"),)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1\n00:00:01.000 --> 00:00:02.000\nhi\n", "is not WebVTT"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nhi\n", "malformed cue"),
        (
            "WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nhi\n",
            "cue 1 (00:00:03.000 --> 00:00:02.000) ends before",
        ),
        ("WEBVTT\n\n25:00:00.000 --> 25:00:01.000\nhi\n", "past 24 hours"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "x" * 600 + "\n", "600 characters"),
        ("WEBVTT\x00", "not a text file"),
    ],
)
def test_bad_files_are_named_with_their_problem(text: str, problem: str) -> None:
    with pytest.raises(CaptionsError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_webvtt(text, "mine.vtt")


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(CaptionsError, match="no caption file"):
        read_webvtt(tmp_path / "missing.vtt")
    with pytest.raises(CaptionsError, match="is a folder"):
        read_webvtt(tmp_path)
    (tmp_path / "latin1.vtt").write_bytes(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nGrüße\n".encode("latin-1")
    )
    with pytest.raises(CaptionsError, match="not UTF-8"):
        read_webvtt(tmp_path / "latin1.vtt")
    (tmp_path / "huge.vtt").write_bytes(b"WEBVTT\n\n" + b"x" * (2 << 20))
    with pytest.raises(CaptionsError, match="at most 1024 KB"):
        read_webvtt(tmp_path / "huge.vtt")


def test_a_bom_is_fine(tmp_path: Path) -> None:
    (tmp_path / "bom.vtt").write_bytes(b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nok\n")
    assert read_webvtt(tmp_path / "bom.vtt") == (Cue(1.0, 2.0, "ok"),)
