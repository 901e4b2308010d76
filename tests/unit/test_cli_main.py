"""The command's last line of defence: a Ctrl-C at any moment is one line and exit 130; a full
disk is said as one, exit 2."""

from __future__ import annotations

import errno
from pathlib import Path

import av
import pytest

from rep_video import cli
from rep_video.errors import UserError


def _interrupted() -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_the_commands_load_is_one_line_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Loading the command modules takes about a second; an interrupt there was a traceback.
    monkeypatch.setattr(cli, "build_parser", _interrupted)
    assert cli.main(["send", "x.mp4"]) == 130
    assert capsys.readouterr().err == "rep-video: cancelled.\n"


def _disk_full() -> None:
    raise OSError(errno.ENOSPC, "No space left on device", "/data/outbox.sqlite3")


def test_a_full_disk_is_said_as_such_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "build_parser", _disk_full)
    assert cli.main(["send", "x.mp4"]) == 2  # was 'unexpected error: OSError', exit 1
    err = capsys.readouterr().err
    assert err.startswith("rep-video: the disk is full (") and err.count("\n") == 1


def test_a_full_disk_while_encoding_blames_the_disk_not_the_video(
    sample_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rep_video.media import transcode

    def full(*_args: object, **_kwargs: object) -> None:
        av.error.err_check(-errno.ENOSPC, str(tmp_path / "out.mp4"))

    monkeypatch.setattr(av, "open", full)  # the module holds av itself
    job = transcode.Job(video=None, audio="copy")
    with pytest.raises(UserError, match="the disk is full: no space left in"):
        transcode.transcode(sample_clip, tmp_path / "out.mp4", job)
