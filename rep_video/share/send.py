"""The send pipeline used by the CLI and the desktop app: check the request, stage the
package, deliver it to a target, return the link.

Two steps with a seam between them:
- `stage(...)` does all local work (trim, finalize, poster, preview, approved files,
  manifest) and returns a `SharePackage` in `paths.shares_dir()`;
- `deliver(package, target, ...)` reserves the link and uploads. `send()` takes any function
  with that signature as `deliver=`, so the persistent outbox can take over delivery
  (enqueue, then wait or return at once) without changing anything before it.

Everything the user can get wrong (unknown target, no rep name, unknown or expired content,
a bad video or trim) is checked before the slow work, and raised as a one-line UserError."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rep_video.config import Settings, load_settings
from rep_video.content.catalog import default_catalog_path, load_catalog
from rep_video.content.model import ContentItem
from rep_video.errors import UserError
from rep_video.progress import CancelToken, ProgressFn, no_progress
from rep_video.share.delivered import release_staged
from rep_video.share.manifest import Person
from rep_video.share.package import stage_package
from rep_video.share.targets.base import Reservation, SharePackage, Target
from rep_video.share.targets.registry import get_target

MAX_MESSAGE_CHARS = 2000
MAX_EXPIRY_DAYS = 365


@dataclass(frozen=True, slots=True)
class SendResult:
    link: str
    share_id: str
    package: SharePackage
    reservation: Reservation | None = None  # None when delivery was left to the outbox


Deliver = Callable[[SharePackage, Target, ProgressFn, CancelToken], SendResult]


def deliver_now(
    package: SharePackage, target: Target, progress: ProgressFn, cancel: CancelToken
) -> SendResult:
    """Reserve the link and upload in this process (no outbox). Once the target has it, the
    staged copy of the media goes (see delivered.py); a failure leaves it in place."""
    reservation = target.reserve(package)
    reservation = target.upload(package, reservation, progress, cancel)
    release_staged(package.folder)
    return SendResult(reservation.link, reservation.share_id, package, reservation)


def send(
    video: Path,
    *,
    to: Person,
    message: str = "",
    attach_ids: Sequence[str] = (),
    trim: tuple[float, float] | None = None,
    trim_mode: str = "smart",
    intro: bool = False,
    target: str | None = None,
    expires_in_days: int | None = None,
    catalog: Path | None = None,
    rep: Person | None = None,
    today: date | None = None,
    deliver: Deliver = deliver_now,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> SendResult:
    """Send `video` to `to`. `target` is a configured target name, `folder:DIR`, or None for
    the default (the configured default, else the built-in folder target). `rep` fields
    override the rep identity from settings. The source video is never modified."""
    settings = load_settings()
    sender = resolve_rep(rep, settings)
    recipient = _check_recipient(to)
    _check_message(message)
    days = settings.policy.default_expiry_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise UserError(f"--expires-in must be 1 to {MAX_EXPIRY_DAYS} days, not {days}.")
    chosen = get_target(target, settings)
    cat = load_catalog(catalog if catalog is not None else default_catalog_path())
    items = cat.resolve_for_attach(attach_ids, today or date.today())
    package = stage(
        video,
        to=recipient,
        rep=sender,
        message=message,
        items=items,
        trim=trim,
        trim_mode=trim_mode,
        intro=intro,
        expires_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=days),
        page_approval_code=cat.page_approval_code,
        max_seconds=float(settings.policy.max_length_seconds),
        progress=progress,
        cancel=cancel,
    )
    return deliver(package, chosen, progress, cancel or CancelToken())


def stage(
    video: Path,
    *,
    to: Person,
    rep: Person,
    message: str,
    items: Sequence[ContentItem],
    trim: tuple[float, float] | None,
    trim_mode: str,
    intro: bool,
    expires_at: datetime | None,
    page_approval_code: str | None,
    max_seconds: float | None,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> SharePackage:
    """All local work for one send; see `package.stage_package`."""
    return stage_package(
        Path(video),
        recipient=to,
        rep=rep,
        message=message,
        attachments=items,
        trim=trim,
        trim_mode=trim_mode,
        intro=intro,
        expires_at=expires_at,
        page_approval_code=page_approval_code,
        max_seconds=max_seconds,
        progress=progress,
        cancel=cancel,
    )


def resolve_rep(overrides: Person | None, settings: Settings) -> Person:
    """The sender: settings `rep.*`, each field overridden by `overrides` when given."""
    o = overrides or Person(name="")
    s = settings.rep
    name = (o.name or s.name).strip()
    if not name:
        raise UserError(
            "who is sending? set rep.name in the settings (see docs/SHARE_PAGE.md) "
            "or pass --from-name NAME."
        )
    return Person(
        name=name,
        role=(o.role or s.role).strip() or None,
        email=(o.email or s.email).strip() or None,
        phone=(o.phone or s.phone).strip() or None,
    )


def _check_recipient(to: Person) -> Person:
    name = to.name.strip()
    if not name or "\n" in name or len(name) > 120:
        raise UserError("the recipient's name is empty or too long; pass --to 'Dr. Jane Smith'.")
    return Person(
        name=name,
        email=(to.email or "").strip() or None,
        phone=(to.phone or "").strip() or None,
    )


def _check_message(message: str) -> None:
    if len(message) > MAX_MESSAGE_CHARS:
        raise UserError(
            f"the message has {len(message)} characters; keep it under {MAX_MESSAGE_CHARS}."
        )
