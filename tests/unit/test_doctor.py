"""`rep-video doctor`, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.cli.doctor_cmd import Check, sending_works
from tests.conftest import AdminFile

ROOT = Path(__file__).resolve().parents[2]


def doctor(home: Path, *args: str, admin: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REP_VIDEO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("REP_VIDEO_ADMIN_CONFIG", None)
    if admin is not None:
        env["REP_VIDEO_ADMIN_CONFIG"] = str(admin)
    return subprocess.run(
        [sys.executable, "-m", "rep_video", "doctor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.process
def test_doctor_reports_ok_and_exits_0_when_sending_works(rep_video_home: Path) -> None:
    result = doctor(rep_video_home)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "sending works"
    assert all(line.split()[0] in {"ok", "warn", "fail"} for line in lines[:-1])
    by_name = {line[6:].split("  ")[0].strip(): line for line in lines[:-1]}
    assert by_name["encoder libx264"].startswith("ok")
    assert by_name["encoder aac"].startswith("ok")
    assert by_name["encoder gif"].startswith("ok")
    assert by_name["filters"].startswith("ok")
    assert "libavcodec" in by_name["pyav"]
    assert "ffmpeg" not in by_name, "no executable to check: the media work runs in PyAV"
    assert str(rep_video_home / "data" / "published") in by_name["folder target"]
    assert str(paths.system_admin_config_file()) in by_name["admin config"]
    # no webcam or sound server here: reported, not fatal
    assert by_name["cameras"].split()[0] in {"ok", "warn"}
    assert by_name["keychain"].split()[0] in {"ok", "warn"}
    assert "GB free" in by_name["free space"]
    assert "Traceback" not in result.stderr


@pytest.mark.process
def test_doctor_json(rep_video_home: Path) -> None:
    result = doctor(rep_video_home, "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["sending_works"] is True
    names = {c["name"]: c for c in body["checks"]}
    assert {
        "pyav",
        "encoder libx264",
        "encoder aac",
        "encoder gif",
        "filters",
        "keychain",
        "cameras",
        "microphones",
        "user config",
        "admin config",
        "cache",
        "folder target",
    } <= set(names)
    assert all(c["status"] in {"ok", "warn", "fail"} for c in body["checks"])


@pytest.mark.process
def test_unwritable_folder_target_means_sending_does_not_work(rep_video_home: Path) -> None:
    (rep_video_home / "data").mkdir()
    (rep_video_home / "data" / "published").write_text("a file where the folder should be")
    result = doctor(rep_video_home)
    assert result.returncode == 1
    failing = [line for line in result.stdout.splitlines() if line.startswith("fail")]
    assert len(failing) == 1 and "folder target" in failing[0]
    assert "does NOT work" in result.stdout.splitlines()[-1]


@pytest.mark.process
def test_broken_admin_config_fails_settings(rep_video_home: Path, admin_file: AdminFile) -> None:
    admin = admin_file("this is [not toml")
    result = doctor(rep_video_home, "--json", admin=admin)
    assert result.returncode == 1
    [settings] = [c for c in json.loads(result.stdout)["checks"] if c["name"] == "settings"]
    assert settings["status"] == "fail" and settings["detail"]


@pytest.mark.parametrize(
    ("checks", "works"),
    [
        ([Check("a", "warn", "", True), Check("b", "fail", "", False)], True),
        ([Check("a", "ok", "", True), Check("b", "fail", "", True)], False),
    ],
)
def test_only_send_critical_failures_decide_the_exit(checks: list[Check], works: bool) -> None:
    assert sending_works(checks) is works


def test_a_misspelled_admin_lock_is_named_with_the_setting_it_was_meant_for(
    rep_video_home: Path, admin_file: AdminFile
) -> None:
    from rep_video import config
    from rep_video.cli.doctor_cmd import _settings

    admin = admin_file('[polcy]\nmax_length_seconds = 60\n[policy]\nmax_lenght_seconds = 90\n'
                       '[send]\ndefault_target = ""\n[targets.acme]\nkind = "folder"\n'
                       'dir = "/srv/share"\n')  # fmt: skip
    # Ignored when read (a newer version may know them), so neither lock applies.
    assert not config.load_settings().is_locked("policy.max_length_seconds")
    assert config.unknown_keys(admin) == [
        "polcy.max_length_seconds (policy.max_length_seconds?)",
        "policy.max_lenght_seconds (policy.max_length_seconds?)",
    ]
    by_name = {c.name: c for c in _settings()}
    assert by_name["settings"].status == "ok"
    assert by_name["admin settings"].status == "warn"
    assert "policy.max_lenght_seconds" in by_name["admin settings"].detail
    assert "user settings" not in by_name  # the user's file has nothing unknown
