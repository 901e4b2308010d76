"""What a page's view beacon may leave on the server (public.py receives it): whether the
browser opted out (Sec-GPC: 1, DNT: 1), what the policy lets pages measure (its page content,
from memory for a couple of seconds), a beacon's value checked by kind, and where it goes:
a row per share under `analytics = "identified"` (capped), the rep's totals only under
"aggregate" (view_totals.py)."""

from __future__ import annotations

from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import bindparam, func, insert, select
from starlette.requests import Request

from rep_video.server import view_totals
from rep_video.server.catalog_store import POLICY, load_policy
from rep_video.server.db import ViewEvent
from rep_video.server.state import ServerState
from rep_video.share.page_content import PageContent, page_content

_EVENT_COUNT = (
    select(func.count()).select_from(ViewEvent).where(ViewEvent.share_id == bindparam("share_id"))
)
_KIND_COUNT = _EVENT_COUNT.where(ViewEvent.kind == bindparam("kind"))


def opted_out(request: Request) -> bool:
    """The browser asks not to be tracked: Global Privacy Control or Do Not Track."""
    return request.headers.get("sec-gpc", "").strip() == "1" or (
        request.headers.get("dnt", "").strip() == "1"
    )


async def current_page_content(state: ServerState) -> PageContent:
    """From memory for a couple of seconds (a push on another instance shows soon)."""
    found: PageContent | None = state.page_content_cache.get(POLICY)
    return found if found is not None else await run_in_threadpool(_load_page_content, state)


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
    state: ServerState, share_id: str, account_id: int, kind: str, value: str | None,
    analytics: str,
) -> None:  # fmt: skip
    """Keep a checked beacon as the policy's `analytics` says (never under "off")."""
    if analytics == "off":
        return
    if analytics == "aggregate":
        # Only the rep's totals: nothing kept says which share it was.
        view_totals.count(state.sessions, account_id, kind, value)
        return
    # Only what happened and when: no address, no user agent, no cookie.
    with state.engine.begin() as conn:
        count = conn.execute(_EVENT_COUNT, {"share_id": share_id}).scalar_one()
        if count >= state.settings.max_events_per_share:
            return  # a script replaying beacons cannot grow the table without bound
        params = {"share_id": share_id, "kind": kind}
        if conn.execute(_KIND_COUNT, params).scalar_one() >= state.settings.max_events_per_kind:
            return  # nor fill the share's quota with one kind, hiding the others
        conn.execute(insert(ViewEvent).values(share_id=share_id, kind=kind, value=value))
