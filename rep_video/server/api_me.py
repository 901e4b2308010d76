"""GET /api/v1/account (any token): the caller's own account as the server sees it: the
identity its pages name (set by an admin, rep_video/server/rep_identity.py) and when the token
making the request expires. `rep-video targets test` shows both, so a rep learns what their
pages say and that a token runs out before it does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from rep_video.server.auth import CallerDep, StateDep
from rep_video.server.db import ApiToken
from rep_video.server.openapi_spec import responses
from rep_video.server.rep_identity import sender
from rep_video.share.manifest import Person

router = APIRouter(prefix="/api/v1", tags=["accounts and tokens"])


class PageRep(BaseModel):
    name: str
    role: str | None
    email: str | None
    phone: str | None


class MeOut(BaseModel):
    name: str
    admin: bool
    display_name: str | None
    role: str | None
    email: str | None
    phone: str | None
    # What pages name as the sender; null: the rep as the app sends it (an admin account
    # without a display name).
    page_rep: PageRep | None
    token_id: int
    token_expires_at: str | None


@router.get("/account", response_model=MeOut, responses=responses(401, 429))
def my_account(caller: CallerDep, state: StateDep) -> dict[str, Any]:
    with state.sessions() as s:
        token = s.get(ApiToken, caller.token_id)
        expires = token.expires_at if token is not None else None
    marker = Person("")  # what sender() answers when the manifest's rep is kept
    shown = sender(caller, marker)
    return {
        "name": caller.name,
        "admin": caller.is_admin,
        "display_name": caller.display_name,
        "role": caller.role,
        "email": caller.email,
        "phone": caller.phone,
        "page_rep": None
        if shown is marker
        else {"name": shown.name, "role": shown.role, "email": shown.email, "phone": shown.phone},
        "token_id": caller.token_id,
        "token_expires_at": expires.isoformat() if expires else None,
    }
