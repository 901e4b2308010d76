"""Settings: file < environment < flags, every setting documented, and the CLI's refusals."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.server.settings import SETTINGS, ServerSettings, env_name, load_settings
from tests.support.server_process import ROOT


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "SERVER.md").read_text(encoding="utf-8")
    fields = set(ServerSettings.__dataclass_fields__)
    assert set(SETTINGS) == fields
    for name in SETTINGS:
        assert f"`{name}`" in doc, name
        assert f"`{env_name(name)}`" in doc, env_name(name)


def test_file_then_env_then_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "server.toml"
    cfg.write_text('[server]\nport = 9000\nmax_video_seconds = 30\ns3_bucket = "from-file"\n')
    env = {"REP_VIDEO_SERVER_PORT": "9100", "REP_VIDEO_SERVER_DATABASE_URL": "sqlite://"}
    s = load_settings(config_file=cfg, env=env, overrides={"port": 9200, "host": None})
    assert s.port == 9200
    assert s.max_video_seconds == 30.0
    assert s.s3_bucket == "from-file"
    assert s.database_url == "sqlite://"
    assert s.host == "127.0.0.1"
    assert s.effective_public_url() == "http://127.0.0.1:9200"


def test_booleans_from_file_and_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "server.toml"
    cfg.write_text("migrate_on_start = false\n")
    assert load_settings(config_file=cfg, env={}).migrate_on_start is False
    env = {"REP_VIDEO_SERVER_MIGRATE_ON_START": "yes"}
    assert load_settings(config_file=cfg, env=env).migrate_on_start is True
    assert load_settings(env={}).migrate_on_start is True


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("port = 'x'\n", {}, "not a valid int"),
        ("bogus = 1\n", {}, "unknown setting"),
        ("port = \n", {}, "not valid TOML"),
        ("", {"REP_VIDEO_SERVER_MAX_UPLOAD_BYTES": "-1"}, "must be positive"),
        ("", {"REP_VIDEO_SERVER_PUBLIC_URL": "share.acme"}, "http"),
        ("forwarded_allow_ips = 'proxy.local'\n", {}, "not an address or network"),
        ("", {"REP_VIDEO_SERVER_FAILED_API_AUTH_PER_MINUTE": "-1"}, "0 \\(off\\) or more"),
        ("migrate_on_start = 'sometimes'\n", {}, "not a valid bool"),
        ("", {"REP_VIDEO_SERVER_MIGRATE_ON_START": "2"}, "not a valid bool"),
    ],
)
def test_bad_settings_are_user_errors(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    cfg = tmp_path / "server.toml"
    cfg.write_text(text)
    with pytest.raises(UserError, match=message):
        load_settings(config_file=cfg, env=env)


def test_a_config_path_that_is_a_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read config file"):  # was IsADirectoryError
        load_settings(config_file=tmp_path, env={})


def _cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "REP_VIDEO_HOME": str(tmp_path)},
    )


@pytest.mark.process
def test_serve_refuses_a_public_bind_without_public_url(tmp_path: Path) -> None:
    out = _cli("serve", "--host", "0.0.0.0", "--data", str(tmp_path / "d"), tmp_path=tmp_path)
    assert out.returncode == 2
    assert "--public-url" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


@pytest.mark.process
def test_serve_token_stores_only_a_hash(tmp_path: Path) -> None:
    data = tmp_path / "d"
    out = _cli("serve-token", "--data", str(data), "--name", "rita", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    raw = b"".join(p.read_bytes() for p in data.glob("server.sqlite3*"))
    assert token.encode() not in raw
    assert hashlib.sha256(token.encode()).hexdigest().encode() in raw
    bad = _cli("serve", "--config", str(tmp_path / "missing.toml"), tmp_path=tmp_path)
    assert bad.returncode == 2 and "does not exist" in bad.stderr
