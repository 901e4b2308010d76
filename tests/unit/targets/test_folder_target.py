"""The folder target: the pending page at reservation, an all-or-nothing publish, revoking to
a gone page, and status."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rep_video.errors import Cancelled, UserError
from rep_video.progress import CancelToken, Progress
from rep_video.share.manifest import AttachmentRef, Person, ShareManifest
from rep_video.share.targets.base import SharePackage, Target
from rep_video.share.targets.folder import FolderTarget
from rep_video.share.tokens import new_token


def fake_package(folder: Path, *, video_bytes: bytes = b"not really a video") -> SharePackage:
    """The folder target copies bytes and renders the page; it never looks inside media."""
    (folder / "files").mkdir(parents=True)
    (folder / "video.mp4").write_bytes(video_bytes)
    (folder / "poster.jpg").write_bytes(b"jpeg")
    (folder / "preview.gif").write_bytes(b"gif")
    (folder / "files" / "guide.pdf").write_bytes(b"%PDF-1.4")
    manifest = ShareManifest(
        token=new_token(),
        recipient=Person("Dr. Jane Smith", email="jane@example.org"),
        rep=Person("Alex Rep", email="alex@acme.example", role="MSL"),
        message="As promised.",
        created_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(days=30),
        duration=4.0,
        attachments=(
            AttachmentRef(
                "guide", "Guide", "pdf", "PP-ONC-US-1", "2", date(2030, 1, 1), "guide.pdf"
            ),
        ),
        page_approval_code="PP-CORP-US-0007",
    )
    manifest.write(folder)
    return SharePackage(folder, manifest)


def publish(target: FolderTarget, package: SharePackage) -> Path:
    reservation = target.reserve(package)
    target.upload(package, reservation, lambda p: None, CancelToken())
    return Path(reservation.link)


def test_folder_target_satisfies_the_target_protocol(tmp_path: Path) -> None:
    target: Target = FolderTarget("folder", tmp_path)
    assert target.kind == "folder"


def test_publishes_page_media_and_files_under_the_token(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "pkg")
    root = tmp_path / "published"
    target = FolderTarget("folder", root)
    reservation = target.reserve(package)
    assert reservation.link == str((root / package.manifest.token / "index.html").resolve())
    # Reserving writes only the "on its way" page: the link works before the media exists.
    share = root / package.manifest.token
    assert sorted(p.name for p in share.iterdir()) == [".pending", "index.html"]
    assert "on its way" in (share / "index.html").read_text(encoding="utf-8")
    assert target.status(reservation).state == "pending"
    seen: list[Progress] = []
    target.upload(package, reservation, seen.append, CancelToken())
    assert sorted(p.relative_to(share).as_posix() for p in share.rglob("*")) == [
        "files",
        "files/guide.pdf",
        "index.html",
        "poster.jpg",
        "preview.gif",
        "video.mp4",
    ]
    assert (share / "video.mp4").read_bytes() == b"not really a video"
    html = (share / "index.html").read_text(encoding="utf-8")
    assert 'src="video.mp4"' in html and 'poster="poster.jpg"' in html
    assert 'href="files/guide.pdf"' in html and "PP-CORP-US-0007" in html
    assert "jane@example.org" not in html  # the recipient's contact stays private
    assert [p.name for p in root.iterdir()] == [package.manifest.token]  # no staging left
    assert seen[-1].stage == "published" and seen[-1].fraction == 1.0
    assert target.status(reservation).state == "live"
    # A retry after success (the outbox after a crash) changes nothing.
    before = (share / "index.html").stat().st_mtime_ns
    target.upload(package, reservation, lambda p: None, CancelToken())
    assert (share / "index.html").stat().st_mtime_ns == before


def test_cancel_mid_copy_leaves_only_the_pending_page(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "pkg", video_bytes=b"x" * (3 << 20))
    root = tmp_path / "published"
    target = FolderTarget("folder", root)
    cancel = CancelToken()

    def cancel_at_first_chunk(p: Progress) -> None:
        if p.stage == "publish":
            cancel.cancel()

    with pytest.raises(Cancelled):
        target.upload(package, target.reserve(package), cancel_at_first_chunk, cancel)
    share = root / package.manifest.token
    assert [p.name for p in root.iterdir()] == [package.manifest.token]
    assert sorted(p.name for p in share.rglob("*") if p.is_file()) == [".pending", "index.html"]
    assert "on its way" in (share / "index.html").read_text(encoding="utf-8")


def test_revoke_replaces_the_share_with_the_gone_page(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "pkg")
    root = tmp_path / "published"
    target = FolderTarget("folder", root)
    reservation = target.reserve(package)
    target.upload(package, reservation, lambda p: None, CancelToken())
    target.revoke(reservation)
    share = root / package.manifest.token
    assert not (share / "video.mp4").exists() and not (share / "files").exists()
    html = (share / "index.html").read_text(encoding="utf-8")
    assert "This video is no longer available" in html and "please contact Alex Rep" in html
    assert "mailto:alex@acme.example" in html
    assert target.status(reservation).state == "revoked"
    assert sorted(p.name for p in root.iterdir()) == [package.manifest.token]
    target.revoke(reservation)  # idempotent
    assert target.status(reservation).state == "revoked"


def test_status_of_a_deleted_folder_is_unknown(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "pkg")
    target = FolderTarget("folder", tmp_path / "published")
    reservation = target.reserve(package)
    shutil.rmtree(tmp_path / "published" / package.manifest.token)
    assert target.status(reservation).state == "unknown"


def test_round_trip_test_leaves_the_folder_clean(tmp_path: Path) -> None:
    root = tmp_path / "published"
    report = FolderTarget("mine", root).test()
    assert "mine" in report and str(root) in report
    assert list(root.iterdir()) == []


def test_unusable_folder_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    package = fake_package(tmp_path / "pkg")
    target = FolderTarget("folder", blocker / "sub")
    with pytest.raises(UserError, match="cannot create the folder"):
        target.upload(package, target.reserve(package), lambda p: None, CancelToken())
