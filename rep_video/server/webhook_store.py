"""The webhook endpoints an admin configures (`rep-video admin webhooks ...`, on the server's
own database as `admin audit` and `admin purge` are): add one (the server makes its secret,
shown once), list them, remove one, read its delivery log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from rep_video.errors import UserError
from rep_video.server.db import WebhookDelivery, WebhookEndpoint, affected, utcnow
from rep_video.server.webhook_queue import EVENTS
from rep_video.server.webhook_signing import new_secret

MAX_URL = 2000


def parse_events(values: Iterable[str]) -> tuple[str, ...]:
    """`--events created,answered` (or share.created ..., or all) as the events' full names,
    in EVENTS order."""
    wanted: set[str] = set()
    for value in values:
        for word in filter(None, (w.strip() for w in value.split(","))):
            if word == "all":
                wanted.update(EVENTS)
                continue
            name = word if word.startswith("share.") else f"share.{word}"
            if name not in EVENTS:
                known = ", ".join(e.removeprefix("share.") for e in EVENTS)
                raise UserError(f"--events: {word!r} is not an event; use {known} or all")
            wanted.add(name)
    if not wanted:
        raise UserError("--events: name at least one event (e.g. --events answered,viewed)")
    return tuple(e for e in EVENTS if e in wanted)


def url_problem(url: str, allow_http: bool) -> str | None:
    """Why `url` cannot be a webhook endpoint, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return f"{url!r} is not a URL"
    if len(url) > MAX_URL or not parts.hostname or any(c.isspace() for c in url):
        return f"{url!r} is not a URL like https://crm.example.com/hooks/repvideo"
    if parts.username or parts.password:
        return "the URL carries a user name or password; the signature is the proof, remove them"
    if parts.scheme == "https" or (parts.scheme == "http" and allow_http):
        return None
    if parts.scheme == "http":
        return (
            "webhook URLs must be https:// (the payload is about physicians); http:// only "
            "with the server setting webhook_allow_http, for a receiver on this machine in tests"
        )
    return f"{url!r} must start with https://"


def add_endpoint(
    engine: Engine, url: str, events: tuple[str, ...], *, allow_http: bool
) -> tuple[int, str]:
    """A new endpoint; returns its id and its secret (the only time it is shown)."""
    if (problem := url_problem(url, allow_http)) is not None:
        raise UserError(problem)
    secret = new_secret()
    with engine.begin() as conn:
        found = conn.execute(select(WebhookEndpoint.id).where(WebhookEndpoint.url == url)).first()
        if found is not None:
            raise UserError(
                f"{url} is endpoint {found.id} already; remove it first to change its events"
            )
        endpoint = insert(WebhookEndpoint).values(
            url=url, events=",".join(events), secret=secret, created_at=utcnow()
        )
        try:
            new_id = conn.execute(endpoint.returning(WebhookEndpoint.id)).scalar_one()
        except SQLAlchemyError as exc:  # its text would quote the parameters: the secret
            raise UserError(
                f"the database refused the new endpoint ({type(exc).__name__}); try again"
            ) from None
    return int(new_id), secret


def endpoint_row(engine: Engine, endpoint_id: int) -> Any:
    """The endpoint (url, events, secret ...); UserError when there is no such id."""
    with engine.connect() as conn:
        row = conn.execute(
            select(WebhookEndpoint.__table__).where(WebhookEndpoint.id == endpoint_id)
        ).first()
    if row is None:
        raise UserError(f"no webhook endpoint {endpoint_id}; `rep-video admin webhooks list`")
    return row


def list_endpoints(engine: Engine) -> list[dict[str, Any]]:
    """Every endpoint with its queue: pending, delivered and failed deliveries (never the
    secret)."""
    counts = (
        select(WebhookDelivery.endpoint_id, WebhookDelivery.state, func.count())
        .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.state)
    )  # fmt: skip
    with Session(engine) as s:
        rows = s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
        tally: dict[int, dict[str, int]] = {}
        for endpoint_id, state, count in s.execute(counts).all():
            tally.setdefault(endpoint_id, {})[state] = int(count)
    return [
        {
            "id": r.id,
            "url": r.url,
            "events": r.events.split(","),
            "created_at": r.created_at.isoformat(),
            **{
                state: tally.get(r.id, {}).get(state, 0)
                for state in ("pending", "delivered", "failed")
            },
        }
        for r in rows
    ]


def remove_endpoint(engine: Engine, endpoint_id: int) -> int:
    """Delete the endpoint with its queue and log; returns how many deliveries went with it
    (pending ones are never sent). UserError when there is no such id."""
    endpoint_row(engine, endpoint_id)
    with engine.begin() as conn:
        gone = conn.execute(
            delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        conn.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
    return affected(gone)


def delivery_log(engine: Engine, endpoint_id: int, limit: int) -> list[dict[str, Any]]:
    """The endpoint's last `limit` deliveries, newest first."""
    endpoint_row(engine, endpoint_id)
    d = WebhookDelivery
    query = select(d).where(d.endpoint_id == endpoint_id).order_by(d.id.desc()).limit(limit)
    with Session(engine) as s:
        rows = s.scalars(query).all()
    return [
        {
            "id": r.id,
            "event_id": r.event_id,
            "type": r.event_type,
            "state": r.state,
            "attempts": r.attempts,
            "status": r.last_status,
            "error": r.last_error,
            "created_at": r.created_at.isoformat(),
            "next_attempt_at": r.next_attempt_at.isoformat() if r.state == "pending" else None,
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
        }
        for r in rows
    ]
