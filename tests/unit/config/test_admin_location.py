"""The admin file is read from the platform's system location only: nothing a rep can set in
their environment moves it (and every lock with it) to a file of their own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rep_video import config, paths
from tests.conftest import AdminFile

ROOT = Path(__file__).resolve().parents[3]
NOBODY = 65534
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs a root test run"
)


def test_rep_video_home_does_not_move_the_admin_file(rep_video_home: Path) -> None:
    mine = rep_video_home / "admin" / "admin.toml"
    mine.parent.mkdir()
    mine.write_text("[policy]\nallow_user_targets = true\ndefault_expiry_days = 365\n")
    assert paths.admin_config_file() == paths.system_admin_config_file()
    assert config.load_settings().locked == frozenset()


def test_xdg_config_dirs_does_not_move_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "RepVideo").mkdir()
    (tmp_path / "RepVideo" / "admin.toml").write_text("[rep]\nname = 'Not Me'\n")
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path))
    assert paths.admin_config_file() == paths.system_admin_config_file()
    assert not str(paths.admin_config_file()).startswith(str(tmp_path))


def test_programdata_does_not_move_it_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(paths, "_program_data", lambda: Path("C:/ProgramData"))
    monkeypatch.setenv("PROGRAMDATA", str(tmp_path))
    monkeypatch.setenv(paths.ADMIN_CONFIG_ENV, str(tmp_path / "admin.toml"))
    assert paths.admin_config_file() == Path("C:/ProgramData") / "RepVideo" / "admin.toml"


def test_an_override_the_user_wrote_is_ignored(
    rep_video_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = rep_video_home / "my-admin.toml"
    mine.write_text("[policy]\nallow_user_targets = true\n")
    mine.chmod(0o666)  # anyone may write it
    monkeypatch.setenv(paths.ADMIN_CONFIG_ENV, str(mine))
    assert paths.admin_config_file() == paths.system_admin_config_file()
    assert "can be changed by users" in str(paths.admin_override_problem(mine))
    assert paths.admin_override_problem(rep_video_home / "absent.toml") is not None


def test_a_root_owned_override_is_honoured(admin_file: AdminFile) -> None:
    path = admin_file("[policy]\ndefault_expiry_days = 7\n")
    assert paths.admin_config_file() == path
    settings = config.load_settings()
    assert settings.policy.default_expiry_days == 7 and settings.is_locked(
        "policy.default_expiry_days"
    )


@needs_root
def test_an_override_owned_by_a_user_or_in_their_folder_is_ignored(
    admin_file: AdminFile,
) -> None:
    path = admin_file("[policy]\ndefault_expiry_days = 7\n")
    os.chown(path, NOBODY, NOBODY)
    assert paths.admin_config_file() == paths.system_admin_config_file()
    os.chown(path, 0, 0)
    assert paths.admin_config_file() == path
    os.chown(path.parent, NOBODY, NOBODY)  # the user could swap the file for their own
    assert "which users can change" in str(paths.admin_override_problem(path))
    os.chown(path.parent, 0, 0)
    path.parent.chmod(0o777)
    assert paths.admin_override_problem(path) is not None
    path.parent.chmod(0o755)
    link = path.parent.parent / "link.toml"
    link.symlink_to(path)  # a symlink is judged by the file it points at
    assert paths.admin_override_problem(link) is None


@needs_root
@pytest.mark.process
def test_a_rep_running_as_themselves_cannot_use_their_own_admin_file() -> None:
    """The real thing: the settings code as an ordinary user (nobody), the override pointing at
    a file that user owns: ignored, and nothing is locked by it."""
    home = Path(tempfile.mkdtemp(prefix="rv-nobody-"))  # pytest's own temp folders are 0700
    try:
        _as_nobody(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _as_nobody(home: Path) -> None:
    mine = home / "admin.toml"
    mine.write_text("[policy]\ndefault_expiry_days = 365\n")
    for p in (home, mine):
        os.chown(p, NOBODY, NOBODY)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "REP_VIDEO_HOME": str(home),
        paths.ADMIN_CONFIG_ENV: str(mine),
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
    }
    code = (
        "from rep_video import paths, config; s = config.load_settings(); "
        "print(paths.admin_config_file(), sorted(s.locked), paths.admin_override_problem("
        "paths.Path(paths.os.environ[paths.ADMIN_CONFIG_ENV])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, user=NOBODY,
        group=NOBODY, cwd="/", timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{paths.system_admin_config_file()} [] ")
    assert "can be changed by users" in out.stdout
