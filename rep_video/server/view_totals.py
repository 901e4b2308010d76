"""Viewing counted as totals: under the policy's `analytics = "aggregate"` a beacon adds one to
its rep's counters (one JSON document, `view_totals`, keyed by account) and is stored nowhere
else, so nothing on the server — no row, no API, no later switch back to "identified" — can
tell which recipient watched. `totals()` adds these counters to the per-share events stored
while the policy was "identified", over the caller's shares (an admin's: all of them)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from rep_video.server.db import ServerDocument, Share, ViewEvent, utcnow

TOTALS = "view_totals"
# What the totals count, by the beacon it comes from: (kind, value or None for any value).
COUNTED = {
    "opened": ("opened", None),
    "played": ("play", None),
    "watched_to_end": ("progress", "100"),
    "materials_opened": ("attachment", None),
}


def _counter(kind: str, value: str | None) -> str | None:
    for name, (k, v) in COUNTED.items():
        if k == kind and (v is None or v == value):
            return name
    return None


def count(sessions: sessionmaker[Session], account_id: int, kind: str, value: str | None) -> None:
    """Add one beacon to its rep's totals (nothing that names the share is kept)."""
    name = _counter(kind, value)
    if name is None:
        return  # 25/50/75 % marks: the totals count only the plays that reached the end
    for attempt in range(2):
        try:
            with sessions.begin() as s:
                # A no-op UPDATE first: it takes the row's lock (PostgreSQL) or the database's
                # write lock (SQLite, whose driver would otherwise read outside the
                # transaction), so concurrent beacons add one after another, none lost.
                s.execute(
                    update(ServerDocument).where(ServerDocument.name == TOTALS).values(name=TOTALS)
                )
                row = s.get(ServerDocument, TOTALS, with_for_update=True)
                counts = json.loads(row.body) if row is not None else {}
                mine = counts.setdefault(str(account_id), {})
                mine[name] = int(mine.get(name, 0)) + 1
                body = json.dumps(counts, sort_keys=True)
                if row is None:
                    s.add(ServerDocument(name=TOTALS, body=body, updated_at=utcnow()))
                else:
                    row.body, row.updated_at = body, utcnow()
            return
        except IntegrityError:
            if attempt:  # two first beacons at once: the other made the row; add to it
                raise


def totals(s: Session, account_id: int | None) -> dict[str, int]:
    """Totals over all shares of `account_id` (None: every account)."""
    shares = select(func.count()).select_from(Share)
    if account_id is not None:
        shares = shares.where(Share.account_id == account_id)
    out: dict[str, Any] = {"shares": int(s.scalar(shares) or 0)}
    row = s.get(ServerDocument, TOTALS)
    counted: dict[str, dict[str, int]] = json.loads(row.body) if row is not None else {}
    for name, (kind, value) in COUNTED.items():
        stored = select(func.count()).select_from(ViewEvent).join(Share)
        stored = stored.where(ViewEvent.kind == kind)
        if value is not None:
            stored = stored.where(ViewEvent.value == value)
        if account_id is not None:
            stored = stored.where(Share.account_id == account_id)
        aggregate = sum(
            int(c.get(name, 0))
            for acc, c in counted.items()
            if account_id is None or acc == str(account_id)
        )
        out[name] = int(s.scalar(stored) or 0) + aggregate
    return out
