"""Pure parts: HTTP Range parsing and share file-name checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rep_video.server.names import is_valid_name
from rep_video.server.ranges import ByteRange, Unsatisfiable, parse_range


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 1000, None),
        ("bytes=0-1", 1000, ByteRange(0, 1)),
        ("bytes=100-", 1000, ByteRange(100, 999)),
        ("bytes=-500", 1000, ByteRange(500, 999)),
        ("bytes=-5000", 1000, ByteRange(0, 999)),
        ("bytes=990-5000", 1000, ByteRange(990, 999)),
        ("bytes=0-9, 20-29", 1000, ByteRange(0, 9)),
        ("bytes=9-0", 1000, None),
        ("items=0-1", 1000, None),
        ("bytes=x-1", 1000, None),
        ("bytes=-", 1000, None),
        ("bytes=²-", 1000, None),  # str.isdigit() says yes, int() says no: was a 500
        ("bytes=0-²", 1000, None),
        ("bytes=-²", 1000, None),
        ("bytes=¹²-", 1000, None),
        ("bytes=٣-", 1000, None),  # Arabic-Indic digits are not HTTP digits
        ("bytes=0-" + "9" * 5000, 1000, ByteRange(0, 999)),  # past int()'s 4,300 digits
        ("bytes=-" + "9" * 5000, 1000, ByteRange(0, 999)),
        ("bytes=" + "0" * 5000 + "7-9", 1000, ByteRange(7, 9)),
    ],
)
def test_parse_range(header: str | None, size: int, expected: ByteRange | None) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000),
                                              ("bytes=0-", 0), ("bytes=-1", 0),
                                              ("bytes=" + "9" * 5000 + "-", 1000)])  # fmt: skip
def test_unsatisfiable(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)


@given(st.text(max_size=40), st.integers(min_value=0, max_value=10**9))
def test_any_header_gives_a_range_inside_the_file_or_none(header: str, size: int) -> None:
    try:
        got = parse_range(header, size)
    except Unsatisfiable:
        return
    if got is not None:
        assert 0 <= got.start <= got.end < size


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("video.mp4", True),
        ("poster.jpg", True),
        ("preview.gif", True),
        ("files/Dosing guide (v2).pdf", True),
        ("files/a.pdf", True),
        ("files/../a.pdf", False),
        ("files/a/../../b", False),
        ("files/.hidden", False),
        ("files/a\\b", False),
        ("files/a\x00", False),
        ("/abs", False),
        ("C:\\x", False),
        ("files/" + "x" * 121, False),
        ("files/a.", False),
        ("video.mp4/", False),
        ("manifest.json", False),
        ("files/notes.txt\n", False),  # "$" matched before the newline
        ("files/notes.txt\r", False),
        ("files/n\u00e9.txt", False),
    ],
)
def test_names(name: str, ok: bool) -> None:
    assert is_valid_name(name) is ok
