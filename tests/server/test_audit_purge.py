"""`retention.audit_days`: the retention purge deletes the audit records sealed before it (and
nothing newer), seals an 'audit purge' record stating the last purged record's number and
hash and how many went, and `admin audit verify` starts the chain there; deleting records any
other way, moving the checkpoint or deleting it, still shows. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import text

from rep_video.audit import chain
from rep_video.server import audit_log
from rep_video.server.audit_log import read_records, verify_log
from rep_video.server.audit_purge import purge_audit
from rep_video.server.catalog_schema import PolicyIn
from rep_video.server.catalog_store import save_policy
from rep_video.server.db import session_factory
from tests.server import test_audit_log
from tests.server.test_audit_log import Database, fill
from tests.support.cli_in_process import rep_video

database = test_audit_log.database  # the fixture: a migrated SQLite, then PostgreSQL, database
TWO_YEARS_AGO = datetime.now(UTC) - timedelta(days=730)


def _sealed_at(when: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records appended from now on read as sealed at `when` (the clock of two years ago)."""
    monkeypatch.setattr(audit_log, "seal", partial(chain.seal, at=chain.timestamp(when)))


def _bodies(db: Database) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in read_records(db.engine)]


def test_admin_purge_deletes_the_records_past_audit_days_and_verify_starts_after_them(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(database.engine)
    with monkeypatch.context() as old:
        _sealed_at(TWO_YEARS_AGO, old)
        fill(database, 6)
    fill(database, 3)  # sealed now: kept
    save_policy(sessions, PolicyIn.model_validate({"retention": {"audit_days": 365}}), "boss")
    hash_6 = next(r.hash for r in read_records(database.engine) if r.seq == 6)

    dry = database_purge(database, "--dry-run")
    assert "would delete 6 audit records (up to record 6, sealed before" in dry
    assert "past 365 days" in dry and len(_bodies(database)) == 10

    assert "deleted 6 audit records (up to record 6" in database_purge(database)
    bodies = _bodies(database)
    assert [b["seq"] for b in bodies] == [7, 8, 9, 10, 11]  # nothing newer went
    purge_record = bodies[-1]
    assert purge_record["action"] == "audit purge"
    assert purge_record["actor"] == "rep-video admin purge"
    assert purge_record["detail"] | {"before": None} == {
        "through_seq": 6, "through_hash": hash_6, "records": 6, "before": None,
        "audit_days": 365, "previous_through_seq": 0,
    }  # fmt: skip
    verified = database.audit("verify")
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.startswith("OK: 5 records verified; head 11 ")
    old_anchor = database.audit("verify", "--anchor", f"6 {hash_6}")
    assert old_anchor.returncode == 1
    assert "record 6 was deleted by the retention purge (records up to 6)" in old_anchor.stdout
    assert database_purge(database).endswith("0 view events\n")  # nothing more is due
    assert len(_bodies(database)) == 5

    # Still append-only above the checkpoint, for the server's own role.
    for statement in ("DELETE FROM audit_records WHERE seq = 7",
                      "UPDATE audit_records SET actor = 'x' WHERE seq = 7"):  # fmt: skip
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
            database.sql(statement)


def database_purge(db: Database, *flags: str) -> str:
    out = rep_video("admin", "purge", *flags, *db.args, env=db.env)
    assert out.returncode == 0, out.stderr
    return str(out.stdout)


def _purge_old(db: Database, monkeypatch: pytest.MonkeyPatch, old: int, new: int) -> None:
    with monkeypatch.context() as m:
        _sealed_at(TWO_YEARS_AGO, m)
        fill(db, old)
    fill(db, new)
    done = purge_audit(session_factory(db.engine), 365, datetime.now(UTC), "test", False)
    assert done is not None and done.records == old


def test_moving_the_checkpoint_to_delete_more_is_named(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _purge_old(database, monkeypatch, 4, 4)  # 1-4 purged, 5-8 kept, 9 the purge record
    assert verify_log(database.engine).ok
    hash_6 = next(r.hash for r in read_records(database.engine) if r.seq == 6)
    database.sql(
        f"UPDATE audit_checkpoint SET through_seq = 6, through_hash = '{hash_6}'",  # noqa: S608
        "DELETE FROM audit_records WHERE seq <= 6",
    )
    verdict = verify_log(database.engine)
    assert not verdict.ok
    assert "not what the last 'audit purge' record states" in str(verdict.problem)
    out = database.audit("verify")
    assert out.returncode == 1 and "records were deleted without a purge" in out.stdout


def test_deleting_the_checkpoint_is_named(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _purge_old(database, monkeypatch, 3, 2)
    database.sql("DELETE FROM audit_checkpoint")
    verdict = verify_log(database.engine)
    assert not verdict.ok and "records 1 to 3 are missing (deleted)" in str(verdict.problem)
    # ... and with it gone, nothing more can be deleted.
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
        database.sql("DELETE FROM audit_records WHERE seq = 4")


def test_a_purge_without_a_purge_record_is_named(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone sets the checkpoint and deletes the oldest records, on a log never purged."""
    fill(database, 5)
    hash_2 = next(r.hash for r in read_records(database.engine) if r.seq == 2)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_checkpoint SET through_seq = 2, through_hash = :h"),
                     {"h": hash_2})  # fmt: skip
        conn.execute(text("DELETE FROM audit_records WHERE seq <= 2"))
    verdict = verify_log(database.engine)
    assert not verdict.ok and "records were deleted without a purge" in str(verdict.problem)
