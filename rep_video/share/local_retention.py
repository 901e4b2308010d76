"""The app's own purge, at start: what the laptop keeps once a send was delivered goes after
`policy.laptop_retention_days` (the admin's figure, docs/ADMIN.md):

- a staged package's media (`paths.shares_dir()/<token>`) still there after its delivery (the
  release at delivery failed, or an older version staged it): freed as at delivery, only
  `manifest.json` stays (the Sent list reads it);
- a recording in `paths.recordings_dir()`, once every send made from it was delivered. Each
  send notes its package next to the recording (`<name>.sends.json`, `note_send`); a recording
  without that note was never sent and is never touched.

Never anything not delivered: a package counts as delivered only when the outbox holds at
least one entry for it and every one is done, the last change older than the retention
period; the check and the deletion are one outbox transaction, so a retry or a new send of
the same package waits for the purge and then finds its files, or the purge waits for it and
keeps them. Never the draft's recording, a recording still being written or recovered (its
recovery sidecar), nor a file outside those two folders (an imported video is the rep's own)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rep_video import paths
from rep_video.errors import TransientError
from rep_video.fileutil import atomic_write_text
from rep_video.media.capture.recovery import sidecar_path
from rep_video.share.delivered import is_staged, release_staged
from rep_video.share.manifest import MANIFEST_NAME
from rep_video.share.outbox.store import OutboxStore

log = logging.getLogger(__name__)

SENDS_SUFFIX = ".sends.json"
DAY = 86400.0


@dataclass(slots=True)
class LocalPurge:
    dry_run: bool
    packages: list[Path] = field(default_factory=list)  # staged media freed
    recordings: list[Path] = field(default_factory=list)
    freed_bytes: int = 0

    def summary(self) -> str:
        verb = "would free" if self.dry_run else "freed"
        return (
            f"{verb} {len(self.recordings)} recordings and the media of "
            f"{len(self.packages)} delivered sends ({self.freed_bytes} bytes)"
        )


def _sends_file(recording: Path) -> Path:
    return recording.with_name(recording.name + SENDS_SUFFIX)


def _in_recordings(video: Path) -> bool:
    return video.resolve().parent == paths.recordings_dir().resolve()


def note_send(video: Path, package: Path) -> None:
    """Remember that `package` was made from `video` (only for the app's own recordings):
    the recording may go once every package made from it is delivered."""
    if not _in_recordings(video):
        return
    note = _sends_file(video.resolve())
    try:
        known = _packages(note)
        if str(package.resolve()) not in known:
            atomic_write_text(note, json.dumps([*known, str(package.resolve())], indent=1))
    except OSError as exc:  # the send goes on; the recording is simply kept
        log.warning("could not note the send of %s: %s", video, exc)


def _packages(note: Path) -> list[str]:
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return ["<unreadable>"]  # never delivered: keeps the recording
    return [str(p) for p in data] if isinstance(data, list) else ["<unreadable>"]


def _draft_video() -> Path | None:
    try:
        data = json.loads(paths.draft_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return Path("<unreadable>")  # unknown: protects nothing by name, keeps all below
    video = data.get("video") if isinstance(data, dict) else None
    return Path(video).resolve() if video and not data.get("sent") else None


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size if path.exists() else 0


def purge_local(
    store: OutboxStore, days: int, *, dry_run: bool = False, now: float | None = None
) -> LocalPurge:
    """Free what was delivered more than `days` ago (see the module's docstring)."""
    before = (now if now is not None else time.time()) - max(0, days) * DAY
    report = LocalPurge(dry_run=dry_run)
    root = paths.shares_dir()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and is_staged(p)):
            media = [e for e in folder.iterdir() if e.name != MANIFEST_NAME]
            if not media or not (folder / MANIFEST_NAME).is_file():
                continue
            bytes_ = sum(_size(e) for e in media)
            if _delivered(
                store, [folder.resolve()], before, dry_run, partial(release_staged, folder)
            ):
                report.packages.append(folder)
                report.freed_bytes += bytes_
    recordings = paths.recordings_dir()
    draft = _draft_video()
    if recordings.is_dir():
        for note in sorted(recordings.glob("*" + SENDS_SUFFIX)):
            video = note.with_name(note.name[: -len(SENDS_SUFFIX)])
            if (
                not video.is_file()
                or video.resolve() == draft
                or draft == Path("<unreadable>")
                or sidecar_path(video).exists()
                or video.stat().st_mtime >= before
            ):
                continue
            packages = [Path(p) for p in _packages(note)]
            size = video.stat().st_size
            if _delivered(store, packages, before, dry_run, partial(_drop, video, note)):
                report.recordings.append(video)
                report.freed_bytes += size
    if not dry_run and (report.packages or report.recordings):
        log.info("purge at start: %s", report.summary())
    return report


def _delivered(
    store: OutboxStore,
    packages: list[Path],
    before: float,
    dry_run: bool,
    then: Callable[[], object],
) -> bool:
    """True when all `packages` were delivered before `before`; then `then` has run (not with
    `dry_run`), inside the outbox transaction that decided it."""
    if dry_run:
        return bool(packages) and store.delivered_before(packages, before) == packages

    def act() -> bool:
        then()
        return True

    return store.when_delivered_before(packages, before, act) is True


def _drop(video: Path, note: Path) -> None:
    video.unlink(missing_ok=True)
    note.unlink(missing_ok=True)


def laptop_retention_days(settings: Any) -> int:
    """How long this laptop keeps delivered sends: the share server's policy
    (`retention.laptop_days`) when the default target is a share server whose admin set it —
    fetched now, else the copy kept from the last fetch — otherwise the admin file's
    `policy.laptop_retention_days`."""
    local = int(settings.get("policy.laptop_retention_days"))
    from rep_video.share.targets.registry import build_target, default_spec
    from rep_video.share.targets.server import ServerTarget

    name = default_spec(None, settings)
    config = settings.targets.get(name)
    if config is None or config.kind != "server":
        return local
    cached = paths.cache_dir() / f"server-policy-{_safe(name)}.json"
    try:
        target = build_target(config, settings)
        try:
            if not isinstance(target, ServerTarget):
                return local
            body = target.call_if_found("/api/v1/policy", "reading the server's policy")
        finally:
            target.close()
        if body is None:
            cached.unlink(missing_ok=True)
            return local
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cached, json.dumps(body))
    except TransientError:
        try:
            body = json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return local
    except Exception as exc:  # no token for it, a refusal: the admin file's figure
        log.warning("could not read the server's retention policy: %s", exc)
        return local
    retention = body.get("retention") if isinstance(body, dict) else None
    days = retention.get("laptop_days") if isinstance(retention, dict) else None
    return int(days) if isinstance(days, int) and not isinstance(days, bool) else local


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
