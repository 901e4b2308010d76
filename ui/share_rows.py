"""One row of the Sent list, made from an outbox entry and what its target says about it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rep_video.secrets import KeychainUnavailable
from rep_video.share.outbox import OutboxEntry
from rep_video.share.targets.base import ShareStatus
from ui import thumbnails
from ui.i18n import translate


@dataclass(frozen=True, slots=True)
class ShareRow:
    entry_id: int
    recipient: str
    created: str
    target: str
    link: str | None
    state: str  # queued | uploading | live | expired | revoked | failed | cancelled | pending
    views: int
    watched: int
    expires_at: str | None
    note: str
    created_at: float = 0.0
    thumbnail: Path | None = None
    keychain_missing: bool = False  # it failed for want of a keychain, or there is none now
    totals_only: bool = False  # its server counts views only as totals over all recipients
    answer: str = ""  # the physician's newest answer from the page, in a few words


def when(timestamp: float, today: date | None = None) -> str:
    """To the second, so two sends to the same physician a minute apart tell apart."""
    moment = datetime.fromtimestamp(timestamp)
    if moment.date() == (today or date.today()):
        return translate("share_rows", "Today {time}").format(time=moment.strftime("%H:%M:%S"))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def share_row(entry: OutboxEntry, status: ShareStatus | None, note: str) -> ShareRow:
    manifest_name = ""
    with contextlib.suppress(Exception):
        from rep_video.share.manifest import ShareManifest

        manifest_name = ShareManifest.read(entry.package).recipient.name
    state = entry.state
    if state == "done":
        state = status.state if status is not None else "live"
        if state == "pending":
            state = "uploading"
    created = when(entry.created_at)
    return ShareRow(
        entry_id=entry.id, recipient=manifest_name, created=created, target=entry.target,
        link=entry.link, state=state, views=status.views if status else 0,
        watched=status.max_watched_percent if status else 0,
        expires_at=status.expires_at if status else None,
        note=(status.reason or "") if status and status.reason else note,
        created_at=entry.created_at, thumbnail=thumbnails.existing(entry.id),
        keychain_missing=entry.error_kind == KeychainUnavailable.kind,
        totals_only=bool(status and status.totals_only),
        answer=answer_summary(status.answers[-1]) if status and status.answers else "",
    )  # fmt: skip


def answer_summary(answer: dict[str, object]) -> str:
    """ "Call back: Tomorrow morning", "Materials by email", "Reply: …"."""
    action = answer.get("action")
    if action == "callback":
        return f"Call back: {answer.get('preferred_time') or 'any time'}"
    if action == "materials":
        return "Materials by email"
    return f"Reply: {answer.get('text') or ''}"
