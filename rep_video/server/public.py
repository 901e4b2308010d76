"""What phones see, without login: the share page, its media (HTTP Range, ETag, long cache)
and the view-event beacon. Unknown tokens count towards the per-address rate limit."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import bindparam, select
from starlette.requests import ClientDisconnect

from rep_video.resources import resource_path
from rep_video.server import json_body, pages
from rep_video.server.auth import StateDep
from rep_video.server.catalog_store import (
    CATALOG,
    withdrawn_ids,
)
from rep_video.server.db import PurgedShare, Share, hash_token
from rep_video.server.headers import COMMON, Prebuilt, page_headers, prebuilt
from rep_video.server.numbers import capped_count
from rep_video.server.openapi_spec import responses
from rep_video.server.shares import EVENT_KINDS, effective_state
from rep_video.server.state import ServerState, client_address, failed, hot_path_state
from rep_video.server.view_events import (
    Event,
    current_page_content,
    event_value,
    opted_out,
    page_content_now,
    store_event,
    valid_visit,
)
from rep_video.share.manifest import ShareManifest
from rep_video.share.page_content import PageContent
from rep_video.share.tokens import looks_like_token

router = APIRouter(tags=["share pages (public, no login)"])


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=page_headers())


def plain_text(status: int, text: str = "") -> Response:
    return Response(text, status_code=status, media_type="text/plain", headers=dict(COMMON))


def plain_refusal(page: Response) -> Response:
    """The refusal a look-up gave as a page (404, 429), for media and events."""
    plain = plain_text(page.status_code)
    if wait := page.headers.get("retry-after"):
        plain.headers["Retry-After"] = wait
    return plain


@dataclass(frozen=True, slots=True)
class PublicShare:
    """What the public pages need of a share row."""

    id: str
    token: str
    state: str
    expires_at: datetime | None
    manifest_json: str
    account_id: int


# Core statements, not ORM sessions: these run on every page view and media range, and the
# ORM's per-query overhead was most of the page's cost (docs/PERFORMANCE.md).
_SHARE_BY_TOKEN = select(
    Share.id, Share.token, Share.state, Share.expires_at, Share.manifest_json, Share.account_id
).where(Share.token == bindparam("token"))
_PURGED = select(PurgedShare.token_hash).where(PurgedShare.token_hash == bindparam("token_hash"))


def _attachment_names(share: PublicShare) -> set[str]:
    """What the page's links carry in data-attachment (share/page.py): the file's name, or a
    link's item id. An attachment event naming anything else did not come from the page."""
    return {a.file_name or a.id for a in share_manifest(share).attachments}


def lookup_share(state: ServerState, request: Request, token: str) -> PublicShare | Response:
    """The share, or the response to give: 410 for a share the retention purge deleted, 404,
    or 429 when this client failed too often (a valid link is served whatever came before it
    from the same address)."""
    row = purged = None
    if looks_like_token(token):
        with state.engine.connect() as conn:
            row = conn.execute(_SHARE_BY_TOKEN, {"token": token}).first()
            if row is None:
                purged = conn.execute(_PURGED, {"token_hash": hash_token(token)}).first()
    if purged is not None:  # a real link, not a guess: no failure counted
        language = request.headers.get("accept-language")
        return _html(pages.purged_page(language, page_content_now(state)), 410)
    if row is None:
        if failed(state.page_limiter, request):
            wait = state.page_limiter.retry_after(client_address(request))
            response = _html(pages.not_found_page(request.headers.get("accept-language")), 429)
            response.headers["Retry-After"] = str(wait)
            return response
        return _html(pages.not_found_page(request.headers.get("accept-language")), 404)
    share = PublicShare(*row)
    state.share_cache.put(token, share)
    return share


async def looked_up(state: ServerState, request: Request, token: str) -> PublicShare | Response:
    """From memory when it is there (no thread), else lookup_share on a worker thread, one at
    a time per token (TTLCache.fill). A refusal counts against its own client's limit: a
    request that waited for another's asks itself."""
    if (cached := cached_share(state, token)) is not None:
        return cached
    found, shared = await state.share_cache.fill(token, lambda: lookup_share(state, request, token))
    if shared and isinstance(found, Response):
        found = await run_in_threadpool(lookup_share, state, request, token)
    return found


def cached_share(state: ServerState, token: str) -> PublicShare | None:
    """From memory without a query or a thread, or None (look it up)."""
    found: PublicShare | None = state.share_cache.get(token)
    return found


def share_manifest(share: PublicShare) -> ShareManifest:
    return _parsed(share.manifest_json)


@functools.lru_cache(maxsize=1024)
def _parsed(manifest_json: str) -> ShareManifest:
    # A manifest is immutable (frozen dataclasses) and the same text comes with every view
    # and media range of a share: parse it once.
    return ShareManifest.from_json(manifest_json)


@functools.cache
def _favicon() -> bytes:
    return resource_path("icons", "app.svg").read_bytes()


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    # Desktop browsers ask every origin for it; without one their console logs a 404 error.
    # SVG under the conventional name: browsers go by the Content-Type, not the extension.
    headers = {**COMMON, "Cache-Control": "public, max-age=604800"}
    return Response(_favicon(), media_type="image/svg+xml", headers=headers)


@router.get(
    "/s/{token}", response_class=HTMLResponse, responses=responses(404, 410, 429, text=True)
)
async def share_page(token: str, request: Request) -> Response:
    state = hot_path_state(request)
    found = await looked_up(state, request, token)
    if isinstance(found, Response):
        return found
    current = effective_state(found)
    content = await current_page_content(state)
    if current in ("expired", "revoked"):
        return _html(pages.gone_page(share_manifest(found), current, content), 410)
    if current == "pending":
        return _html(pages.pending_page(share_manifest(found), content))
    gone = _withdrawn_of(found, await _withdrawn_filled(state))
    refresh = state.settings.page_refresh_seconds
    return Prebuilt(_live_page(
        found.manifest_json, found.token, date.today(), gone, refresh, content,
        opted_out(request),
    ))  # fmt: skip


@functools.lru_cache(maxsize=512)
def _live_page(
    manifest_json: str, token: str, today: date, withdrawn: frozenset[str], refresh: int,
    content: PageContent, no_beacon: bool,
) -> tuple[bytes, tuple[tuple[bytes, bytes], ...]]:  # fmt: skip
    # The live page depends only on the manifest, the token, the day (attachment approval
    # dates), which of its items were withdrawn, the policy's page content and whether the
    # browser opted out; the share's state is checked on every request before this cache.
    manifest = ShareManifest.from_json(manifest_json)
    html = pages.share_page(manifest, token, today, withdrawn, refresh, content, no_beacon)
    return prebuilt(_html(html))  # the encoded page and its header lines, once


def withdrawn_now(state: ServerState) -> frozenset[str]:
    """The ids of the catalog's withdrawn items, from memory for a couple of seconds."""
    cached = state.withdrawn_cache.get(CATALOG)
    if cached is None:
        cached = withdrawn_ids(state.sessions)
        state.withdrawn_cache.put(CATALOG, cached)
    return cached


async def _withdrawn_filled(state: ServerState) -> frozenset[str]:
    """withdrawn_now without a thread when it is in memory; its query on a worker thread."""
    if (cached := state.withdrawn_cache.get(CATALOG)) is not None:
        return cached
    withdrawn, _ = await state.withdrawn_cache.fill(CATALOG, lambda: withdrawn_now(state))
    return withdrawn


def _withdrawn_here(state: ServerState, share: PublicShare) -> frozenset[str]:
    return _withdrawn_of(share, withdrawn_now(state))


def _withdrawn_of(share: PublicShare, withdrawn: frozenset[str]) -> frozenset[str]:
    if not withdrawn:
        return frozenset()
    return frozenset(a.id for a in share_manifest(share).attachments if a.id in withdrawn)


@router.get("/s/{token}/materials", responses=responses(404, 410, 429))
def materials(token: str, request: Request, state: StateDep) -> Response:
    """What the open page asks now and then: which of its materials are no longer available
    (withdrawn or out of date), by the name the page gives them."""
    found: PublicShare | Response | None = cached_share(state, token)
    if found is None:
        found = lookup_share(state, request, token)
    if isinstance(found, Response):
        return plain_refusal(found)
    if effective_state(found) != "live":
        return plain_text(410 if effective_state(found) in ("expired", "revoked") else 404)
    gone = _withdrawn_here(state, found)
    today = date.today()
    names = [
        a.file_name or a.id
        for a in share_manifest(found).attachments
        if a.id in gone or (a.expires_on is not None and a.expires_on < today)
    ]
    headers = {**COMMON, "Cache-Control": "no-store"}
    return Response(json.dumps({"unavailable": names}), media_type="application/json",
                    headers=headers)  # fmt: skip


@router.post(
    "/s/{token}/events",
    status_code=204,
    responses=responses(204, 400, 404, 410, 413, 422, 429, text=True),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}
        }
    },
)
async def view_event(token: str, request: Request, state: StateDep) -> Response:
    limit = state.settings.max_event_bytes
    declared = capped_count(request.headers.get("content-length", ""))
    if declared is not None and declared > limit:
        return plain_text(413, "event too large")
    body = b""
    try:
        async for block in request.stream():
            body += block
            if len(body) > limit:
                return plain_text(413, "event too large")
    except ClientDisconnect:
        return plain_text(400, "incomplete body")
    found = await run_in_threadpool(lookup_share, state, request, token)
    if isinstance(found, Response):
        return plain_refusal(found)
    if effective_state(found) != "live":
        return plain_text(410 if effective_state(found) in ("expired", "revoked") else 404)
    content = await current_page_content(state)
    if opted_out(request) or content.analytics == "off":
        # Not measured: accepted like any beacon (the page cannot tell), and not stored.
        return Response(status_code=204, headers=dict(COMMON))
    try:
        data = json_body.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # 1,024 "[" recurse too deep
        return plain_text(400, "body must be JSON")
    if not isinstance(data, dict) or data.get("kind") not in EVENT_KINDS:
        return plain_text(422, f"kind must be one of {', '.join(EVENT_KINDS)}")
    ok, value = event_value(data["kind"], data.get("value"))
    if ok and data["kind"] == "attachment":
        ok = value in _attachment_names(found)
    if not ok:
        return plain_text(422, f"invalid value for {data['kind']}")
    if not valid_visit(data.get("visit")):
        return plain_text(422, "visit must be 32 hexadecimal digits")
    event = Event(data["kind"], value, data.get("visit"))
    await run_in_threadpool(
        store_event, state, found.id, found.account_id, event, content.analytics
    )
    return Response(status_code=204, headers=dict(COMMON))
