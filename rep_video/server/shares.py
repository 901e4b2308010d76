"""Share rows as the API shows them: effective state, views, owner checks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from fastapi import HTTPException
from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from rep_video.server.auth import Caller
from rep_video.server.db import (
    ServerDocument,
    Share,
    ShareAnswer,
    Upload,
    ViewEvent,
    affected,
    utcnow,
)
from rep_video.share.page_content import analytics_mode

EVENT_KINDS = ("opened", "play", "progress", "attachment")


class HasState(Protocol):
    @property
    def state(self) -> str: ...
    @property
    def expires_at(self) -> datetime | None: ...


def effective_state(share: HasState, now: datetime | None = None) -> str:
    if share.state == "revoked":
        return "revoked"
    if share.expires_at is not None and share.expires_at <= (now or utcnow()):
        return "expired"
    return share.state


def owned_share(s: Session, caller: Caller, share_id: str) -> Share:
    """The share if the caller may see it; 404 otherwise (another rep's share is not found)."""
    share = s.get(Share, share_id) if len(share_id) <= 40 else None
    if share is None or (not caller.is_admin and share.account_id != caller.account_id):
        raise HTTPException(404, "no such share")
    return share


def claim_pending(s: Session, share_id: str) -> str | None:
    """Inside a write transaction: None when the share is pending, else its state ("gone" if
    there is no such share). The no-op UPDATE takes the row's lock (PostgreSQL) or the database's
    write lock (SQLite) first, so whatever changes a share's files serialises with publish's
    switch to live, and nothing can slip in between the check and the switch."""
    claimed = s.execute(
        update(Share).where(Share.id == share_id, Share.state == "pending").values(state="pending")
    )
    if affected(claimed) == 1:
        return None
    return s.scalar(select(Share.state).where(Share.id == share_id)) or "gone"


def share_pending(share_id: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """SQL: the share `share_id` names is pending (a condition for UPDATEs of its uploads)."""
    return exists().where(Share.id == share_id, Share.state == "pending")


def declared_files(share: Share) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = json.loads(share.files_json)
    return files


def current_analytics(s: Session) -> str:
    """The pushed policy's `analytics` ("identified" before any push)."""
    row = s.get(ServerDocument, "policy")
    value = json.loads(row.body).get("analytics") if row is not None else None
    return analytics_mode(str(value or "identified"))


def share_json(
    s: Session, share: Share, public_url: str, *, with_events: bool = False
) -> dict[str, Any]:
    """The share as the API shows it; under `analytics = "aggregate"` without who watched
    what: views, progress and events are null/empty (`GET /api/v1/views` has the totals)."""
    analytics = current_analytics(s)
    opened = s.scalar(
        select(func.count())
        .select_from(ViewEvent)
        .where(ViewEvent.share_id == share.id, ViewEvent.kind == "opened")
    )
    progress = s.scalars(
        select(ViewEvent.value).where(ViewEvent.share_id == share.id, ViewEvent.kind == "progress")
    ).all()
    done = {
        u.name
        for u in s.scalars(
            select(Upload).where(Upload.share_id == share.id, Upload.complete.is_(True))
        )
    }
    data: dict[str, Any] = {
        "id": share.id,
        "token": share.token,
        "url": f"{public_url}/s/{share.token}",
        "upload_url": f"{public_url}/api/v1/uploads",
        "state": effective_state(share),
        "reason": share.reason,
        "recipient": share.recipient,
        "rep": share.rep_name,
        "created_at": share.created_at.isoformat(),
        "expires_at": share.expires_at.isoformat() if share.expires_at else None,
        "analytics": analytics,
        "views": int(opened or 0),
        "max_watched_percent": max((int(v) for v in progress if v and v.isdigit()), default=0),
        "files": [
            {"name": f["name"], "size": f["size"], "uploaded": f["name"] in done}
            for f in declared_files(share)
        ],
    }
    # What the physician sent from the page: theirs to the rep, shown in every analytics mode.
    data["answers"] = [
        {"action": a.action, "preferred_time": a.preferred_time, "text": a.text,
         "at": a.at.isoformat()}
        for a in s.scalars(
            select(ShareAnswer).where(ShareAnswer.share_id == share.id).order_by(ShareAnswer.id)
        )
    ]  # fmt: skip
    if with_events:
        events = s.scalars(
            select(ViewEvent).where(ViewEvent.share_id == share.id).order_by(ViewEvent.id)
        ).all()
        data["events"] = [
            {"kind": e.kind, "at": e.at.isoformat(), "value": e.value} for e in events
        ]
    if analytics == "aggregate":
        # Not even the events stored while the policy was "identified": the rep sees totals.
        data.update(views=None, max_watched_percent=None)
        if with_events:
            data["events"] = []
    return data
