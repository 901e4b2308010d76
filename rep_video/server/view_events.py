"""What a page's view beacon may leave on the server (public.py receives it): whether the
browser opted out (Sec-GPC: 1, DNT: 1), what the policy lets pages measure (its page content,
from memory for a couple of seconds), a beacon's value checked by kind, and where it goes:
a row per share under `analytics = "identified"` (capped; one progress row per page load that
sends its random `visit` id, beacon.js: its furthest point, however often its beacons are
replayed), the rep's totals only under "aggregate" (view_totals.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from starlette.requests import Request

from rep_video.server import view_totals
from rep_video.server.catalog_store import POLICY, load_policy
from rep_video.server.db import ViewEvent
from rep_video.server.live_events import Happened, record_event
from rep_video.server.state import ServerState
from rep_video.share.page_content import PageContent, page_content

_EVENT_COUNT = (
    select(func.count()).select_from(ViewEvent).where(ViewEvent.share_id == bindparam("share_id"))
)
_KIND_COUNT = _EVENT_COUNT.where(ViewEvent.kind == bindparam("kind"))
_VISIT_PROGRESS = select(ViewEvent.id, ViewEvent.value).where(
    ViewEvent.share_id == bindparam("share_id"),
    ViewEvent.kind == "progress",
    ViewEvent.visit == bindparam("visit"),
)
_VISIT = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Event:
    """A checked beacon."""

    kind: str
    value: str | None
    visit: str | None = None  # the page load's random id


def valid_visit(visit: Any) -> bool:
    """Absent, or the 32 lowercase hex digits beacon.js sends."""
    return visit is None or (isinstance(visit, str) and _VISIT.fullmatch(visit) is not None)


def opted_out(request: Request) -> bool:
    """The browser asks not to be tracked: Global Privacy Control or Do Not Track."""
    return request.headers.get("sec-gpc", "").strip() == "1" or (
        request.headers.get("dnt", "").strip() == "1"
    )


async def current_page_content(state: ServerState) -> PageContent:
    """From memory for a couple of seconds (a push on another instance shows soon)."""
    found: PageContent | None = state.page_content_cache.get(POLICY)
    if found is not None:
        return found
    loaded, _ = await state.page_content_cache.fill(POLICY, lambda: _load_page_content(state))
    return loaded


def page_content_now(state: ServerState) -> PageContent:
    """current_page_content for a caller already on a worker thread."""
    found: PageContent | None = state.page_content_cache.get(POLICY)
    return found if found is not None else _load_page_content(state)


def _load_page_content(state: ServerState) -> PageContent:
    policy = load_policy(state.sessions)
    content = page_content(policy.model_dump(mode="json") if policy else None)
    state.page_content_cache.put(POLICY, content)
    return content


def event_value(kind: str, value: Any) -> tuple[bool, str | None]:
    """(valid, the value to keep) for a beacon of `kind` carrying `value`."""
    if kind in ("opened", "play"):
        return True, None
    if isinstance(value, bool) or value is None:
        return False, None
    text = str(value)
    if kind == "progress":
        return (text in ("25", "50", "75", "100"), text)
    return (0 < len(text) <= 200 and text.isprintable(), text)


def store_event(
    state: ServerState, share_id: str, account_id: int, event: Event, analytics: str
) -> None:
    """Keep a checked beacon as the policy's `analytics` says (never under "off") and tell
    the rep's event streams (live_events.py) of what was kept."""
    if analytics == "off":
        return
    if analytics == "aggregate":
        # Only the rep's totals: nothing kept says which share it was.
        view_totals.count(state.sessions, account_id, event.kind, event.value)
        with state.engine.begin() as conn:
            record_event(conn, Happened(account_id, None, event.kind, event.value))
        _wake(state)
        return
    # Only what happened and when: no address, no user agent, no cookie.
    with state.engine.begin() as conn:
        if not _keep_identified(state, conn, share_id, event):
            return
        record_event(conn, Happened(account_id, share_id, event.kind, event.value))
    _wake(state)


def _wake(state: ServerState) -> None:
    if state.live_hub is not None:  # None: a state no app runs (nothing streams from it)
        state.live_hub.wake()


def _keep_identified(state: ServerState, conn: Connection, share_id: str, event: Event) -> bool:
    """Store the beacon in the share's rows; False when nothing new was kept."""
    if event.kind == "progress" and event.visit is not None:
        params = {"share_id": share_id, "visit": event.visit}
        if (row := conn.execute(_VISIT_PROGRESS, params).first()) is not None:
            if int(event.value or 0) <= int(row.value or 0):
                return False  # a replay, or not further: only ever further
            change = update(ViewEvent).where(ViewEvent.id == row.id)
            conn.execute(change.values(value=event.value))
            return True
    count = conn.execute(_EVENT_COUNT, {"share_id": share_id}).scalar_one()
    if count >= state.settings.max_events_per_share:
        return False  # a script replaying beacons cannot grow the table without bound
    params = {"share_id": share_id, "kind": event.kind}
    if conn.execute(_KIND_COUNT, params).scalar_one() >= state.settings.max_events_per_kind:
        return False  # nor fill the share's quota with one kind, hiding the others
    conn.execute(
        insert(ViewEvent).values(
            share_id=share_id, kind=event.kind, value=event.value, visit=event.visit
        )
    )
    return True
