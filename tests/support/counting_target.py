"""A target that counts how often it is opened and closed: a real FolderTarget inside, so
every send through it really publishes; the counts prove whoever opens a target closes it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.targets import registry
from rep_video.share.targets.base import (
    Checkpoint,
    Reservation,
    SharePackage,
    ShareStatus,
    Target,
)
from rep_video.share.targets.folder import FolderTarget


@dataclass
class Counts:
    opened: int = 0
    closed: int = 0
    events: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def open_now(self) -> int:
        return self.opened - self.closed


class CountingTarget:
    kind = "folder"

    def __init__(self, name: str, root: Path, counts: Counts, upload_seconds: float = 0.0):
        self.name = name
        self._inner = FolderTarget(name, root)
        self._counts = counts
        self._upload_seconds = upload_seconds
        self.on_checkpoint: Checkpoint | None = None
        with counts.lock:
            counts.opened += 1

    def reserve(self, package: SharePackage) -> Reservation:
        self._counts.events.append("reserve")
        return self._inner.reserve(package)

    def upload(
        self, package: SharePackage, reservation: Reservation, progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:  # fmt: skip
        self._counts.events.append("upload")
        if cancel.wait(self._upload_seconds):  # a slow network
            cancel.raise_if_cancelled()
        return self._inner.upload(package, reservation, progress, cancel)

    def revoke(self, reservation: Reservation) -> None:
        self._inner.revoke(reservation)

    def status(self, reservation: Reservation) -> ShareStatus:
        return self._inner.status(reservation)

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        self._inner.extend(reservation, expires_at)

    def test(self) -> str:
        return self._inner.test()

    def close(self) -> None:
        with self._counts.lock:
            self._counts.closed += 1


def install(monkeypatch: pytest.MonkeyPatch, root: Path, *, upload_seconds: float = 0.0) -> Counts:
    """Every target the registry opens from now on is a CountingTarget publishing to `root`."""
    counts = Counts()

    def get_target(spec: str | None, settings: object = None) -> Target:
        return CountingTarget(spec or "counting", root, counts, upload_seconds)

    monkeypatch.setattr(registry, "get_target", get_target)
    return counts
