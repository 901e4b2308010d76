"""Admin locks hold on every path: a command-line flag (or an app field) that would override a
key the machine-wide admin file sets is refused, never quietly applied. The share server
enforces its own policy besides (rep_video/server/policy.py); these checks stop a rep's
machine from even asking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rep_video.config import Settings
from rep_video.errors import UserError
from rep_video.share.manifest import Person

FOLDER_PREFIX = "folder:"


def refuse_locked(settings: Settings, key: str, flag: str, value: Any = None) -> None:
    """UserError when `key` is locked and `flag` would change it (`value` None: any use of the
    flag changes it)."""
    if settings.is_locked(key) and (value is None or value != settings.get(key)):
        raise UserError(
            f"{flag}: {key} is set by your administrator ({settings.get(key)!r}); leave it out."
        )


def check_send_overrides(
    settings: Settings,
    *,
    rep: Person | None,
    expires_in_days: int | None,
    catalog: Path | None,
    target: str | None,
) -> None:
    """What `rep-video send` (or the app) asked for, against the admin's locks."""
    if rep is not None:
        for field in ("name", "role", "email", "phone"):
            value = getattr(rep, field)
            if value:
                refuse_locked(settings, f"rep.{field}", f"--from-{field}", value.strip())
    if expires_in_days is not None:
        refuse_locked(settings, "policy.default_expiry_days", "--expires-in", expires_in_days)
    if catalog is not None and settings.is_locked("catalog.path"):
        locked = Path(settings.get("catalog.path")).expanduser()
        if catalog.expanduser().resolve() != locked.resolve():
            refuse_locked(settings, "catalog.path", "--catalog")
    check_target_allowed(settings, target)


def locked_expiry_days(settings: Settings) -> int | None:
    """The most days from now a link may be made to live (`rep-video extend`, the app's
    Extend) when the admin locks `policy.default_expiry_days`; None when it is not locked."""
    key = "policy.default_expiry_days"
    return int(settings.get(key)) if settings.is_locked(key) else None


def check_extension(settings: Settings, days: int | None) -> None:
    """`rep-video extend --days N | --never`: with a locked `policy.default_expiry_days` a
    link may not be made to live longer than that from now, nor for ever. (The app words
    its own refusal: ui/services.py.)"""
    key = "policy.default_expiry_days"
    limit = locked_expiry_days(settings)
    if limit is None:
        return
    if days is None:
        raise UserError(
            f"--never: {key} is set by your administrator ({limit}); a link may not live "
            f"for ever. Use --days 1 to {limit}."
        )
    if days > limit:
        raise UserError(
            f"--days {days}: {key} is set by your administrator ({limit}); use --days 1 to {limit}."
        )


def check_target_allowed(settings: Settings, target: str | None) -> None:
    """With `policy.allow_user_targets = false` only the admin file's targets may be used:
    not `folder:DIR`, not a target of the rep's own, not the built-in folder."""
    if settings.policy.allow_user_targets:
        return
    spec = target or settings.default_target
    config = settings.targets.get(spec) if spec else None
    if config is not None and config.locked:
        return
    allowed = ", ".join(sorted(n for n, t in settings.targets.items() if t.locked)) or "none"
    shown = spec or "the built-in folder target"
    raise UserError(
        f"--target {shown}: only targets set by your administrator may be used "
        f"(policy.allow_user_targets is false); use one of: {allowed}."
    )
