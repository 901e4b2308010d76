"""The command's last line of defence: a Ctrl-C at any moment is one line and exit 130."""

from __future__ import annotations

import pytest

from rep_video import cli


def _interrupted() -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_the_commands_load_is_one_line_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Loading the command modules takes about a second; an interrupt there was a traceback.
    monkeypatch.setattr(cli, "build_parser", _interrupted)
    assert cli.main(["send", "x.mp4"]) == 130
    assert capsys.readouterr().err == "rep-video: cancelled.\n"
