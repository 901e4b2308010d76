"""The send pipeline in process: the default target, the link before the media, and the
checks that run before any slow work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.errors import UserError
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.outbox import Outbox
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.share.send import SendHooks, SendResult, Until, send

TO = Person("Dr. Jane Smith", email="jane@example.org")
REP = Person("Alex Rep")


def write_settings(home: Path, text: str) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")


def test_default_target_is_the_builtin_folder(sample_clip: Path, rep_video_home: Path) -> None:
    write_settings(rep_video_home, '[rep]\nname = "Alex Rep"\nphone = "+1 555 0100"\n')
    result = send(ShareRequest(sample_clip, TO, "Hello", ("patient-support",)))
    link = Path(result.link)
    assert result.live and link.is_file()
    assert link.parent.parent == paths.default_folder_target_dir().resolve()
    assert result.share_id == link.parent.name == result.package.manifest.token
    assert Outbox().get(result.entry_id).target == "folder"
    assert result.link_seconds is not None and result.done_seconds is not None
    assert result.link_seconds <= result.done_seconds
    m = result.package.manifest
    assert m.rep == Person("Alex Rep", phone="+1 555 0100")
    assert m.recipient == TO
    # The policy's default expiry (30 days) applies.
    expected = datetime.now(UTC) + timedelta(days=30)
    assert m.expires_at is not None and abs((m.expires_at - expected).total_seconds()) < 120
    assert "tel:+15550100" in link.read_text(encoding="utf-8")


def test_the_link_comes_before_the_media(sample_clip: Path, tmp_path: Path) -> None:
    """on_link fires once the link is reserved, while the media is still to be made: the
    page behind it says "on its way"; then the same link serves the real page."""
    seen: list[tuple[SendResult, bool, str]] = []

    def on_link(result: SendResult) -> None:
        made = (result.package.folder / "video.mp4").exists()
        seen.append((result, made, Path(result.link).read_text(encoding="utf-8")))

    request = ShareRequest(
        sample_clip, TO, sender=REP, edit=MediaEdit(trim=(0.5, 3.0)),
        target=f"folder:{tmp_path / 'out'}", expires_in_days=3,
    )  # fmt: skip
    result = send(request, Until.LIVE, SendHooks(on_link=on_link))
    ((early, made, page),) = seen
    assert not made and early.state == "queued" and not early.live
    assert "on its way" in page
    assert early.link == result.link and early.entry_id == result.entry_id
    assert result.live and "on its way" not in Path(result.link).read_text(encoding="utf-8")
    assert Path(result.link).parent.parent == (tmp_path / "out").resolve()
    manifest = ShareManifest.read(result.package.folder)
    assert abs(manifest.duration - 2.5) <= 0.1
    assert manifest.expires_at is not None
    assert abs(manifest.expires_at - datetime.now(UTC) - timedelta(days=3)) < timedelta(minutes=2)


def test_until_link_returns_with_the_link_and_leaves_the_rest_queued(
    sample_clip: Path, tmp_path: Path
) -> None:
    request = ShareRequest(sample_clip, TO, sender=REP, target=f"folder:{tmp_path / 'out'}")
    result = send(request, Until.LINK)
    assert result.link and not result.live and result.done_seconds is None
    entry = Outbox().get(result.entry_id)
    assert entry.state == "queued" and entry.lease_owner is None  # any worker may take it
    assert not (result.package.folder / "video.mp4").exists()  # the worker makes the media
    assert "on its way" in Path(result.link).read_text(encoding="utf-8")


def test_checks_run_before_any_work(sample_clip: Path, rep_video_home: Path) -> None:
    with pytest.raises(UserError, match="who is sending"):
        send(ShareRequest(sample_clip, TO))
    with pytest.raises(UserError, match="expired on 2025-06-30"):
        send(ShareRequest(sample_clip, TO, attach_ids=("congress-poster-2024",), sender=REP))
    with pytest.raises(UserError, match="recipient"):
        send(ShareRequest(sample_clip, Person("  "), sender=REP))
    with pytest.raises(UserError, match="No target named 'nowhere'"):
        send(ShareRequest(sample_clip, TO, sender=REP, target="nowhere"))
    assert not paths.shares_dir().exists() or list(paths.shares_dir().iterdir()) == []
    assert Outbox().list() == []


def test_policy_length_limit_from_settings(sample_clip: Path, rep_video_home: Path) -> None:
    write_settings(rep_video_home, "[policy]\nmax_length_seconds = 3\n")
    with pytest.raises(UserError, match="limit is 3 s"):
        send(ShareRequest(sample_clip, TO, sender=REP))
    assert Outbox().list() == []
