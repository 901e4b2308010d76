"""Staging a share package with the real media functions on a small generated clip."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.content.model import ContentItem
from rep_video.errors import Cancelled, UserError
from rep_video.media.cut.trim import plan_for
from rep_video.media.probe import probe
from rep_video.media.profile import mobile_profile_problems
from rep_video.media.publish.intro import CARD_SECONDS
from rep_video.progress import CancelToken, Progress, ProgressFn, Tracker, no_progress
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.package import stage_package
from rep_video.share.request import CheckedRequest, MediaEdit
from rep_video.share.targets.base import SharePackage
from rep_video.share.tokens import looks_like_token
from tests.support.av_checks import FLASH_AT, card_seconds, decode_errors, flash_clip, flash_times

REP = Person("Alex Rep", email="alex@acme.example", role="MSL")
TO = Person("Dr. Jane Smith")


def pdf_item(folder: Path, *, name: str = "guide.pdf", sha: str | None = None) -> ContentItem:
    path = folder / name
    path.write_bytes(b"%PDF-1.4 approved")
    return ContentItem(
        id=name.split(".")[0],
        title="Guide",
        kind="pdf",
        approval_code="PP-ONC-US-0123",
        version="3.0",
        valid_from=date(2025, 1, 1),
        expires=date(2030, 1, 1),
        file=path,
        sha256=sha or hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def stage(
    video: Path,
    edit: MediaEdit | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    **fields: object,
) -> SharePackage:
    """Stage `video` for TO from REP; `fields` are the rest of the checked request."""
    edit = edit or MediaEdit()
    request = CheckedRequest(video=video, recipient=TO, rep=REP, edit=edit, **fields)  # type: ignore[arg-type]
    return stage_package(request, Tracker(progress, cancel))


def shares_left() -> list[str]:
    root = paths.shares_dir()
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_stages_a_complete_package(sample_clip: Path, tmp_path: Path) -> None:
    before = sample_clip.read_bytes()
    item = pdf_item(tmp_path)
    link = ContentItem(
        "pi", "PI", "link", "PP-1", "7", date(2025, 1, 1), date(2030, 1, 1), url="https://x.org"
    )
    seen: list[Progress] = []
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    package = stage(
        sample_clip,
        MediaEdit(trim=(0.5, 3.0)),
        seen.append,
        message="  As promised.  ",
        attachments=(item, link),
        expires_at=expires,
        page_approval_code="PP-CORP-1",
    )
    m = package.manifest
    assert looks_like_token(m.token) and package.folder == paths.shares_dir() / m.token
    assert shares_left() == [m.token]  # no staging folder left beside it
    assert sorted(p.name for p in package.folder.iterdir()) == [
        "files", "manifest.json", "poster.jpg", "preview.gif", "video.mp4",
    ]  # fmt: skip
    assert ShareManifest.read(package.folder) == m
    assert m.message == "As promised." and m.expires_at == expires
    assert m.page_approval_code == "PP-CORP-1"
    assert abs(m.duration - 2.5) <= 0.1
    guide, pi = m.attachments
    assert (guide.file_name, guide.size, guide.sha256) == ("guide.pdf", 17, item.sha256)
    assert (package.folder / "files" / "guide.pdf").read_bytes() == b"%PDF-1.4 approved"
    assert pi.file_name is None and pi.url == "https://x.org"
    assert mobile_profile_problems(probe(package.folder / "video.mp4")) == []
    assert (package.folder / "poster.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert (package.folder / "preview.gif").read_bytes()[:3] == b"GIF"
    # One overall fraction, never going backwards, ending at 1.
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"trim", "finalize", "poster", "preview", "files"} <= {p.stage for p in seen}
    assert sample_clip.read_bytes() == before


def test_attachment_changed_since_approval_is_refused_and_nothing_is_left(
    sample_clip: Path, tmp_path: Path
) -> None:
    item = pdf_item(tmp_path, sha="0" * 64)
    with pytest.raises(UserError, match=r"'guide' .*does not match its approved sha256"):
        stage(sample_clip, attachments=(item,))
    assert shares_left() == []


def test_attachment_file_gone_since_loading_is_refused(sample_clip: Path, tmp_path: Path) -> None:
    item = pdf_item(tmp_path)
    assert item.file is not None
    item.file.unlink()
    with pytest.raises(UserError, match=r"'guide' .*its file is missing"):
        stage(sample_clip, attachments=(item,))
    assert shares_left() == []


def test_clashing_attachment_names_are_made_unique(sample_clip: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = pdf_item(tmp_path / "a", name="guide.pdf")
    two = pdf_item(tmp_path / "b", name="guide.pdf")
    two = dataclasses.replace(two, id="other")
    package = stage(sample_clip, attachments=(one, two))
    names = [a.file_name for a in package.manifest.attachments]
    assert names == ["guide.pdf", "other-guide.pdf"]


@pytest.mark.parametrize(
    ("trim", "expected"),
    [((3.0, 1.0), "empty or reversed"), ((1.0, 99.0), "only"), ((-1.0, 2.0), "reversed")],
)
def test_bad_trims_are_refused_before_any_work(
    sample_clip: Path, trim: tuple[float, float], expected: str
) -> None:
    with pytest.raises(UserError, match=expected):
        stage(sample_clip, MediaEdit(trim=trim))
    assert shares_left() == []


def test_too_long_for_the_policy_is_refused(sample_clip: Path) -> None:
    with pytest.raises(UserError, match="limit is 2 s"):
        stage(sample_clip, max_seconds=2)
    assert shares_left() == []


def test_cancel_leaves_nothing(sample_clip: Path) -> None:
    cancel = CancelToken()

    def cancel_when_finalizing(p: Progress) -> None:
        if p.stage == "finalize":
            cancel.cancel()

    with pytest.raises(Cancelled):
        stage(
            sample_clip,
            progress=cancel_when_finalizing,
            cancel=cancel,
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    assert shares_left() == []


def test_intro_card_counts_towards_the_length_limit(sample_clip: Path) -> None:
    with pytest.raises(UserError, match="limit is 5 s"):
        stage(sample_clip, MediaEdit(intro=True), max_seconds=5)
    assert shares_left() == []


@pytest.mark.slow
def test_intro_card_is_joined(sample_clip: Path) -> None:
    package = stage(sample_clip, MediaEdit(intro=True))
    info = probe(package.folder / "video.mp4")
    assert abs(info.duration - 6.0) <= 0.15  # 2 s card + the 4 s clip
    assert abs(package.manifest.duration - info.duration) < 0.01
    assert mobile_profile_problems(info) == []


@pytest.fixture(scope="session")
def flash_source(clips_dir: Path) -> Path:
    return flash_clip(clips_dir / "flash.mp4")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "start", "end"),
    # Smart from a keyframe copies the GOP there, which lacks x264's settings SEI (the bug);
    # fast snaps 1.2 to that keyframe too; exact re-encodes all. Ends inside a GOP.
    [("smart", 1.0, 3.4), ("fast", 1.2, 3.4), ("exact", 1.2, 3.4)],
)
def test_intro_card_after_a_trim(flash_source: Path, mode: str, start: float, end: float) -> None:
    """A trim followed by the card: the card plays first, then the trimmed clip, in sync, in
    the mobile profile, and every frame decodes."""
    plan = plan_for(probe(flash_source), start, end, mode)  # fast snaps to keyframes
    package = stage(flash_source, MediaEdit(trim=(start, end), trim_mode=mode, intro=True))
    video = package.folder / "video.mp4"
    info = probe(video)
    frame = 1 / 30
    assert mobile_profile_problems(info) == []
    assert decode_errors(video) == ""
    # The card first (2 s, give or take the AAC frame its audio is padded to), then the clip.
    assert card_seconds(video) == pytest.approx(CARD_SECONDS, abs=frame + 0.025)
    assert info.duration == pytest.approx(CARD_SECONDS + plan.duration, abs=2 * frame)
    assert abs(package.manifest.duration - info.duration) < 0.01
    picture, sound = flash_times(video)
    assert picture == pytest.approx(CARD_SECONDS + FLASH_AT - plan.start, abs=frame + 0.025)
    assert abs(picture - sound) <= frame  # audio and video still start together
