"""GET /api/v1/events (a rep's token): Server-Sent Events of the rep's shares as they happen:
`event: view` (opened, play, progress, attachment) and `event: answer` (the physician's call
back request, materials request or reply), each with the id a client resumes from
(`Last-Event-ID`, or `?last_event_id=` where a client cannot set headers). Without one the
stream starts with what happens from now. A comment line every `events_heartbeat_seconds`
keeps proxies from closing an idle stream. Not in the OpenAPI document: a stream never ends,
which a fuzzer cannot answer; docs/API.md describes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from rep_video.server.auth import CallerDep, StateDep
from rep_video.server.live_events import deliveries, read_after
from rep_video.server.live_hub import ENDED, LiveHub
from rep_video.server.state import ServerState
from rep_video.server.view_events import current_page_content

router = APIRouter(prefix="/api/v1", tags=["live events"])
RETRY_MS = 3000  # what a browser's EventSource waits before reconnecting
_MAX_ID = 2**62


def _resume_from(request: Request) -> int | None:
    raw = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18 or int(raw) > _MAX_ID:
        raise HTTPException(400, "Last-Event-ID must be the id of an event this stream sent")
    return int(raw)


async def _backlog(
    state: ServerState, account_id: int, after: int
) -> AsyncIterator[tuple[int, str]]:
    """What happened after `after`, oldest first, in batches."""
    while True:
        rows = await run_in_threadpool(read_after, state.engine, after, account_id)
        if not rows:
            return
        analytics = (await current_page_content(state)).analytics
        for delivery in deliveries(rows, analytics):
            yield delivery.id, delivery.frame()
        after = rows[-1].id


@router.get("/events", include_in_schema=False)
async def events(request: Request, caller: CallerDep, state: StateDep) -> StreamingResponse:
    resume = _resume_from(request)
    hub: LiveHub = state.live_hub
    account = caller.account_id
    heartbeat = state.settings.events_heartbeat_seconds

    async def stream() -> AsyncIterator[str]:
        # Subscribed before the backlog is read: nothing falls between the two (ids dedupe).
        # Here, not before the response: a client gone before it started leaves no queue.
        queue = hub.subscribe(account)
        sent = hub.last if resume is None else resume
        try:
            yield f"retry: {RETRY_MS}\n: connected\n\n"
            if resume is not None:
                async for event_id, frame in _backlog(state, account, resume):
                    sent = max(sent, event_id)
                    yield frame
            while True:
                try:
                    delivery = await asyncio.wait_for(queue.get(), heartbeat)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if delivery is ENDED:
                    return  # too slow to keep up: the client resumes from its last id
                if delivery.id > sent:
                    sent = delivery.id
                    yield delivery.frame()
        finally:
            hub.unsubscribe(account, queue)

    headers = {
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",  # nginx: pass each event on at once
    }
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
