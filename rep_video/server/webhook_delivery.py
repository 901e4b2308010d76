"""Sending the queued webhooks (webhook_queue.py), from a background task of `serve`.

In order per endpoint: only an endpoint's oldest pending delivery is ever tried; while it
waits for its retry, the later ones wait behind it, so a receiver that was down gets every
event once it is back, in the order they happened. A failed attempt is tried again after an
exponential backoff with jitter (webhook_signing.backoff) until `webhook_retry_hours` after
the event, then marked failed and the next one goes.

Scale-out: an instance sends to an endpoint only while it holds the endpoint's lease (one
conditional UPDATE of `lease_owner`/`lease_until`, atomic on SQLite and PostgreSQL alike), so
two instances never send the same attempt; the lease outlasts one attempt's timeout several
times over and is renewed while half of it is left. An attempt's outcome is written only if
the delivery is still as it was read (its attempts count), so a lease lost in a stall cannot
count one twice. A receiver that got a request whose outcome was lost (the instance died
mid-attempt) gets it again: the idempotency key (`RepVideo-Event-Id`) says it is the same event."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from rep_video import __version__
from rep_video.server.db import WebhookDelivery, WebhookEndpoint, affected, utcnow
from rep_video.server.settings import ServerSettings
from rep_video.server.webhook_signing import SIGNATURE_HEADER, backoff, sign
from rep_video.server.webhook_store import url_problem

log = logging.getLogger("rep_video.server")
PER_ROUND = 100  # deliveries to one endpoint before its lease is let go for a round
PARALLEL = 4  # endpoints sent to at once by one instance
MAX_ERROR = 300


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None  # the receiver's HTTP status; None: no answer
    error: str | None  # None: delivered (2xx)
    ms: int = 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is a failure, not a hop to wherever it points (maybe http://, maybe elsewhere)."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, secret: str, body: str, headers: dict[str, str], timeout: float) -> Outcome:
    """One signed attempt; never raises for what the receiver or the network does."""
    data = body.encode("utf-8")
    # url_problem has checked the scheme: https, or http where the setting allows it
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
    for name, value in {
        "Content-Type": "application/json",
        "User-Agent": f"RepVideo-Webhooks/{__version__}",
        SIGNATURE_HEADER: sign(secret, data),
        **headers,
    }.items():
        request.add_header(name, value)
    started = utcnow()
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read(65536)
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(None, _one_line(f"no answer: {reason}"), _ms(started))
    error = None if 200 <= status < 300 else f"HTTP {status}"
    return Outcome(status, error, _ms(started))


def _ms(started: datetime) -> int:
    return int((utcnow() - started).total_seconds() * 1000)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_ERROR]


def attempt_headers(event_id: str, event_type: str, attempt: int) -> dict[str, str]:
    return {
        "RepVideo-Event-Id": event_id,
        "Idempotency-Key": event_id,
        "RepVideo-Event-Type": event_type,
        "RepVideo-Delivery-Attempt": str(attempt),
    }


def new_owner() -> str:
    """Who holds a lease (in the table for an admin to read): host, process, a random part."""
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Deliverer:
    """One instance's sending: `deliver_due` is one round over the endpoints with a delivery
    due (called from a thread)."""

    def __init__(
        self,
        engine: Engine,
        settings: ServerSettings,
        rng: random.Random | None = None,
        count: Callable[[str], None] | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.count = count or (lambda _outcome: None)  # each attempt's outcome, for metrics
        self.owner = new_owner()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.lease = timedelta(seconds=max(60.0, 3 * settings.webhook_timeout_seconds + 30))

    def deliver_due(self) -> int:
        """Send what is due now; returns how many attempts were made."""
        due = self._due_endpoints()
        if len(due) <= 1:
            return sum(self.deliver_endpoint(e) for e in due)
        with ThreadPoolExecutor(min(PARALLEL, len(due)), "webhooks") as pool:
            return sum(pool.map(self.deliver_endpoint, due))

    def _due_endpoints(self) -> list[int]:
        now = utcnow()
        free = or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now)
        query = (
            select(WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
            .where(free)
            .distinct()
        )
        with self.engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(query).all()]

    def _lease(self, endpoint_id: int, lease: str, *, renew: bool) -> bool:
        """Take the endpoint's lease if it is free (or renew `lease`, ours); False when
        someone else holds it. Each claim is a new `lease` value, so not even two threads of
        one instance can hold it at once."""
        now = utcnow()
        free = or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now)
        held = WebhookEndpoint.lease_owner == lease if renew else free
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(WebhookEndpoint)
                .where(WebhookEndpoint.id == endpoint_id, held)
                .values(lease_owner=lease, lease_until=now + self.lease)
            )
            return affected(taken) == 1

    def _release(self, endpoint_id: int, lease: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(WebhookEndpoint)
                .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.lease_owner == lease)
                .values(lease_owner=None, lease_until=None)
            )

    def deliver_endpoint(self, endpoint_id: int) -> int:
        """The endpoint's due deliveries, oldest first, while each succeeds (or is given up)."""
        attempts = 0
        lease = f"{self.owner}:{uuid.uuid4().hex[:6]}"[:40]
        try:
            if not self._lease(endpoint_id, lease, renew=False):
                return 0  # another instance is sending to it
            renewed = utcnow()
            while attempts < PER_ROUND:
                if utcnow() - renewed > self.lease / 2:  # still over half the lease left
                    if not self._lease(endpoint_id, lease, renew=True):
                        break
                    renewed = utcnow()
                with self.engine.connect() as conn:
                    endpoint, head = _head(conn, endpoint_id)
                if endpoint is None or head is None or head.next_attempt_at > utcnow():
                    break
                outcome = self._attempt(endpoint, head)
                attempts += 1
                if not self._record(head, outcome):
                    break
        except Exception:  # the database away a moment: the next round tries again
            log.exception("delivering webhooks to endpoint %s failed", endpoint_id)
        finally:
            self._release(endpoint_id, lease)
        return attempts

    def _attempt(self, endpoint: Any, head: Any) -> Outcome:
        """The next attempt of `head`, a pending delivery row."""
        headers = attempt_headers(head.event_id, head.event_type, head.attempts + 1)
        return self.post_to(endpoint, head.body, headers)

    def post_to(self, endpoint: Any, body: str, headers: dict[str, str]) -> Outcome:
        problem = url_problem(endpoint.url, self.settings.webhook_allow_http)
        if problem is not None:  # the setting changed since it was added
            return Outcome(None, problem)
        timeout = self.settings.webhook_timeout_seconds
        return post(endpoint.url, endpoint.secret, body, headers, timeout)

    def _record(self, head: Any, outcome: Outcome) -> bool:
        """Write the attempt's outcome; True when the endpoint's next delivery may go now."""
        now = utcnow()
        values: dict[str, Any] = {
            "attempts": head.attempts + 1,
            "last_status": outcome.status,
            "last_error": outcome.error,
        }
        go_on = True
        if outcome.error is None:
            values.update(state="delivered", finished_at=now)
        elif now - head.created_at >= timedelta(hours=self.settings.webhook_retry_hours):
            values.update(state="failed", finished_at=now)
            log.warning("webhook %s gave up after %s attempts", head.event_id, head.attempts + 1)
        else:
            values["state"] = "pending"
            s = self.settings
            wait = backoff(head.attempts + 1, s.webhook_backoff_base_seconds,
                           s.webhook_backoff_max_seconds, self.rng)  # fmt: skip
            values["next_attempt_at"] = now + timedelta(seconds=wait)
            go_on = False
        unchanged = and_(
            WebhookDelivery.id == head.id,
            WebhookDelivery.state == "pending",
            WebhookDelivery.attempts == head.attempts,
        )
        with self.engine.begin() as conn:
            done = conn.execute(update(WebhookDelivery).where(unchanged).values(**values))
        self.count({"pending": "retry"}.get(values["state"], values["state"]))
        return go_on and affected(done) == 1


def _head(conn: Connection, endpoint_id: int) -> tuple[Any, Any]:
    endpoint = conn.execute(
        select(WebhookEndpoint.__table__).where(WebhookEndpoint.id == endpoint_id)
    ).first()
    head = conn.execute(
        select(WebhookDelivery.__table__)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.state == "pending")
        .order_by(WebhookDelivery.id)
        .limit(1)
    ).first()
    return endpoint, head


def sweep_log(engine: Engine, keep_days: int) -> int:
    """Delete finished deliveries older than `keep_days` (the log keeps that much)."""
    cutoff = utcnow() - timedelta(days=keep_days)
    with engine.begin() as conn:
        gone = conn.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.state != "pending", WebhookDelivery.finished_at < cutoff
            )
        )
        return affected(gone)


async def run_deliveries(
    engine: Engine, settings: ServerSettings, count: Callable[[str], None] | None = None
) -> None:
    """serve's background task: a round every `webhook_poll_seconds`; `count(outcome)` after
    each attempt."""
    deliverer = Deliverer(engine, settings, count=count)
    while True:
        try:
            await asyncio.to_thread(deliverer.deliver_due)
        except Exception:  # never stop the server; the next round retries
            log.exception("sending webhooks failed")
        await asyncio.sleep(settings.webhook_poll_seconds)


def send_test(engine: Engine, settings: ServerSettings, endpoint_id: int) -> Outcome:
    """`admin webhooks test`: one signed `webhook.test` event to the endpoint now, outside
    its queue (its order is not touched), written to its delivery log."""
    from rep_video.server.webhook_queue import TEST, encode, new_event_id
    from rep_video.server.webhook_store import endpoint_row

    endpoint = endpoint_row(engine, endpoint_id)
    event_id = new_event_id()
    body = encode({"id": event_id, "type": TEST, "created_at": utcnow().isoformat(),
                   "endpoint": endpoint_id})  # fmt: skip
    row = {"event_id": event_id, "event_type": TEST}
    headers = attempt_headers(event_id, TEST, 1)  # its first and only attempt
    outcome = Deliverer(engine, settings).post_to(endpoint, body, headers)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(WebhookDelivery).values(
                endpoint_id=endpoint_id, body=body, attempts=1, created_at=now,
                next_attempt_at=now, finished_at=now, last_status=outcome.status,
                last_error=outcome.error,
                state="delivered" if outcome.error is None else "failed", **row,
            )
        )  # fmt: skip
    return outcome
