"""The outbox's SQLite store: events applied in one transaction, claims, the delivered check,
and an outbox file written by an older version opened as it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.share.outbox import machine
from rep_video.share.outbox.store import OutboxStore

OLD_SCHEMA = """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, package TEXT NOT NULL, target TEXT NOT NULL,
    reservation TEXT, share_id TEXT, token TEXT, link TEXT,
    state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, next_retry_at REAL NOT NULL DEFAULT 0, lease_owner TEXT,
    lease_until REAL, bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
INSERT INTO entries (package, target, state, created_at, updated_at, last_error)
    VALUES ('/old/pkg', 'acme', 'queued', 1.0, 1.0, 'offline');
"""


def test_an_older_outbox_file_gains_the_new_column(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(OLD_SCHEMA)
    store = OutboxStore(db)
    (old,) = store.list()
    assert (old.package, old.last_error, old.error_kind) == (Path("/old/pkg"), "offline", None)
    failed = store.apply(old.id, machine.Refused("bad token", "refused"))
    assert store.get(old.id) == failed and failed.error_kind == "refused"
    OutboxStore(db)  # opening again changes nothing


def test_events_are_applied_and_persisted(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "o.sqlite3")
    added = store.add(tmp_path / "pkg", "acme", 123, "me")
    assert added.state == "queued" and added.lease_owner == "me" and added.bytes_total == 123
    claimed = store.claim("me", only=None, due=True, skip=set())
    assert claimed is not None and claimed.state == "uploading"
    assert store.claim("other", only=None, due=True, skip=set()) is None  # leased, alive
    store.apply(added.id, machine.Interrupted("no route", "unreachable"))
    again = store.get(added.id)
    assert again.attempts == 1 and again.error_kind == "unreachable"
    assert store.claim("me", only=None, due=True, skip=set()) is None  # not due yet
    assert store.claim("me", only=added.id, due=False, skip={added.id}) is None  # skipped
    assert store.claim("me", only=added.id, due=False, skip=set()) is not None
    assert [e.id for e in store.list(("uploading",))] == [added.id]
    with pytest.raises(UserError, match="No outbox entry 99"):
        store.apply(99, machine.Retried())


def test_find_by_link_token_share_id_or_number(tmp_path: Path) -> None:
    from rep_video.share.targets.base import Reservation

    store = OutboxStore(tmp_path / "o.sqlite3")
    first = store.add(tmp_path / "pkg", "acme", 1, "me")
    second = store.add(tmp_path / "pkg", "acme", 1, "me")
    link = "https://share.example/s/abc_def"
    for entry in (first, second):
        store.apply(entry.id, machine.Reserved(Reservation("acme", "id9", "abc_def", link)))
    store.apply(first.id, machine.Delivered())
    # The delivered one first, though the other is newer; "_" is not a LIKE wildcard.
    for key in (link, "id9", "abc_def", "s/abc_def"):
        found = store.find(key)
        assert found is not None and found.id == first.id, key
    assert store.find("abcXdef") is None
    assert store.find(str(second.id)) == store.get(second.id)


def test_the_package_is_released_only_when_every_entry_is_done(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "o.sqlite3")
    package = tmp_path / "pkg"
    a = store.add(package, "a", 1, "me")
    b = store.add(package, "b", 1, "me")
    calls: list[str] = []
    store.apply(a.id, machine.Delivered())
    assert store.when_package_delivered(package, lambda: calls.append("freed")) is None
    store.apply(b.id, machine.Delivered())
    store.when_package_delivered(package, lambda: calls.append("freed"))
    assert calls == ["freed"]


def test_the_sql_lives_in_the_store_only() -> None:
    """Every SQL statement on the outbox's table is in store.py (a grep over the core)."""
    root = Path(__file__).resolve().parents[3] / "rep_video"
    users = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "FROM entries" in p.read_text(encoding="utf-8")
        or "UPDATE entries" in p.read_text(encoding="utf-8")
    )
    assert users == ["share/outbox/store.py"]
