"""The send pipeline in process: the default target, the stage/deliver seam the outbox uses,
and the checks that run before any slow work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.errors import UserError
from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.manifest import Person
from rep_video.share.send import SendResult, send
from rep_video.share.targets.base import SharePackage, Target
from rep_video.share.targets.folder import FolderTarget

TO = Person("Dr. Jane Smith", email="jane@example.org")
REP = Person("Alex Rep")


def write_settings(home: Path, text: str) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")


def test_default_target_is_the_builtin_folder(sample_clip: Path, rep_video_home: Path) -> None:
    write_settings(rep_video_home, '[rep]\nname = "Alex Rep"\nphone = "+1 555 0100"\n')
    result = send(sample_clip, to=TO, message="Hello", attach_ids=["patient-support"])
    link = Path(result.link)
    assert link.parent.parent == paths.default_folder_target_dir().resolve()
    assert link.is_file() and result.share_id == link.parent.name
    assert result.package.manifest.token == result.share_id
    assert result.reservation is not None and result.reservation.target == "folder"
    m = result.package.manifest
    assert m.rep == Person("Alex Rep", phone="+1 555 0100")
    assert m.recipient == TO
    # The policy's default expiry (30 days) applies.
    expected = datetime.now(UTC) + timedelta(days=30)
    assert m.expires_at is not None and abs((m.expires_at - expected).total_seconds()) < 120
    assert "tel:+15550100" in link.read_text(encoding="utf-8")


def test_deliver_seam_receives_the_staged_package_and_the_chosen_target(
    sample_clip: Path, tmp_path: Path
) -> None:
    calls: list[tuple[SharePackage, Target]] = []

    def enqueue_only(
        package: SharePackage, target: Target, progress: ProgressFn, cancel: CancelToken
    ) -> SendResult:
        calls.append((package, target))
        return SendResult("pending://" + package.manifest.token, "42", package)

    result = send(
        sample_clip,
        to=TO,
        rep=REP,
        target=f"folder:{tmp_path / 'out'}",
        expires_in_days=3,
        deliver=enqueue_only,
    )
    (package, target), *_ = calls
    assert isinstance(target, FolderTarget) and target.root == tmp_path / "out"
    assert package.folder.is_dir() and (package.folder / "manifest.json").is_file()
    assert result.link == "pending://" + package.manifest.token and result.reservation is None
    assert not (tmp_path / "out").exists()  # delivery was left to the caller's deliver


def test_checks_run_before_any_work(sample_clip: Path, rep_video_home: Path) -> None:
    with pytest.raises(UserError, match="who is sending"):
        send(sample_clip, to=TO)
    with pytest.raises(UserError, match="expired on 2025-06-30"):
        send(sample_clip, to=TO, rep=REP, attach_ids=["congress-poster-2024"])
    with pytest.raises(UserError, match="recipient"):
        send(sample_clip, to=Person("  "), rep=REP)
    with pytest.raises(UserError, match="not valid until"):
        send(sample_clip, to=TO, rep=REP, attach_ids=["patient-support"], today=date(2024, 1, 1))
    assert not paths.shares_dir().exists() or list(paths.shares_dir().iterdir()) == []


def test_policy_length_limit_from_settings(sample_clip: Path, rep_video_home: Path) -> None:
    write_settings(rep_video_home, "[policy]\nmax_length_seconds = 3\n")
    with pytest.raises(UserError, match="limit is 3 s"):
        send(sample_clip, to=TO, rep=REP)
