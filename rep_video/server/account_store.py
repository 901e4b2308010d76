"""Accounts and their API tokens as an admin manages them: add, change the identity, disable
(every token stops at once; the links stay unless asked), list, revoke one token. Each
function is one transaction and answers the row as the API shows it; LookupError for an
unknown account or token, ValueError for a change that is refused (its message says why).
Each change is recorded in the audit log, as done `by` the admin, in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rep_video.server.account_schema import AccountChange, AccountIn
from rep_video.server.audit_log import append_audit
from rep_video.server.db import Account, ApiToken, Share, utcnow
from rep_video.server.webhook_queue import REVOKED, share_changed

# What an admin sets on an account: the identity pages show, and the team (reports only).
IDENTITY_FIELDS = ("display_name", "role", "email", "phone", "team")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def token_state(token: ApiToken, account: Account, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    if account.disabled_at is not None:
        return "disabled"
    return "active"


def _account_json(s: Session, account: Account) -> dict[str, Any]:
    now = utcnow()
    tokens = s.scalars(select(ApiToken).where(ApiToken.account_id == account.id)).all()
    return {
        "name": account.name,
        **{field: getattr(account, field) for field in IDENTITY_FIELDS},
        "admin": account.is_admin,
        "disabled": account.disabled_at is not None,
        "disabled_at": _iso(account.disabled_at),
        "created_at": account.created_at.isoformat(),
        "active_tokens": sum(token_state(t, account, now) == "active" for t in tokens),
    }


def _token_json(token: ApiToken, account: Account, now: datetime) -> dict[str, Any]:
    return {
        "id": token.id,
        "account": account.name,
        "created_at": token.created_at.isoformat(),
        "expires_at": _iso(token.expires_at),
        "revoked_at": _iso(token.revoked_at),
        "state": token_state(token, account, now),
    }


def _named(s: Session, name: str) -> Account:
    account = s.scalars(select(Account).where(Account.name == name)).first()
    if account is None:
        raise LookupError(f"no account named {name!r}; see rep-video admin accounts list")
    return account


def list_accounts(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    with sessions() as s:
        return [_account_json(s, a) for a in s.scalars(select(Account).order_by(Account.name))]


def add_account(sessions: sessionmaker[Session], new: AccountIn, by: str) -> dict[str, Any]:
    exists = f"an account named {new.name!r} exists already; change it with set"
    try:
        with sessions.begin() as s:
            if s.scalar(select(func.count()).where(Account.name == new.name)):
                raise ValueError(exists)
            account = Account(
                name=new.name,
                is_admin=new.admin,
                **{field: getattr(new, field) for field in IDENTITY_FIELDS},
            )
            s.add(account)
            s.flush()
            append_audit(s, actor=by, action="account added", detail=new.model_dump(mode="json"))
            return _account_json(s, account)
    except IntegrityError:  # added at the same moment by another request
        raise ValueError(exists) from None


def change_account(
    sessions: sessionmaker[Session], name: str, change: AccountChange, by: str
) -> dict[str, Any]:
    with sessions.begin() as s:
        account = _named(s, name)
        for field in change.model_fields_set:  # given as null: cleared
            setattr(account, field, getattr(change, field))
        fields = change.model_dump(mode="json", include=change.model_fields_set)
        append_audit(s, actor=by, action="account changed", detail={"account": name} | fields)
        return _account_json(s, account)


def set_disabled(
    sessions: sessionmaker[Session],
    name: str,
    *,
    disabled: bool,
    by: str,
    revoke_shares: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """(the account, the share tokens revoked with it)."""
    with sessions.begin() as s:
        account = _named(s, name)
        if disabled and account.disabled_at is None:
            account.disabled_at = utcnow()
        elif not disabled:
            account.disabled_at = None
        shares: list[Share] = []
        if disabled and revoke_shares:
            live = Share.account_id == account.id, Share.state != "revoked"
            shares = list(s.scalars(select(Share).where(*live).with_for_update()))
            # revoked_at: the retention purge counts from it, as for a revoke by hand.
            s.execute(
                update(Share)
                .where(Share.id.in_([sh.id for sh in shares]))
                .values(state="revoked", revoked_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        action = "account disabled" if disabled else "account enabled"
        detail: dict[str, Any] = {"account": name}
        if disabled:
            detail["shares_revoked"] = len(shares)
        append_audit(s, actor=by, action=action, detail=detail)
        for share in shares:  # each link the disabling ended is a revoke of its own
            append_audit(
                s, actor=by, action="revoke", about=share,
                detail={"was": share.state, "with_account": name},
            )  # fmt: skip
            share_changed(s, REVOKED, share)
        return _account_json(s, account), [sh.token for sh in shares]


def list_tokens(sessions: sessionmaker[Session], name: str | None) -> list[dict[str, Any]]:
    with sessions() as s:
        query = select(ApiToken, Account).join(Account, ApiToken.account_id == Account.id)
        if name is not None:
            query = query.where(ApiToken.account_id == _named(s, name).id)
        now = utcnow()
        rows = s.execute(query.order_by(ApiToken.id)).all()
        return [_token_json(t, a, now) for t, a in rows]


def revoke_token(sessions: sessionmaker[Session], token_id: int, by: str) -> dict[str, Any]:
    """Revoke token `token_id` (again: unchanged, it keeps its first revocation time)."""
    with sessions.begin() as s:
        row = s.execute(
            select(ApiToken, Account)
            .join(Account, ApiToken.account_id == Account.id)
            .where(ApiToken.id == token_id)
        ).first()
        if row is None:
            raise LookupError(f"no API token with id {token_id}; see rep-video admin tokens list")
        token, account = row
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            append_audit(
                s, actor=by, action="token revoked",
                detail={"account": account.name, "token_id": token.id},
            )  # fmt: skip
        return _token_json(token, account, utcnow())
