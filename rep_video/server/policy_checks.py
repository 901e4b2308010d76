"""What the server enforces of the pushed catalog and policy on every share, whatever the
client sent: attachments filled in from the server's catalog, the restricted words
(wording_checks.py), the message templates and teleprompter scripts (template_checks.py), the
expiry within the policy's maximum (no "never" unless the policy allows it), the length within
its maximum."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict

from rep_video.server.catalog_schema import PolicyIn
from rep_video.server.catalog_store import Audience, load_catalog, load_policy, resolve_attachments
from rep_video.server.db import utcnow
from rep_video.server.manifest_schema import Line
from rep_video.server.state import ServerState
from rep_video.server.template_checks import check_message_template, check_script
from rep_video.server.wording_checks import check_wording
from rep_video.share.manifest import ShareManifest

# The client computes the expiry from its own clock a moment before the request arrives.
CLOCK_SLACK = timedelta(minutes=10)


class AudienceIn(BaseModel):
    """Who the share is for, checked against each item's approved audience."""

    model_config = ConfigDict(extra="forbid")
    country: Line | None = None
    specialty: Line | None = None


def _error(loc: list[str | int], msg: str) -> HTTPException:
    return HTTPException(422, [{"loc": loc, "msg": msg, "type": "value_error"}])


def _no_catalog(manifest: ShareManifest) -> str:
    names = ", ".join(f"'{a.id}'" for a in manifest.attachments)
    return (
        f"cannot attach {names}: this share server has no approved-content catalog yet, so it "
        "cannot check what the item is; an admin must push one "
        "(rep-video admin catalog push CATALOG.toml --server NAME), or send without attachments"
    )


def expiry_problem(policy: PolicyIn | None, expires_at: datetime | None) -> str | None:
    if policy is None:
        return None
    if expires_at is None:
        if policy.allow_no_expiry or policy.max_expiry_days is None:
            return None
        return f"the server's policy requires an expiry (at most {policy.max_expiry_days} days)"
    if policy.max_expiry_days is not None:
        latest = utcnow() + timedelta(days=policy.max_expiry_days) + CLOCK_SLACK
        if expires_at > latest:
            return f"the expiry is beyond the server policy's {policy.max_expiry_days} days"
    return None


def check_expiry(state: ServerState, expires_at: datetime | None, loc: list[str | int]) -> None:
    if problem := expiry_problem(load_policy(state.sessions), expires_at):
        raise _error(loc, problem)


def max_video_seconds(state: ServerState) -> float:
    """The stricter of the server's setting and the pushed policy."""
    policy = load_policy(state.sessions)
    limit = state.settings.max_video_seconds
    if policy is not None and policy.max_video_seconds is not None:
        limit = min(limit, policy.max_video_seconds)
    return limit


def authoritative(
    state: ServerState, manifest: ShareManifest, audience: AudienceIn | None
) -> tuple[ShareManifest, bool]:
    """(the manifest as the server will serve it, whether its attachments came from the
    server's catalog). Until an admin pushes a catalog, attachments are refused, unless the
    server is set to take them as the client sent them (`accept_client_attachments`: the
    desktop app's embedded server, which has no admin)."""
    check_expiry(state, manifest.expires_at, ["body", "manifest", "expires_at"])
    # The declared length against the pushed policy; the video itself is measured at publish.
    policy = load_policy(state.sessions)
    limit = policy.max_video_seconds if policy and policy.max_video_seconds else float("inf")
    if manifest.duration > limit:
        raise _error(
            ["body", "manifest", "duration"],
            f"the video is {manifest.duration:.0f} s; the policy allows at most {limit:.0f} s",
        )
    catalog = load_catalog(state.sessions)
    if catalog is None:
        if manifest.attachments and not state.settings.accept_client_attachments:
            raise _error(["body", "manifest", "attachments"], _no_catalog(manifest))
        return manifest, False
    manifest = check_wording(catalog, manifest)
    who = Audience(audience.country, audience.specialty) if audience else Audience()
    manifest = check_message_template(
        catalog, policy, manifest, date.today(), who.country, who.specialty
    )
    manifest = check_script(catalog, manifest, date.today(), who.country, who.specialty)
    return resolve_attachments(catalog, manifest, date.today(), who), True
