"""Bearer-token auth for /api/v1: the token's sha256 is looked up, never the token itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select

from rep_video.server.db import Account, ApiToken, hash_token
from rep_video.server.state import ServerState, client_address, failed, get_state


@dataclass(frozen=True, slots=True)
class Caller:
    account_id: int
    name: str
    is_admin: bool


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def current_caller(request: Request, state: Annotated[ServerState, Depends(get_state)]) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing API token; send Authorization: Bearer <token>")
    with state.sessions() as s:
        row = s.execute(
            select(Account)
            .join(ApiToken, ApiToken.account_id == Account.id)
            .where(ApiToken.token_hash == hash_token(token.strip()))
        ).first()
    if row is None:
        # A valid token always works, whatever else came from the same address.
        if failed(state.api_limiter, request):
            wait = state.api_limiter.retry_after(client_address(request))
            raise HTTPException(
                429,
                "too many wrong API tokens from this address; wait a minute",
                headers={"Retry-After": str(wait)},
            )
        raise _unauthorized("unknown API token; create one with rep-video serve-token")
    account = row[0]
    return Caller(account.id, account.name, account.is_admin)


CallerDep = Annotated[Caller, Depends(current_caller)]
StateDep = Annotated[ServerState, Depends(get_state)]
