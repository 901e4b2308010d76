"""/api/v1/admin/catalog and /api/v1/admin/policy: an admin publishes the content catalog
(each file first, by its sha256, then the items) and the policy; /api/v1/catalog and
/api/v1/policy: any account reads them (the desktop app's content picker, `content list`).

Files are stored content-addressed (`catalog/<sha256>`) in the server's blob store or bucket:
the server hashes what arrives and refuses a body whose sha256 is not the one in its URL, and
refuses a catalog naming a file it does not hold with that size."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from starlette.requests import ClientDisconnect

from rep_video.server.auth import Caller, CallerDep, StateDep
from rep_video.server.catalog_schema import CatalogIn, PolicyIn, WithdrawIn
from rep_video.server.catalog_store import (
    CATALOG,
    POLICY,
    catalog_blob_key,
    catalog_json,
    load_policy,
    read_document,
    save_catalog,
    save_policy,
    withdraw_item,
)
from rep_video.server.numbers import capped_count
from rep_video.server.openapi_spec import responses
from rep_video.server.state import ServerState

router = APIRouter(prefix="/api/v1", tags=["catalog and policy"])
_SHA = PathParam(pattern=r"^[0-9a-f]{64}$")


def _admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise HTTPException(403, "only an admin account may change the catalog or the policy")


def _catalog_answer(state: ServerState) -> dict[str, Any]:
    pushed = read_document(state.sessions, CATALOG)
    if pushed is None:
        raise HTTPException(404, "no catalog on this server yet; an admin pushes one")
    catalog = CatalogIn.model_validate_json(pushed.body)
    return catalog_json(catalog, pushed, date.today(), load_policy(state.sessions))


@router.put(
    "/admin/catalog/files/{sha256}",
    responses=responses(401, 403, 400, 413, 422, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def put_catalog_file(
    request: Request, caller: CallerDep, state: StateDep, sha256: str = _SHA
) -> dict[str, Any]:
    """Store one catalog file under its sha256 (the body must hash to it)."""
    _admin(caller)
    limit = state.settings.max_upload_bytes
    declared = capped_count(request.headers.get("content-length", ""))
    if declared is not None and declared > limit:
        raise HTTPException(413, f"the file is over the {limit}-byte limit")
    tmp_dir = state.settings.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
    path = Path(name)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for block in request.stream():
                size += len(block)
                if size > limit:
                    raise HTTPException(413, f"the file is over the {limit}-byte limit")
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != sha256:
            raise HTTPException(
                422, f"the body's sha256 is {digest.hexdigest()}, not {sha256} as declared"
            )
        staging = "catalog-" + uuid.uuid4().hex
        state.blobs.write_at(staging, 0, path)
        state.blobs.finish(staging, catalog_blob_key(sha256))
    except ClientDisconnect:
        raise HTTPException(400, "incomplete body") from None
    finally:
        path.unlink(missing_ok=True)
    return {"sha256": sha256, "size": size}


@router.put("/admin/catalog", responses=responses(401, 403, 422, 429))
def put_catalog(body: CatalogIn, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Replace the catalog. Every file item's file must be on the server already, with its
    size; items the stored catalog had and this one drops stay, withdrawn."""
    _admin(caller)
    for i, item in enumerate(body.items):
        if item.sha256 is None:
            continue
        stored = state.blobs.size(catalog_blob_key(item.sha256))
        if stored != item.size:
            problem = "is not on the server" if stored is None else f"has {stored} bytes"
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "items", i, "sha256"],
                        "msg": f"item '{item.id}': the file with sha256 {item.sha256} {problem}; "
                        "upload it first (PUT /api/v1/admin/catalog/files/{sha256})",
                        "type": "value_error",
                    }
                ],
            )
    save_catalog(state.sessions, body, caller.name)  # audited: catalog pushed, withdrawals
    state.catalog_changed()
    return _catalog_answer(state)


@router.get("/catalog", responses=responses(401, 404, 429))
def get_catalog(caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """The server's catalog, each item with whether it may be attached today."""
    return _catalog_answer(state)


@router.post(
    "/admin/catalog/items/{item_id}/withdraw", responses=responses(401, 403, 404, 422, 429)
)
def withdraw(item_id: str, body: WithdrawIn, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Withdraw one item: live pages show it as no longer available, its file answers 410."""
    _admin(caller)
    item = withdraw_item(state.sessions, item_id, body.reason, caller.name)
    state.catalog_changed()
    return item.model_dump(mode="json")


@router.put("/admin/policy", responses=responses(401, 403, 422, 429))
def put_policy(body: PolicyIn, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    _admin(caller)
    save_policy(state.sessions, body, caller.name)
    state.page_content_cache.forget(POLICY)
    return body.model_dump(mode="json")


@router.get("/policy", responses=responses(401, 404, 429))
def get_policy(caller: CallerDep, state: StateDep) -> dict[str, Any]:
    pushed = read_document(state.sessions, POLICY)
    if pushed is None:
        raise HTTPException(404, "no policy on this server yet; an admin pushes one")
    return PolicyIn.model_validate_json(pushed.body).model_dump(mode="json") | {
        "pushed_at": pushed.updated_at.isoformat()
    }
