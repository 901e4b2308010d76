"""The one interface every upload target implements.

A send is: prepare a `SharePackage` locally → `reserve` (the link is known at once, before any
byte moves) → `upload` (resumable; may be called again after a failure or a restart with the
`Reservation` the outbox persisted) → the HCP opens `reservation.link`.

`reserve` may get a package whose media is still being made (`complete` is False: the app
reserves the link right after the rep presses Send, and trims/finalizes/renders the preview
afterwards). It must then not read the media files; `upload` always gets a complete package.
Once reserved, the link must answer at once: with the "on its way" page until `upload` is done.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from rep_video.errors import UserError
from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.manifest import ShareManifest
from rep_video.share.targets.meter import UploadMeter

# Present in a package folder while its media (video, poster, preview) is still to be made; it
# says how (share/package.py). Removed last, when everything else is in place.
RECIPE_NAME = "recipe.json"


@dataclass(frozen=True, slots=True)
class SharePackage:
    """A staged share: `folder` holds manifest.json, the video, poster, preview, the captions
    (captions.vtt, when there are any) and files/."""

    folder: Path
    manifest: ShareManifest

    @classmethod
    def load(cls, folder: Path) -> SharePackage:
        """The package staged in `folder`; UserError if its manifest is gone."""
        try:
            manifest = ShareManifest.read(folder)
        except FileNotFoundError as exc:
            raise UserError(
                f"The staged share in {folder} is gone (no manifest.json); send it again."
            ) from exc
        return cls(folder=Path(folder), manifest=manifest)

    def size(self) -> int:
        """Bytes to publish (of the files that exist so far)."""
        return sum(p.stat().st_size for _, p in self.files() if p.exists())

    def path_of(self, name: str) -> Path:
        return self.folder / name

    @property
    def complete(self) -> bool:
        """False while the media is still to be made (see `package.complete_package`)."""
        return not (self.folder / RECIPE_NAME).exists()

    def files(self) -> list[tuple[str, Path]]:
        """(name in the share, local path) for every file to publish, video first."""
        m = self.manifest
        names = [m.video]
        names += [n for n in (m.poster, m.preview) if n]
        if m.captions is not None:
            names.append(m.captions.file)
        # An attachment with no size and no file here is the share server's to attach (an
        # item of its own catalog): nothing of it is on this computer.
        names += [
            f"files/{a.file_name}"
            for a in m.attachments
            if a.file_name
            and (a.size is not None or (self.folder / "files" / a.file_name).exists())
        ]
        return [(n, self.folder / n) for n in names]


@dataclass(frozen=True, slots=True)
class Reservation:
    """What a target promised before the upload: the link, and the state it needs to resume.
    `state` must be JSON-serialisable: the outbox persists it."""

    target: str
    share_id: str
    token: str
    link: str
    state: dict[str, Any] = field(default_factory=dict)

    def working_copy(self) -> Reservation:
        """This reservation with a state of its own, for an upload to change as it goes:
        what the caller holds (and the outbox persisted) stays as it was."""
        return replace(self, state=copy.deepcopy(self.state))


@dataclass(frozen=True, slots=True)
class ViewEvent:
    kind: str  # opened | play | progress | attachment
    at: str  # ISO 8601 UTC
    value: str | None = None  # "25"/"50"/... for progress, the file name for attachment


@dataclass(frozen=True, slots=True)
class ShareStatus:
    state: str  # pending | live | expired | revoked | deleted (retention) | unknown
    views: int = 0  # page opens
    max_watched_percent: int = 0
    events: tuple[ViewEvent, ...] = ()
    expires_at: str | None = None
    reason: str | None = None  # why a share stayed unpublished, if it did
    # The server counts viewing only as totals over all recipients (policy analytics =
    # "aggregate"): views and progress above are 0, the totals come from `view_totals()`.
    totals_only: bool = False
    # What the physician sent from the page (a share server's): the newest last, each
    # {"action": callback|materials|reply, "preferred_time", "text", "at"}.
    answers: tuple[dict[str, Any], ...] = ()


Checkpoint = Callable[[Reservation], None]


class Target(Protocol):
    """A place shares are published. Opened by the registry (targets/registry.py) and closed by
    whoever opened it: `close()` releases connections and pools (a no-op for a folder)."""

    name: str
    kind: str
    # Set by the outbox before `upload`: called with the updated reservation whenever the
    # resumable state changes (a new tus upload URL, a multipart upload id, a finished file),
    # so a crash right after still resumes. None: nobody is keeping it.
    on_checkpoint: Checkpoint | None

    def reserve(self, package: SharePackage) -> Reservation: ...

    def upload(
        self, package: SharePackage, reservation: Reservation, progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:  # fmt: skip
        """Upload what is missing (resuming from what the far side already has) and publish.
        Returns the reservation with updated state. Raises UserError for problems the user
        can act on, OSError/requests exceptions for transient ones (the outbox retries)."""
        ...

    def revoke(self, reservation: Reservation) -> None: ...

    def status(self, reservation: Reservation) -> ShareStatus: ...

    def extend(self, reservation: Reservation, expires_at: str | None) -> None: ...

    def test(self) -> str:
        """A real round trip (upload, fetch, delete); returns a one-line report."""
        ...

    def close(self) -> None: ...


class ResumableTarget(ABC):
    """`upload` for the targets whose reservation records what the far side has (server,
    s3): it works on the reservation's own copy, does nothing once `published`, and keeps one
    progress meter across the files; `send` moves what is missing and publishes."""

    on_checkpoint: Checkpoint | None = None  # the outbox sets it (see Target)

    def upload(
        self, package: SharePackage, reservation: Reservation, progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:  # fmt: skip
        reservation = reservation.working_copy()
        if reservation.state.get("published"):
            return reservation
        meter = UploadMeter(sum(p.stat().st_size for _, p in package.files()), progress)
        self.send(package, reservation, meter, cancel)
        reservation.state["published"] = True
        meter.add(0, "published", sent=False)
        return reservation

    @abstractmethod
    def send(
        self, package: SharePackage, reservation: Reservation, meter: UploadMeter,
        cancel: CancelToken,
    ) -> None:  # fmt: skip
        """Send what the far side does not have yet, then publish. Change `reservation.state`
        as it goes and `checkpoint` it whenever a crash right after should still resume."""

    def checkpoint(self, reservation: Reservation) -> None:
        if self.on_checkpoint:
            self.on_checkpoint(reservation)
