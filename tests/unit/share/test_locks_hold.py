"""Admin locks hold on the command line: every `rep-video send` flag that would override a key
the machine-wide admin file sets is refused (exit 2, "set by your administrator"), before any
work and with nothing left behind; the same flags work where nothing is locked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AdminFile
from tests.support.cli_in_process import rep_video

pytestmark = pytest.mark.process  # `rep-video send` as a process, as a rep runs it

ADMIN = """
[rep]
name = "Rita Rep"
role = "Oncology Specialist"
email = "rita@acme.example"
phone = "+1 555 0100"

[policy]
default_expiry_days = 14
allow_user_targets = false

[catalog]
path = "{catalog}"

[targets.acme]
kind = "folder"
dir = "{published}"

[send]
default_target = "acme"
"""


def _send(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REP_VIDEO_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "rep_video", "send", *args],
        capture_output=True, text=True, timeout=240, env=env, check=False,
    )  # fmt: skip


@pytest.fixture
def locked(admin_file: AdminFile, tmp_path: Path) -> Path:
    from rep_video.content.catalog import default_catalog_path

    sample = default_catalog_path()  # no settings yet: the bundled sample
    admin_file(ADMIN.format(catalog=sample, published=tmp_path / "company-share"))
    return tmp_path / "company-share"


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--expires-in", "365"], "--expires-in: policy.default_expiry_days is set by your admin"),
        (["--from-name", "Otto Other"], "--from-name: rep.name is set by your administrator"),
        (["--from-email", "otto@x.example"], "--from-email: rep.email is set by your admin"),
        (["--from-role", "Chief Medical Officer"], "--from-role: rep.role is set by your admin"),
        (["--from-phone", "+1 555 0199"], "--from-phone: rep.phone is set by your admin"),
        (["--catalog", "MY.toml"], "--catalog: catalog.path is set by your administrator"),
        (["--target", "folder:{tmp}/mine"], "only targets set by your administrator may be used"),
    ],
)  # fmt: skip
def test_a_flag_against_a_locked_key_is_refused(
    locked: Path,
    rep_video_home: Path,
    sample_clip: Path,
    tmp_path: Path,
    flags: list[str],
    says: str,
) -> None:
    (tmp_path / "MY.toml").write_text('page_approval_code = "PP-MINE-0001"\n')
    flags = [f.replace("{tmp}", str(tmp_path)).replace("MY.toml", str(tmp_path / "MY.toml"))
             for f in flags]  # fmt: skip
    out = _send(rep_video_home, str(sample_clip), "--to", "Dr. Ng", *flags)
    assert out.returncode == 2, out.stderr
    assert says in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "mine").exists() and not locked.exists()
    assert not (rep_video_home / "data" / "shares").exists() or not any(
        (rep_video_home / "data" / "shares").iterdir()
    )


def test_the_locked_values_themselves_are_accepted(
    locked: Path, rep_video_home: Path, sample_clip: Path
) -> None:
    out = _send(rep_video_home, str(sample_clip), "--to", "Dr. Ng", "--expires-in", "14",
                "--from-name", "Rita Rep", "--target", "acme")  # fmt: skip
    assert out.returncode == 0, out.stderr
    page = Path(out.stdout.strip().splitlines()[-1])
    assert page.is_relative_to(locked) and "Rita Rep" in page.read_text()


def test_unlocked_flags_work(rep_video_home: Path, sample_clip: Path, tmp_path: Path) -> None:
    out = _send(rep_video_home, str(sample_clip), "--to", "Dr. Ng", "--expires-in", "90",
                "--from-name", "Otto Other", "--target", f"folder:{tmp_path / 'mine'}")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Otto Other" in Path(out.stdout.strip().splitlines()[-1]).read_text()


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--never"], "--never: policy.default_expiry_days is set by your administrator (14)"),
        (["--days", "365"], "--days 365: policy.default_expiry_days is set by your administrator"),
    ],
)
def test_extend_cannot_outlive_a_locked_expiry(locked: Path, flags: list[str], says: str) -> None:
    """`extend` was the way round `--expires-in`: a link sent for the locked 14 days, then
    kept for a year or for ever (a folder or S3 target has no server policy to stop it)."""
    out = rep_video("extend", "no-such-share", *flags)
    assert out.returncode == 2 and says in out.stderr, out.stderr
    within = rep_video("extend", "no-such-share", "--days", "14")  # allowed: on to the lookup
    assert within.returncode == 2 and "administrator" not in within.stderr, within.stderr
