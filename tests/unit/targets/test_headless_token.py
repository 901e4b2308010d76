"""A server target's token without a keychain: `REP_VIDEO_TARGET_<NAME>_TOKEN` or a token file
only its owner can read (refused, exit 2 with one line, when others can). The keychain stays the
default: nothing here touches it, and with neither given the keychain is asked as before."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from rep_video import config
from rep_video.cli import main
from rep_video.errors import UserError
from rep_video.share.targets.registry import get_target
from rep_video.share.targets.server import ServerTarget
from rep_video.share.targets.server_token import env_name, read_token_file, server_token
from tests.conftest import MemoryKeyring
from tests.support.server_process import running_server

URL = "https://share.acme.example"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """A machine without a keychain: keyring's `fail` backend, as on a headless box."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _token_file(path: Path, token: str, mode: int) -> Path:
    path.write_text(token + "\n")
    path.chmod(mode)
    return path


def _token_of(name: str) -> str:
    with contextlib.closing(get_target(name)) as target:
        assert isinstance(target, ServerTarget)
        header = str(target._session.headers["Authorization"])  # what every request carries
        return header.removeprefix("Bearer ")


def test_env_names_follow_the_target_name() -> None:
    assert env_name("acme") == "REP_VIDEO_TARGET_ACME_TOKEN"
    assert env_name("acme-eu.2") == "REP_VIDEO_TARGET_ACME_EU_2_TOKEN"


def test_the_environment_gives_the_token_without_a_keychain(
    monkeypatch: pytest.MonkeyPatch, no_keychain: None
) -> None:
    config.add_target("rig", "server", {"url": URL})
    monkeypatch.setenv("REP_VIDEO_TARGET_RIG_TOKEN", " tok-env \n")
    assert _token_of("rig") == "tok-env"
    monkeypatch.delenv("REP_VIDEO_TARGET_RIG_TOKEN")
    with pytest.raises(UserError, match="No usable system keychain"):
        _token_of("rig")  # without it, the keychain is the only place


def test_the_environment_wins_over_the_keychain(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    config.add_target("acme", "server", {"url": URL})
    memory_keyring.store[("RepVideo", "acme:api_token")] = "tok-keychain"
    assert _token_of("acme") == "tok-keychain"  # the default
    monkeypatch.setenv("REP_VIDEO_TARGET_ACME_TOKEN", "tok-env")
    assert _token_of("acme") == "tok-env"
    monkeypatch.setenv("REP_VIDEO_TARGET_ACME_TOKEN", "  ")
    with pytest.raises(UserError, match="REP_VIDEO_TARGET_ACME_TOKEN is set but empty"):
        _token_of("acme")


@posix_only
def test_a_token_file_readable_by_its_owner_only(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_keychain: None,
) -> None:
    file = _token_file(tmp_path / "rig.token", "tok-file", 0o600)
    code, out, err = _run(capsys, "targets", "add", "rig", "--kind", "server", "--url", URL,
                          "--token-file", str(file))  # fmt: skip
    assert code == 0, err
    assert "saved" in out and "no API token yet" not in out
    assert config.load_settings().targets["rig"].params["token_file"] == str(file)
    assert _token_of("rig") == "tok-file"
    code, out, err = _run(capsys, "targets", "list")
    assert code == 0, err
    assert f"api token from {file}" in out and "tok-file" not in out
    # A new token replaces the file's content; the keychain is not the place for it.
    monkeypatch.setattr(sys, "stdin", io.StringIO("tok-new\n"))
    code, _, err = _run(capsys, "targets", "secret", "rig", "--token-stdin")
    assert code == 2 and f"reads its token from {file}" in err
    code, _, err = _run(capsys, "targets", "remove", "rig")  # no keychain to clean: fine
    assert code == 0, err


@posix_only
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o620])
def test_a_token_file_others_can_reach_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mode: int
) -> None:
    file = _token_file(tmp_path / "rig.token", "tok-file", mode)
    add = ["targets", "add", "rig", "--kind", "server", "--url", URL, "--token-file", str(file)]
    code, _, err = _run(capsys, *add)
    assert code == 2
    assert err.strip().splitlines() == [
        f"rep-video: token file {file} can be read by others (mode {mode:04o}); "
        f"run `chmod 600 {file}` and keep it owned by the user that sends"
    ]
    assert "rig" not in config.load_settings().targets  # refused before anything was saved

    # A file that was fine when added and was opened up later: every use refuses it.
    file.chmod(0o600)
    assert _run(capsys, *add)[0] == 0
    file.chmod(mode)
    code, _, err = _run(capsys, "targets", "test", "rig")
    assert code == 2 and f"can be read by others (mode {mode:04o})" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@posix_only
def test_token_file_problems_are_one_line_each(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        read_token_file(tmp_path / "missing.token")
    with pytest.raises(UserError, match="is not a regular file"):
        read_token_file(tmp_path)
    with pytest.raises(UserError, match="is empty"):
        read_token_file(_token_file(tmp_path / "empty.token", "  ", 0o600))
    assert read_token_file(_token_file(tmp_path / "ok.token", "\n tok \nmore", 0o600)) == "tok"
    target = config.TargetConfig("rig", "server", {"url": URL, "token_file": str(tmp_path)})
    with pytest.raises(UserError, match="is not a regular file"):
        server_token(target, environ={})
    assert server_token(target, environ={"REP_VIDEO_TARGET_RIG_TOKEN": "e"}) == "e"


@pytest.mark.process  # a real round trip against `rep-video serve`
def test_targets_test_with_the_env_token_and_no_keychain(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_keychain: None,
) -> None:
    with running_server(tmp_path / "srv") as srv:
        config.add_target("rig", "server", {"url": srv.url})
        monkeypatch.setenv("REP_VIDEO_TARGET_RIG_TOKEN", srv.create_token("kiosk"))
        code, out, err = _run(capsys, "targets", "test", "rig")
        assert code == 0, err
        assert "rig: OK" in out
        monkeypatch.setenv("REP_VIDEO_TARGET_RIG_TOKEN", "not-a-token")
        code, out, err = _run(capsys, "targets", "test", "rig")
        assert code != 0 and "token" in err.lower()
