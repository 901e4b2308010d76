from pathlib import Path

import pytest

from rep_video.captions.script_file import read_script
from rep_video.errors import UserError


def test_a_script_file_is_read_as_utf8(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_bytes("\ufeffGuten Tag, Frau Dr. Müller.\n".encode())
    assert read_script(tmp_path / "s.txt") == "Guten Tag, Frau Dr. Müller.\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no script file at"),
        (b"   \n", "the script is empty"),
        ("Grüße".encode("latin-1"), "not UTF-8"),
        (b"x" * 100_000, "is at most 78 KB"),
    ],
)
def test_bad_script_files(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "s.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match=problem):
        read_script(path)
    with pytest.raises(UserError, match="is a folder"):
        read_script(tmp_path)
