"""temp_output: an output path that cannot be written is said before the work, one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.fileutil import temp_output


def test_an_output_that_is_a_folder_is_a_user_error_before_the_work(tmp_path: Path) -> None:
    folder = tmp_path / "dst" / "out.mp4"
    folder.mkdir(parents=True)
    with pytest.raises(UserError, match="is a folder"), temp_output(folder):
        pytest.fail("the work ran")  # was an IsADirectoryError at the rename, after the work
    assert [p.name for p in folder.parent.iterdir()] == ["out.mp4"]  # no temp left


def test_an_output_under_a_file_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with (
        pytest.raises(UserError, match="cannot make the folder"),
        temp_output(tmp_path / "file" / "out.mp4"),
    ):
        pytest.fail("the work ran")


def test_the_file_is_renamed_into_place(tmp_path: Path) -> None:
    with temp_output(tmp_path / "a" / "out.txt") as tmp:
        tmp.write_text("done")
    assert (tmp_path / "a" / "out.txt").read_text() == "done"
