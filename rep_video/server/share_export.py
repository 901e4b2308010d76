"""The shares as rows for a CRM's batch load (`rep-video admin export shares`): one row per
share created since a day, with its rep, recipient, content, state, when it was published,
what the physician did (views, furthest point watched, answers). Read in batches of BATCH
shares, each with one query per kind of fact, so a year of shares is a few hundred queries.

What the policy's `analytics` allows now decides what a row says, as for the API and the
webhooks: under "aggregate" or "off" no row names a physician (no recipient) and the
per-share views are empty (the rep's totals are `GET /api/v1/views`)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Engine, Integer, cast, func, select, tuple_

from rep_video.errors import UserError
from rep_video.server.db import Account, AuditRecord, Share, ShareAnswer, ViewEvent
from rep_video.server.shares import effective_state
from rep_video.server.webhook_queue import analytics_now

BATCH = 500
FORMATS = ("csv", "jsonl")
COLUMNS = (
    "share_id", "account", "rep_name", "rep_email", "recipient_name", "recipient_email",
    "language", "state", "created_at", "published_at", "expires_at", "revoked_at", "content",
    "views", "max_watched_percent", "callback_requested", "callback_time",
    "materials_requested", "replies", "analytics",
)  # fmt: skip


def export_rows(engine: Engine, since: datetime) -> Iterator[dict[str, Any]]:
    """Every share created at or after `since`, oldest first, as a row."""
    with engine.connect() as conn:
        analytics = analytics_now(conn)
    after: tuple[datetime, str] | None = None
    while True:
        query = (
            select(Share.__table__, Account.name.label("account"))
            .join(Account, Account.id == Share.account_id)
            .where(Share.created_at >= since)
            .order_by(Share.created_at, Share.id)
            .limit(BATCH)
        )
        if after is not None:
            query = query.where(tuple_(Share.created_at, Share.id) > tuple_(*after))
        with engine.connect() as conn:
            shares = conn.execute(query).all()
            facts = share_facts(conn, [s.id for s in shares])
        if not shares:
            return
        for share in shares:
            yield _row(share, facts, analytics)
        after = (shares[-1].created_at, shares[-1].id)


def share_facts(conn: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per share id: "views" (page loads), "max" (furthest % watched, 0 if none), "answers"
    ([(action, preferred time)], oldest first) and, once published, "published"."""
    facts: dict[str, dict[str, Any]] = {i: {"views": 0, "max": 0, "answers": []} for i in ids}
    if not ids:
        return facts
    ours = ViewEvent.share_id.in_(ids)
    opened = select(ViewEvent.share_id, func.count()).where(ours, ViewEvent.kind == "opened")
    for share_id, count in conn.execute(opened.group_by(ViewEvent.share_id)):
        facts[share_id]["views"] = int(count)
    furthest = select(ViewEvent.share_id, func.max(cast(ViewEvent.value, Integer))).where(
        ours, ViewEvent.kind == "progress"
    )
    for share_id, top in conn.execute(furthest.group_by(ViewEvent.share_id)):
        facts[share_id]["max"] = int(top or 0)
    answers = select(ShareAnswer.share_id, ShareAnswer.action, ShareAnswer.preferred_time)
    for share_id, action, when in conn.execute(
        answers.where(ShareAnswer.share_id.in_(ids)).order_by(ShareAnswer.id)
    ):
        facts[share_id]["answers"].append((action, when))
    published = select(AuditRecord.share_id, func.min(AuditRecord.at)).where(
        AuditRecord.share_id.in_(ids), AuditRecord.action == "publish"
    )
    for share_id, at in conn.execute(published.group_by(AuditRecord.share_id)):
        facts[share_id]["published"] = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return facts


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _row(share: Any, facts: dict[str, dict[str, Any]], analytics: str) -> dict[str, Any]:
    manifest = json.loads(share.manifest_json)
    rep = manifest.get("rep") or {}
    recipient = manifest.get("recipient") or {}
    known = facts[share.id]
    callbacks = [when for action, when in known["answers"] if action == "callback"]
    identified = analytics == "identified"
    return {
        "share_id": share.id,
        "account": share.account,
        "rep_name": rep.get("name") or share.rep_name,
        "rep_email": rep.get("email"),
        "recipient_name": (recipient.get("name") or share.recipient) if identified else None,
        "recipient_email": recipient.get("email") if identified else None,
        "language": manifest.get("language"),
        "state": effective_state(share),
        "created_at": _iso(share.created_at),
        "published_at": _iso(known.get("published")),
        "expires_at": _iso(share.expires_at),
        "revoked_at": _iso(share.revoked_at),
        "content": [
            {key: item.get(key) for key in ("id", "title", "version", "approval_code")}
            for item in manifest.get("attachments") or []
        ],
        "views": known["views"] if analytics != "aggregate" else None,
        "max_watched_percent": known["max"] if analytics != "aggregate" else None,
        "callback_requested": bool(callbacks),
        "callback_time": callbacks[-1] if callbacks else None,
        "materials_requested": any(action == "materials" for action, _ in known["answers"]),
        "replies": sum(action == "reply" for action, _ in known["answers"]),
        "analytics": analytics,
    }


def write_rows(rows: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write the rows as CSV (a header, `content` as 'id version code' joined with '; ') or
    JSON lines; returns how many."""
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r} is not known; use csv or jsonl")
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for row in rows:
        if writer is None:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            writer.writerow([_cell(name, row[name]) for name in COLUMNS])
        count += 1
    return count


def _cell(name: str, value: Any) -> str:
    if name == "content":
        return "; ".join(f"{i['id']} v{i['version']} {i['approval_code']}" for i in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
