"""The one place where what happens to a rep's shares is recorded for them: a view beacon
kept (public.py), an answer from the page (answers.py). `record_event` writes a `live_events`
row inside the caller's transaction, wakes the other instances (PostgreSQL NOTIFY, sent on
commit) and runs the hooks registered with `on_recorded` in that same transaction (the signed
webhooks queue their deliveries there: an event is recorded and queued, or neither). The
rep's event stream (api_events.py, through live_hub.py) reads these rows back in id order.

Rows hold references only (share, kind, value, answer); who watched is read from the share
when the event is delivered, and only under `analytics = "identified"`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, text
from sqlalchemy.engine import Engine

from rep_video.server.db import LiveEvent, Share, ShareAnswer, affected, insert_stamped, utcnow

CHANNEL = "rep_video_events"
VIEW_KINDS = ("opened", "play", "progress", "attachment")
BATCH = 500


@dataclass(frozen=True, slots=True)
class Happened:
    """What happened to one of `account_id`'s shares. `share_id` None: a view counted only in
    the rep's totals (`analytics = "aggregate"`). Each field is a `live_events` column."""

    account_id: int
    share_id: str | None
    kind: str  # a view event's kind, or "answer"
    value: str | None = None
    answer_id: int | None = None


Hook = Callable[[Connection, Happened, int], None]
_hooks: list[Hook] = []


def on_recorded(hook: Hook) -> None:
    """Run `hook(conn, happened, event_id)` inside the transaction of every recorded event."""
    if hook not in _hooks:
        _hooks.append(hook)


def record_event(conn: Connection, happened: Happened) -> int:
    """Record `happened` for its rep's event streams; the id is the stream's event id. The
    caller commits, then wakes this instance's hub (`LiveHub.wake`)."""
    event_id = insert_stamped(conn, LiveEvent, **asdict(happened))  # its fields are columns
    if conn.dialect.name == "postgresql":
        # Delivered on commit to every instance LISTENing (live_hub.py): only a wake-up,
        # the rows themselves are read from the table.
        conn.execute(text(f"NOTIFY {CHANNEL}"))
    for hook in _hooks:
        hook(conn, happened, event_id)
    return event_id


_COLUMNS = (
    LiveEvent.id,
    LiveEvent.account_id,
    LiveEvent.share_id,
    LiveEvent.kind,
    LiveEvent.value,
    LiveEvent.at,
    Share.recipient,
    ShareAnswer.action,
    ShareAnswer.preferred_time,
    ShareAnswer.text,
)
_JOINED = (
    select(*_COLUMNS)
    .outerjoin(Share, Share.id == LiveEvent.share_id)
    .outerjoin(ShareAnswer, ShareAnswer.id == LiveEvent.answer_id)
)
_AFTER = _JOINED.where(LiveEvent.id > bindparam("after")).order_by(LiveEvent.id).limit(BATCH)
_ACCOUNT_AFTER = (
    _JOINED.where(LiveEvent.id > bindparam("after"), LiveEvent.account_id == bindparam("account"))
    .order_by(LiveEvent.id)
    .limit(BATCH)
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event as a stream sends it: `data` is the JSON of the `event:` named `name`."""

    id: int
    account_id: int
    name: str  # view | answer
    data: str

    def frame(self) -> str:
        return f"id: {self.id}\nevent: {self.name}\ndata: {self.data}\n\n"


def _delivery(row: Any, analytics: str) -> Delivery:
    data: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "value": row.value,
        "share_id": row.share_id,
        "at": row.at.isoformat(),
    }
    if analytics == "identified":
        data["recipient"] = row.recipient or ""  # under aggregate/off: nothing names them
    if row.kind == "answer":
        data["answer"] = {
            "action": row.action,
            "preferred_time": row.preferred_time,
            "text": row.text,
        }
    name = "answer" if row.kind == "answer" else "view"
    return Delivery(row.id, row.account_id, name, json.dumps(data, separators=(",", ":")))


def deliveries(rows: Sequence[Any], analytics: str) -> list[Delivery]:
    """Rows as streams send them. Views under `analytics = "off"` are not sent (the server
    keeps none from then on anyway); under "aggregate" none names a share or a physician."""
    found = []
    for row in rows:
        if row.kind in VIEW_KINDS and analytics == "off":
            continue
        if row.kind in VIEW_KINDS and analytics == "aggregate" and row.share_id is not None:
            continue  # recorded while identified: the rep now sees totals only
        found.append(_delivery(row, analytics))
    return found


def read_after(engine: Engine, after: int, account_id: int | None = None) -> list[Any]:
    """Up to BATCH events after `after` (of one account, or of all), oldest first."""
    with engine.connect() as conn:
        if account_id is None:
            return list(conn.execute(_AFTER, {"after": after}).all())
        return list(conn.execute(_ACCOUNT_AFTER, {"after": after, "account": account_id}).all())


def last_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(LiveEvent.id))).scalar_one() or 0)


def drop_old_events(engine: Engine, keep_hours: int) -> int:
    """Delete events older than `keep_hours` (a stream resumes from the ones left)."""
    with engine.begin() as conn:
        cutoff = utcnow() - timedelta(hours=keep_hours)
        return affected(conn.execute(delete(LiveEvent).where(LiveEvent.at < cutoff)))
