"""Helpers for the upload tests: a staged package built by hand (a real H.264/AAC clip and
a manifest), and hashing."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import SharePackage
from rep_video.share.tokens import new_token


def make_package(folder: Path, video: Path, *, extra_file: Path | None = None) -> SharePackage:
    """A package with `video` as video.mp4 and no poster/preview (kept small and fast)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(video, folder / "video.mp4")
    now = datetime.now(UTC)
    manifest = ShareManifest(
        token=new_token(),
        recipient=Person(name="Dr. Ada Test"),
        rep=Person(name="Rita Rep", email="rita@example.com"),
        message="Following up on our call.",
        created_at=now,
        expires_at=now + timedelta(days=30),
        duration=4.0,
        poster=None,
        preview=None,
    )
    manifest.write(folder)
    return SharePackage(folder=folder, manifest=manifest)


def sha256(path_or_bytes: Path | bytes) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return hashlib.sha256(data).hexdigest()
