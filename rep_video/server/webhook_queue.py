"""Queueing signed webhooks: what happened to a share becomes one `webhook_deliveries` row per
endpoint that asked for that event, in the transaction that recorded it (an event is recorded
and queued, or neither). Delivery happens later, from serve's background task
(webhook_delivery.py), so a receiver that is slow or down never slows the request.

The seams: `share_changed` from create, publish and revoke (api_shares.py, publish.py,
account_store.py), `install()` registers `_recorded` with live_events.record_event for views
and answers. The body is built here once, with what the policy's `analytics` allowed at that
moment: under "aggregate" or "off" it names no physician (docs/CRM.md has the payloads)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from rep_video.server.db import (
    Account,
    ServerDocument,
    Share,
    ShareAnswer,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from rep_video.server.live_events import VIEW_KINDS, Happened, on_recorded
from rep_video.share.page_content import analytics_mode

CREATED, PUBLISHED, VIEWED = "share.created", "share.published", "share.viewed"
ANSWERED, REVOKED = "share.answered", "share.revoked"
EVENTS = (CREATED, PUBLISHED, VIEWED, ANSWERED, REVOKED)
TEST = "webhook.test"  # `admin webhooks test`: sent to the one endpoint, whatever it asked for


def new_event_id() -> str:
    """The idempotency key: one per event, the same on every attempt and every endpoint."""
    return "evt_" + uuid.uuid4().hex


def install() -> None:
    """Queue views and answers where live_events records them (idempotent)."""
    on_recorded(_recorded)


def _recorded(conn: Connection, happened: Happened, _event_id: int) -> None:
    if happened.kind == "answer":
        answer = conn.execute(
            select(ShareAnswer.action, ShareAnswer.preferred_time, ShareAnswer.text).where(
                ShareAnswer.id == happened.answer_id
            )
        ).first()
        extra = {"answer": dict(answer._mapping) if answer is not None else None}
        _queue(conn, ANSWERED, happened.account_id, happened.share_id, extra)
    elif happened.kind in VIEW_KINDS:
        view = {"view": {"kind": happened.kind, "value": happened.value}}
        _queue(conn, VIEWED, happened.account_id, happened.share_id, view)


def share_changed(s: Session, event: str, share: Share) -> None:
    """Queue `event` (CREATED, PUBLISHED, REVOKED) about `share`, inside `s`'s transaction
    (flushed first: the payload reads the share as the event left it)."""
    s.flush()
    _queue(s.connection(), event, share.account_id, share.id, {})


def _subscribers(conn: Connection, event: str) -> list[int]:
    rows = conn.execute(select(WebhookEndpoint.id, WebhookEndpoint.events)).all()
    return [r.id for r in rows if event in r.events.split(",")]


def _queue(
    conn: Connection, event: str, account_id: int, share_id: str | None, extra: dict[str, Any]
) -> None:
    endpoints = _subscribers(conn, event)
    if not endpoints:
        return
    body = payload(conn, event, account_id, share_id, extra)
    conn.execute(
        insert(WebhookDelivery),
        [
            {"endpoint_id": endpoint, "event_id": body["id"], "event_type": event,
             "share_id": share_id, "body": encode(body), "state": "pending", "attempts": 0,
             "created_at": utcnow(), "next_attempt_at": utcnow()}
            for endpoint in endpoints
        ],
    )  # fmt: skip


def encode(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def analytics_now(conn: Connection) -> str:
    """The pushed policy's `analytics` ("identified" before any push), read in `conn`'s
    transaction."""
    text = conn.execute(select(ServerDocument.body).where(ServerDocument.name == "policy"))
    found = text.scalar()
    value = json.loads(found).get("analytics") if found else None
    return analytics_mode(str(value or "identified"))


def payload(
    conn: Connection, event: str, account_id: int, share_id: str | None, extra: dict[str, Any]
) -> dict[str, Any]:
    """The event's JSON: its id (the idempotency key), type, time, the rep, the share as the
    policy lets it be told, and what the event adds (`view`, `answer`)."""
    analytics = analytics_now(conn)
    account = conn.execute(select(Account.name).where(Account.id == account_id)).scalar()
    share = None
    if share_id is not None:  # None: a view counted in totals only ("aggregate")
        share = conn.execute(select(Share.__table__).where(Share.id == share_id)).first()
    body: dict[str, Any] = {
        "id": new_event_id(),
        "type": event,
        "created_at": utcnow().isoformat(),
        "analytics": analytics,
        "rep": {"account": account},
        "share": None if share is None else share_part(share, analytics),
    }
    if share is not None:
        body["rep"].update(_person(json.loads(share.manifest_json).get("rep")))
    return body | extra


def share_part(share: Any, analytics: str) -> dict[str, Any]:
    """The share in a payload: never its link (the physician's key to the page)."""
    manifest = json.loads(share.manifest_json)
    part: dict[str, Any] = {
        "id": share.id,
        "state": share.state,
        "created_at": share.created_at.isoformat(),
        "expires_at": share.expires_at.isoformat() if share.expires_at else None,
        "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
        "language": manifest.get("language"),
        "content": [
            {key: item.get(key) for key in ("id", "title", "version", "approval_code")}
            for item in manifest.get("attachments") or []
        ],
    }
    if analytics == "identified":  # under aggregate/off nothing names the physician
        part["recipient"] = _person(manifest.get("recipient"))
    return part


def _person(data: Any) -> dict[str, Any]:
    data = data if isinstance(data, dict) else {}
    return {"name": data.get("name") or "", "email": data.get("email")}
