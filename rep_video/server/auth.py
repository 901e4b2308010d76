"""Bearer-token auth for /api/v1: the token's sha256 is looked up, never the token itself.
A token works while it is neither revoked nor expired and its account is not disabled; each
of those is a 401 whose detail says which, so the rep knows to ask the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select

from rep_video.server.db import Account, ApiToken, hash_token, utcnow
from rep_video.server.state import ServerState, client_address, failed, get_state


@dataclass(frozen=True, slots=True)
class Caller:
    account_id: int
    name: str
    is_admin: bool
    token_id: int = 0
    # The identity an admin set for the account (rep_video/server/rep_identity.py).
    display_name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _refusal(account: Account, token: ApiToken) -> str | None:
    """Why a known token no longer works, or None."""
    if token.revoked_at is not None:
        return (
            f"this API token was revoked on {token.revoked_at:%Y-%m-%d}; "
            "ask your admin for a new one"
        )
    if token.expires_at is not None and token.expires_at <= utcnow():
        return (
            f"this API token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC; "
            "ask your admin for a new one"
        )
    if account.disabled_at is not None:
        return f"the account {account.name!r} is disabled on this server; ask your admin"
    return None


def current_caller(request: Request, state: Annotated[ServerState, Depends(get_state)]) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing API token; send Authorization: Bearer <token>")
    with state.sessions() as s:
        row = s.execute(
            select(Account, ApiToken)
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
    account, api_token = row
    if (refused := _refusal(account, api_token)) is not None:
        raise _unauthorized(refused)
    return Caller(
        account.id,
        account.name,
        account.is_admin,
        token_id=api_token.id,
        display_name=account.display_name,
        role=account.role,
        email=account.email,
        phone=account.phone,
    )


CallerDep = Annotated[Caller, Depends(current_caller)]
StateDep = Annotated[ServerState, Depends(get_state)]
