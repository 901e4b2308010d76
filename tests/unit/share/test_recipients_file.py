"""The recipients file of a send to many (`rep-video send --recipients FILE.csv`): what a
spreadsheet saves is read (a byte-order mark, CRLF, `;`, quoted commas, columns in any order,
blank lines), and each mistake is one line naming the file, the line and the fix; through the
command line that is exit 2 with nothing staged or sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.share.recipients_file import Recipient, parse_recipients, read_recipients
from tests.unit.share.test_send_cli import assert_clean_failure, rep_video


def test_what_a_spreadsheet_saves_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    text = '\ufeffLanguage;Name;EMAIL\r\nde;Dr. Weiß;weiss@example.org\r\n\r\n;"Ng; Ada";\r\n'
    path.write_bytes(text.encode("utf-8"))
    assert read_recipients(path) == [
        Recipient("Dr. Weiß", "weiss@example.org", "de"),
        Recipient("Ng; Ada", None, None),
    ]
    assert parse_recipients('name\n"Okafor, Chidi"\nDr. Li\n') == [
        Recipient("Okafor, Chidi"),
        Recipient("Dr. Li"),
    ]
    # Without the mark too, and a page language as the page knows it (de-AT is German).
    assert parse_recipients("name,language\nDr. Ng,de-AT\n") == [Recipient("Dr. Ng", None, "de")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "list.csv, line 1: the header row must name the columns"),
        ("Dr. Ng,ng@example.org\n", "list.csv, line 1: the header row must name the columns"),
        ("name,e-mail\nDr. Ng,x@y.org\n", "line 1: unknown column 'e-mail'"),
        ("name,name\nDr. Ng,Dr. Li\n", "line 1: the column 'name' is there twice"),
        ("name,email\n", "list.csv lists nobody"),
        ("name,email\nDr. Ng,ng@example.org\n,li@example.org\n", "line 3: the name is empty"),
        ("name,email\nDr. Ng,not-an-address\n", "line 2: 'not-an-address' is not an email"),
        ("name,language\nDr. Ng,xx\n", "line 2: the share page has no 'xx' translation"),
        ("name,email\nDr. Ng,a@b.org,extra\n", "line 2: 3 fields but the header names 2"),
        ("name\n" + "D" * 121 + "\n", "line 2: the name is longer than 120 characters"),
        ("name\nDr. Ng\nDr. Li\ndr. ng\n", "line 4: dr. ng is already on line 2"),
        ("name\n" + "".join(f"Dr. {i}\n" for i in range(201)), "lists 201 physicians"),
        # A quote left open was one physician named '"Dr. Ng,ng@x.org\nDr. Li,...' (sent):
        ('name,email\n"Dr. Ng,ng@example.org\nDr. Li,li@example.org\n', "fix the quoting"),
        ('name,email\n"Dr." Ng,ng@example.org\n', "line 2: ',' expected after"),
    ],
)
def test_each_mistake_names_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_recipients(path)
    assert expected in caught.value.message
    assert "\n" not in caught.value.message


def test_a_file_that_is_not_utf8_or_not_there(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nDr. Weiß\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"latin\.csv is not UTF-8 text \(byte 13\)"):
        read_recipients(latin)
    with pytest.raises(UserError, match=r"cannot read the recipients file gone\.csv"):
        read_recipients(tmp_path / "gone.csv")


@pytest.mark.parametrize(
    ("csv_text", "extra", "expected"),
    [
        ("name,email\nDr. Ng,ng@example.org\nDr. Li,li@\n", [], "list.csv, line 3: 'li@'"),
        ("name\nDr. Ng\n", ["--to", "Dr. Li"], "either with --to or with --recipients"),
        ("name\nDr. Ng\n", ["--to-email", "x@y.org"], "--to-email is for a single recipient"),
        (None, [], "who is it for?"),
    ],
)
@pytest.mark.process
def test_the_command_exits_2_with_one_line_and_sends_nothing(
    csv_text: str | None, extra: list[str], expected: str, sample_clip: Path,
    rep_video_home: Path, tmp_path: Path,
) -> None:  # fmt: skip
    target = tmp_path / "out"
    args = ["send", str(sample_clip), "--from-name", "Rita", "--target", f"folder:{target}"]
    if csv_text is not None:
        (tmp_path / "list.csv").write_text(csv_text, encoding="utf-8")
        args += ["--recipients", str(tmp_path / "list.csv")]
    line = assert_clean_failure(rep_video(*args, *extra), rep_video_home, target)
    assert expected in line


@pytest.mark.process
def test_a_bad_recipient_among_good_ones_stops_the_send_before_any_work(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path
) -> None:
    """Every recipient is checked before anything is staged: the second --to's name is too
    long, so nobody gets a link (the first is not sent alone)."""
    target = tmp_path / "out"
    out = rep_video(
        "send", str(sample_clip), "--to", "Dr. Ng", "--to", "D" * 121, "--from-name", "Rita",
        "--target", f"folder:{target}",
    )  # fmt: skip
    line = assert_clean_failure(out, rep_video_home, target)
    assert f"for {'D' * 121}: the recipient's name is empty or too long" in line
