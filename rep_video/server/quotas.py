"""Storage quotas, checked when files are declared (and again when an upload opens), not only
at publish: one share may not declare more than `max_share_bytes`, and one account's shares
together (every share whose files the server still holds: pending, live, expired or revoked
until the retention purge removes them) not more than `max_account_bytes`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rep_video.server.db import Account, Share
from rep_video.server.settings import ServerSettings


def quota_problem(
    s: Session, settings: ServerSettings, account_id: int, share_id: str | None, total: int
) -> str | None:
    """Why a share of `account_id` may not hold `total` declared bytes (None: it may).
    Inside the write transaction that stores the declaration: on PostgreSQL the account's row
    is locked first, so two declarations at once cannot both fit into the last free bytes."""
    if total > settings.max_share_bytes:
        return (
            f"the declared files total {total} bytes, over this server's per-share limit of "
            f"{settings.max_share_bytes} bytes (max_share_bytes); send smaller or fewer files"
        )
    s.get(Account, account_id, with_for_update=True)
    others = select(func.coalesce(func.sum(Share.declared_bytes), 0)).where(
        Share.account_id == account_id
    )
    if share_id is not None:
        others = others.where(Share.id != share_id)
    held = int(s.scalar(others) or 0)
    if held + total > settings.max_account_bytes:
        return (
            f"this account's shares would hold {held + total} bytes, over this server's "
            f"per-account limit of {settings.max_account_bytes} bytes (max_account_bytes); "
            "revoke shares no longer needed (their files go at the retention purge) or ask "
            "the administrator to raise the limit"
        )
    return None
