"""Settings: user TOML overlaid by the admin TOML (whose keys are locked), validation, atomic
writes, and secrets that only ever reach the keychain."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import keyring
import pytest
from keyring.backends import chainer, fail, null

from rep_video import config, paths, secrets
from rep_video.config_toml import dumps, read_toml
from rep_video.errors import UserError
from tests.conftest import AdminFile, MemoryKeyring

ROOT = Path(__file__).resolve().parents[3]


def test_defaults_with_no_files() -> None:
    s = config.load_settings()
    assert s.policy.max_length_seconds == 180
    assert s.policy.default_expiry_days == 30
    assert s.policy.link_mode == "public"
    assert s.targets == {}
    assert s.default_target is None
    assert s.locked == frozenset()


def test_user_values_round_trip_through_the_file() -> None:
    config.set_value("rep.name", 'Rita "Quotes" Rep')
    config.set_value("policy.max_length_seconds", "120")
    config.set_value("devices.camera", "Integrated Camera")
    s = config.load_settings()
    assert s.rep.name == 'Rita "Quotes" Rep'
    assert s.policy.max_length_seconds == 120
    assert s.camera == "Integrated Camera"
    assert s.is_locked("rep.name") is False


def test_admin_keys_win_and_are_locked(admin_file: AdminFile) -> None:
    config.set_value("policy.max_length_seconds", 240)
    config.set_value("rep.name", "Rita")
    admin_file('[policy]\nmax_length_seconds = 90\nlink_mode = "presigned"\n')
    s = config.load_settings()
    assert s.policy.max_length_seconds == 90
    assert s.policy.link_mode == "presigned"
    assert s.rep.name == "Rita"
    assert s.is_locked("policy.max_length_seconds")
    assert s.is_locked("policy.link_mode")
    assert not s.is_locked("rep.name")
    with pytest.raises(UserError, match="administrator"):
        config.set_value("policy.max_length_seconds", 300)


def test_admin_targets_are_locked_and_cannot_be_removed_or_replaced(admin_file: AdminFile) -> None:
    admin_file(
        '[targets.acme]\nkind = "server"\nurl = "https://share.acme.example"\n'
        '[send]\ndefault_target = "acme"\n'
    )
    config.add_target("mine", "folder", {"dir": "/srv/shares"})
    s = config.load_settings()
    assert s.targets["acme"].locked and not s.targets["mine"].locked
    assert s.default_target == "acme" and s.is_locked("send.default_target")
    with pytest.raises(UserError, match="administrator"):
        config.remove_target("acme")
    with pytest.raises(UserError, match="administrator"):
        config.add_target("acme", "folder", {"dir": "/x"})
    with pytest.raises(UserError, match="administrator"):
        config.add_target("other", "folder", {"dir": "/x"}, make_default=True)


def test_admin_can_forbid_user_targets(admin_file: AdminFile) -> None:
    config.add_target("mine", "folder", {"dir": "/srv/shares"})
    admin_file("[policy]\nallow_user_targets = false\n")
    assert "mine" not in config.load_settings().targets
    with pytest.raises(UserError, match="does not allow"):
        config.add_target("again", "folder", {"dir": "/x"})


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("ftp", {}, "kind"),
        ("server", {}, "needs url"),
        ("server", {"url": "share.example"}, "https://"),
        ("s3", {"dir": "/x", "bucket": "b"}, "not a s3 setting"),
        ("folder", {}, "needs dir"),
    ],
)
def test_bad_targets_are_refused(kind: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        config.add_target("t", kind, params)
    assert not paths.user_config_file().exists()


def test_bad_values_and_broken_files_give_one_line_errors() -> None:
    with pytest.raises(UserError, match="whole number"):
        config.set_value("policy.default_expiry_days", "soon")
    with pytest.raises(UserError, match="public, presigned"):
        config.set_value("policy.link_mode", "open")
    with pytest.raises(UserError, match="Unknown setting"):
        config.set_value("policy.nope", 1)
    with pytest.raises(UserError, match="No target named"):
        config.set_value("send.default_target", "ghost")
    paths.user_config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.user_config_file().write_text("[policy\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid TOML") as err:
        config.load_settings()
    assert "\n" not in str(err.value)


def test_writes_are_atomic_and_keep_other_sections() -> None:
    config.set_value("rep.email", "rita@example.com")
    config.add_target("box", "s3", {"bucket": "b", "prefix": "shares/x"}, make_default=True)
    config.remove_target("box")
    data = read_toml(paths.user_config_file())
    assert data["rep"]["email"] == "rita@example.com"
    assert data["targets"] == {}
    assert "default_target" not in data.get("send", {})
    leftovers = [p.name for p in paths.config_dir().iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_toml_writer_round_trips_awkward_text() -> None:
    data = {"a": {"text": 'quote " back\\slash\nnewline é', "n": 3, "b": True}, "t": {"x y": {}}}
    assert tomllib.loads(dumps(data))["a"] == data["a"]


def test_secrets_live_in_the_keychain_only(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("acme", "api_token", "tok-SECRET-123")
    config.add_target("acme", "server", {"url": "https://share.acme.example"})
    assert memory_keyring.store[(secrets.SERVICE, "acme:api_token")] == "tok-SECRET-123"
    for file in paths.config_dir().rglob("*"):
        if file.is_file():
            assert b"tok-SECRET-123" not in file.read_bytes()


class _EmptyChainer(chainer.ChainerBackend):
    """What keyring picks on a machine where no real backend is viable."""

    backends: list[keyring.backend.KeyringBackend] = []  # type: ignore[assignment]  # noqa: RUF012


@pytest.mark.parametrize(
    "backend", [fail.Keyring(), null.Keyring(), _EmptyChainer()], ids=["fail", "null", "empty"]
)
def test_no_keychain_is_a_clear_error_never_a_file(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(UserError, match="No usable system keychain"):
        secrets.set_secret("acme", "api_token", "tok-SECRET-123")
    home = paths.data_dir().parent
    for file in home.rglob("*"):
        if file.is_file():
            assert b"tok-SECRET-123" not in file.read_bytes()


def test_cli_token_from_stdin_never_lands_in_a_file(rep_video_home: Path) -> None:
    """The real command in a subprocess: with no keychain it refuses and writes nothing."""
    out = subprocess.run(
        [sys.executable, "-m", "rep_video", "targets", "add", "acme", "--kind", "server",
         "--url", "https://share.acme.example", "--token-stdin"],
        input="tok-SECRET-456\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )  # fmt: skip
    assert out.returncode == 2
    assert "No usable system keychain" in out.stderr
    assert "Traceback" not in out.stderr
    assert not paths.user_config_file().exists()
    for file in rep_video_home.rglob("*"):
        if file.is_file():
            assert b"tok-SECRET-456" not in file.read_bytes()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (b"[policy]\nmax_length_seconds = inf\n", "whole number"),  # was OverflowError, exit 1
        (b"[policy]\nmax_length_seconds = 1e400\n", "whole number"),
        (b"[policy]\nmax_length_seconds = 2.5\n", "whole number"),  # not cut to 2
        (b"[policy]\nmax_length_seconds = true\n", "whole number"),
        (b'[rep]\nname = "R\xe9my"\n', "not UTF-8"),  # Latin-1: was UnicodeDecodeError
    ],
)
def test_odd_values_and_encodings_are_one_line_user_errors(text: bytes, said: str) -> None:
    paths.user_config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.user_config_file().write_bytes(text)
    with pytest.raises(UserError, match=said) as err:
        config.load_settings()
    assert "\n" not in str(err.value)


def test_a_whole_float_still_counts() -> None:
    paths.user_config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.user_config_file().write_text("[policy]\nmax_length_seconds = 300.0\n")
    assert config.load_settings().policy.max_length_seconds == 300
