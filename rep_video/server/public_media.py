"""A share page's media without login: the video, poster and attachments, with HTTP Range,
ETag and a long cache (or handed to nginx's internal location).

Every player opens with a `Range: bytes=0-1` probe and then asks for ranges, so the answer
for a share already in memory costs no database round trip and no worker thread: the share
(public.py's one-second cache), what a name serves (`media_cache`, one second too) and, on a
local blob store, a small range read in place (a read of the page cache is microseconds; a
thread hop is tens of them). S3 reads and long bodies still go to a worker thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import bindparam, func, select

from rep_video.server.catalog_store import catalog_blob_key
from rep_video.server.db import Upload
from rep_video.server.headers import COMMON, FILE_CSP
from rep_video.server.names import is_part, is_valid_name
from rep_video.server.openapi_spec import responses
from rep_video.server.public import (
    PublicShare,
    looked_up,
    plain_refusal,
    plain_text,
    share_manifest,
    withdrawn_now,
)
from rep_video.server.publish import blob_key
from rep_video.server.ranges import Unsatisfiable, parse_range
from rep_video.server.shares import effective_state
from rep_video.server.state import ServerState, hot_path_state
from rep_video.share.media_types import content_disposition, delivery

router = APIRouter(tags=["share pages (public, no login)"])
_MEDIA_HEADERS = {
    "parameters": [
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in ("Range", "If-Range", "If-None-Match")
    ]
}
MEDIA_CACHE = "public, max-age=31536000, immutable"
SMALL_BODY = 2 * 1024 * 1024  # read whole rather than streamed block by block
INLINE_READ = 64 * 1024  # read on the event loop, from a local blob store


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    length: int
    sha256: str | None
    key: str = ""  # the blob; "" = the share's own upload of that name
    path: Path | None = None  # the blob's file on a local store (found once, off the loop)


# The blob is another share's when the file is shared (server/shared_blobs.py).
_STORED_FILE = select(
    Upload.id, Upload.length, Upload.sha256, func.coalesce(Upload.blob, "")
).where(
    Upload.share_id == bindparam("share_id"),
    Upload.name == bindparam("name"),
    Upload.complete.is_(True),
)


def _media_target(
    state: ServerState, share: PublicShare, name: str
) -> tuple[StoredFile | None, int | None]:
    """(upload, None) to serve, or (None, status)."""
    if not is_valid_name(name) or is_part(name):
        return None, 404  # parts: what a compose step read, never the page's
    if name.startswith("files/"):
        base = name[len("files/") :]
        for a in share_manifest(share).attachments:
            if a.file_name != base:
                continue
            if a.expires_on is not None and a.expires_on < date.today():
                return None, 410  # the approval ran out since sending
            if a.id in withdrawn_now(state):
                return None, 410  # the admin withdrew it since sending
            if (
                a.sha256
                and (size := state.blobs.size(key := catalog_blob_key(a.sha256))) is not None
            ):
                # Served from the server's catalog, whatever the client uploaded.
                path = state.blobs.local_path(key)
                return StoredFile(a.sha256, size, a.sha256, key, path), None
    with state.engine.connect() as conn:
        row = conn.execute(_STORED_FILE, {"share_id": share.id, "name": name}).first()
    if row is None:
        return None, 404
    found = StoredFile(*row)
    return replace(found, path=state.blobs.local_path(found.key or blob_key(share.id, name))), None


async def _target(
    state: ServerState, share: PublicShare, name: str
) -> tuple[StoredFile | None, int | None]:
    # Only what was found is kept: a file may still arrive after publish (the email GIF
    # follows it: api_preview.py, which forgets the entry when it stores one). Withdrawals
    # and approval dates reach media within this second plus the withdrawn list's own few.
    key = media_key(share.id, name)
    found: tuple[StoredFile | None, int | None] | None = state.media_cache.get(key)
    if found is not None:
        return found
    loaded, _ = await state.media_cache.fill(key, lambda: _kept_target(state, share, name))
    return loaded


def _kept_target(
    state: ServerState, share: PublicShare, name: str
) -> tuple[StoredFile | None, int | None]:
    found = _media_target(state, share, name)
    if found[0] is not None:
        state.media_cache.put(media_key(share.id, name), found)
    return found


def media_key(share_id: str, name: str) -> str:
    """A share's file in `state.media_cache`."""
    return f"{share_id}\n{name}"  # a name holds no newline (names.py)


def _read_small(path: Path, start: int, end: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, end - start + 1, start)
    finally:
        os.close(fd)


async def _body(state: ServerState, stored: StoredFile, key: str, start: int, end: int) -> bytes:
    if stored.path is not None and end - start + 1 <= INLINE_READ:
        return _read_small(stored.path, start, end)
    # Players mostly ask for ranges: read them whole on one worker thread rather than
    # paying a thread hop per block of a streamed body.
    return await run_in_threadpool(lambda: b"".join(state.blobs.read_range(key, start, end)))


# GET and HEAD of a media file: one handler, one description of what it answers.
_MEDIA_PATH = "/s/{token}/media/{name:path}"
_MEDIA_ROUTE: dict[str, Any] = {
    "response_class": Response,
    "responses": responses(206, 304, 404, 410, 416, 429, text=True),
    "openapi_extra": _MEDIA_HEADERS,
}


@router.get(_MEDIA_PATH, operation_id="media_get", **_MEDIA_ROUTE)
@router.head(_MEDIA_PATH, operation_id="media_head", **_MEDIA_ROUTE)
async def media(token: str, name: str, request: Request) -> Response:
    state = hot_path_state(request)
    found = await looked_up(state, request, token)
    if isinstance(found, Response):
        return plain_refusal(found)
    current = effective_state(found)
    if current in ("expired", "revoked"):
        return plain_text(410, "no longer available")
    if current != "live":
        return plain_text(404)
    upload, status = await _target(state, found, name)
    if upload is None:
        return plain_text(status or 404)
    ctype, _how = delivery(name)
    headers = {**COMMON, "Content-Security-Policy": FILE_CSP, "Cache-Control": MEDIA_CACHE,
               "Content-Type": ctype}  # fmt: skip
    if name.startswith("files/"):
        headers["Content-Disposition"] = content_disposition(name)
    key = upload.key or blob_key(found.id, name)
    if prefix := state.accel_prefix:
        return _accel_redirect(prefix, key, headers)
    size = upload.length
    etag = f'"{(upload.sha256 or upload.id)[:32]}"'
    headers.update({"ETag": etag, "Accept-Ranges": "bytes"})
    inm = request.headers.get("if-none-match")
    if inm and (inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]):
        return Response(status_code=304, headers=headers)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range and if_range.strip() != etag:
        range_header = None  # the client's copy is stale: send everything
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        return Response(status_code=416, headers={**COMMON, "Content-Range": f"bytes */{size}"})
    if wanted is None:
        status, start, end = 200, 0, size - 1
    else:
        status, start, end = 206, wanted.start, wanted.end
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(max(0, end - start + 1))
    if request.method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers)
    if end - start + 1 <= SMALL_BODY:
        body = await _body(state, upload, key, start, end)
        return Response(body, status_code=status, headers=headers)
    return StreamingResponse(
        state.blobs.read_range(key, start, end), status_code=status, headers=headers
    )


def _accel_redirect(prefix: str, key: str, headers: dict[str, str]) -> Response:
    """Hand the checked request to nginx's internal location: nginx sends the file with
    sendfile and answers Range, If-Range, If-None-Match and HEAD itself (with its own ETag).
    On the redirect nginx keeps this answer's Content-Type, Content-Disposition and
    Cache-Control; the location repeats the security headers."""
    # Quoted: file names may hold spaces and parentheses; nginx decodes the URI before
    # mapping it to a file, and a "?" would otherwise start a query string.
    headers = {**headers, "X-Accel-Redirect": prefix + quote(key, safe="/")}
    return Response(status_code=200, headers=headers)
