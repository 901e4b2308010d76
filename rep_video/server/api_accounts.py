"""/api/v1/admin/accounts and /api/v1/admin/tokens (admin only, 403 otherwise): who may use
the server and under which name. An admin sets each account's identity (the name, role,
e-mail and phone its pages show), disables an account (its tokens answer 401 at once; its
links keep working unless the admin revokes them too), lists and revokes API tokens. Tokens
are issued on the server's machine (`rep-video serve-token`): the only time a token is
shown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from fastapi import Path as PathParam

from rep_video.server import account_store
from rep_video.server.account_schema import (
    MAX_NAME,
    AccountChange,
    AccountIn,
    AccountOut,
    DisabledOut,
    DisableIn,
    TokenOut,
)
from rep_video.server.auth import Caller, CallerDep, StateDep
from rep_video.server.openapi_spec import responses

router = APIRouter(prefix="/api/v1/admin", tags=["accounts and tokens"])
NamePath = Annotated[str, PathParam(min_length=1, max_length=MAX_NAME)]
# The ids are the database's: a 64-bit integer at most.
TokenId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def _admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise HTTPException(403, "only an admin account may manage accounts and API tokens")


def _not_found(exc: LookupError) -> HTTPException:
    return HTTPException(404, str(exc.args[0]))


@router.get("/accounts", response_model=list[AccountOut], responses=responses(401, 403, 429))
def list_accounts(caller: CallerDep, state: StateDep) -> list[dict[str, Any]]:
    _admin(caller)
    return account_store.list_accounts(state.sessions)


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountOut,
    responses=responses(401, 403, 409, 422, 429),
)
def add_account(body: AccountIn, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Create an account (no token yet: `rep-video serve-token --name NAME` on the server)."""
    _admin(caller)
    try:
        added = account_store.add_account(state.sessions, body, caller.name)
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None
    return added


@router.patch(
    "/accounts/{name}", response_model=AccountOut, responses=responses(401, 403, 404, 422, 429)
)
def change_account(
    name: NamePath, body: AccountChange, caller: CallerDep, state: StateDep
) -> dict[str, Any]:
    """Change the identity its pages show: a field given as null is cleared, one left out
    stays. Pages already sent keep the identity they were sent with."""
    _admin(caller)
    if not body.model_fields_set:
        raise HTTPException(
            422,
            [{"loc": ["body"], "msg": "name at least one of display_name, role, email, phone, team",
              "type": "value_error"}],
        )  # fmt: skip
    try:
        changed = account_store.change_account(state.sessions, name, body, caller.name)
    except LookupError as exc:
        raise _not_found(exc) from None
    return changed


@router.post(
    "/accounts/{name}/disable",
    response_model=DisabledOut,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def disable_account(
    name: NamePath,
    caller: CallerDep,
    state: StateDep,
    body: Annotated[DisableIn | None, Body()] = None,
) -> dict[str, Any]:
    """Every token of the account answers 401 from now on; its live links keep working
    unless `revoke_shares` is true."""
    _admin(caller)
    if name == caller.name:
        raise HTTPException(409, "an admin cannot disable their own account; use another admin's")
    revoke_shares = body.revoke_shares if body else False
    try:
        account, revoked = account_store.set_disabled(
            state.sessions, name, disabled=True, by=caller.name, revoke_shares=revoke_shares
        )
    except LookupError as exc:
        raise _not_found(exc) from None
    for token in revoked:
        state.share_cache.forget(token)
    return account | {"shares_revoked": len(revoked)}


@router.post(
    "/accounts/{name}/enable", response_model=AccountOut, responses=responses(401, 403, 404, 429)
)
def enable_account(name: NamePath, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """Its tokens that are neither expired nor revoked work again."""
    _admin(caller)
    try:
        account, _ = account_store.set_disabled(
            state.sessions, name, disabled=False, by=caller.name
        )
    except LookupError as exc:
        raise _not_found(exc) from None
    return account


@router.get("/tokens", response_model=list[TokenOut], responses=responses(401, 403, 404, 422, 429))
def list_tokens(
    caller: CallerDep,
    state: StateDep,
    account: Annotated[str | None, Query(min_length=1, max_length=MAX_NAME)] = None,
) -> list[dict[str, Any]]:
    """Every API token (never the token itself: the server keeps only its hash)."""
    _admin(caller)
    try:
        return account_store.list_tokens(state.sessions, account)
    except LookupError as exc:
        raise _not_found(exc) from None


@router.post(
    "/tokens/{token_id}/revoke",
    response_model=TokenOut,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def revoke_token(token_id: TokenId, caller: CallerDep, state: StateDep) -> dict[str, Any]:
    """The token answers 401 from now on; the account's other tokens and its links stay."""
    _admin(caller)
    if token_id == caller.token_id:
        raise HTTPException(
            409, "this is the token of this request; revoke it with another admin token"
        )
    try:
        revoked = account_store.revoke_token(state.sessions, token_id, caller.name)
    except LookupError as exc:
        raise _not_found(exc) from None
    return revoked
