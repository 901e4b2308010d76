"""Schema migrations (rep_video.server.migrate) on SQLite and a real PostgreSQL: a database
made by release 0.1.0 (tables from `create_all`, no version) is stamped and upgraded with its
rows intact and then served; the migrations and the models agree (Alembic's autogenerate finds
no difference); upgrades wait for each other; a database the release does not know is refused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from rep_video.file_lock import held_lock
from rep_video.server import migrate
from rep_video.server.db import Base, make_engine
from tests.server.helpers import auth, manifest, sha256
from tests.support.cli_in_process import rep_video
from tests.support.server_process import ROOT, running_server

SCHEMA_DIR = ROOT / "tests" / "data" / "schema"
TOKEN = "rvk_made-by-release-0.1.0"
SHARE_TOKEN = "tok_" + "a" * 40


def release_010_database(url: str, dialect: str, video: Path) -> None:
    """The tables release 0.1.0 created, with an account, a token, a live share, an upload
    and view events in them."""
    engine = sqlalchemy.create_engine(url)
    ddl = (SCHEMA_DIR / f"release-0.1.0.{dialect}.sql").read_text()
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    files = [{"name": "video.mp4", "size": video.stat().st_size, "sha256": sha256(video)}]
    rows = {
        "accounts": {"id": 1, "name": "rita", "is_admin": False, "created_at": created},
        "api_tokens": {
            "id": 1, "account_id": 1, "created_at": created,
            "token_hash": hashlib.sha256(TOKEN.encode()).hexdigest(),
        },
        "shares": {
            "id": "shr_old", "token": SHARE_TOKEN, "account_id": 1, "state": "live",
            "reason": None, "recipient": "Dr. Ada Lovelace", "rep_name": "Rita Rep",
            "manifest_json": json.dumps(manifest().to_dict()), "files_json": json.dumps(files),
            "created_at": created, "expires_at": datetime.now(UTC) + timedelta(days=30),
        },
        "uploads": [
            {"id": "upl_video", "share_id": "shr_old", "name": "video.mp4",
             "length": files[0]["size"], "offset": files[0]["size"], "complete": True,
             "sha256": files[0]["sha256"], "created_at": created, "expires_at": created},
            {"id": "upl_big", "share_id": "shr_old", "name": "files/big.bin", "length": 2**33,
             "offset": 0, "complete": False, "sha256": None, "created_at": created,
             "expires_at": created + timedelta(days=1)},
        ],
        "view_events": {"id": 1, "share_id": "shr_old", "kind": "opened", "value": None,
                        "at": created},
    }  # fmt: skip
    with engine.begin() as conn:
        for statement in ddl.split(";"):
            sql = "\n".join(x for x in statement.splitlines() if not x.startswith("--"))
            if sql.strip():
                conn.exec_driver_sql(sql)
        for table, table_rows in rows.items():
            for row in table_rows if isinstance(table_rows, list) else [table_rows]:
                _insert(conn, table, row)
    engine.dispose()


def _insert(conn: sqlalchemy.Connection, table: str, row: dict[str, object]) -> None:
    columns = ", ".join(f'"{c}"' for c in row)
    values = ", ".join(f":{c}" for c in row)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 - test's own names
    conn.execute(sqlalchemy.text(insert), row)


def assert_rows_intact(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        share = conn.execute(sqlalchemy.text("SELECT * FROM shares")).mappings().one()
        assert (share["id"], share["token"], share["state"]) == ("shr_old", SHARE_TOKEN, "live")
        assert share["recipient"] == "Dr. Ada Lovelace"
        files = json.loads(share["files_json"])
        assert share["declared_bytes"] == files[0]["size"] > 0  # 0004 filled it in
        assert share["revoked_at"] is None  # a live share
        big = "SELECT length FROM uploads WHERE id = 'upl_big'"
        assert conn.execute(sqlalchemy.text(big)).scalar_one() == 2**33  # 64 bits survive
        assert conn.execute(sqlalchemy.text("SELECT count(*) FROM view_events")).scalar() == 1
        assert conn.execute(sqlalchemy.text("SELECT name FROM accounts")).scalar() == "rita"
    engine.dispose()


def schema_differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return list(diff)


def current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.status(engine)[0]
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def sqlite_url(data: Path) -> str:
    data.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data / 'server.sqlite3'}"


@pytest.mark.process  # the upgraded database served by `rep-video serve`
def test_release_010_sqlite_database_upgrades_and_serves(
    sqlite_data: Path, small_clip: Path
) -> None:
    url = sqlite_url(sqlite_data)
    release_010_database(url, "sqlite", small_clip)
    blob = sqlite_data / "blobs" / "shares" / "shr_old" / "video.mp4"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(small_clip.read_bytes())
    assert current(url) is None

    behind = rep_video("admin", "db", "status", "--data", str(sqlite_data))
    assert behind.returncode == 1 and "no schema version" in behind.stdout

    done = rep_video("admin", "db", "upgrade", "--data", str(sqlite_data))
    assert done.returncode == 0, done.stderr
    assert "recognised as revision 0001" in done.stdout
    assert current(url) == migrate.head_revision()
    assert_rows_intact(url)
    assert schema_differences(url) == []
    again = rep_video("admin", "db", "upgrade", "--data", str(sqlite_data))
    assert again.stdout.strip() == f"database schema is up to date (revision {current(url)})"

    with running_server(sqlite_data) as srv:
        page = httpx.get(f"{srv.url}/s/{SHARE_TOKEN}")
        assert page.status_code == 200 and "Rita Rep" in page.text
        media = httpx.get(f"{srv.url}/s/{SHARE_TOKEN}/media/video.mp4")
        assert media.content == small_clip.read_bytes(), (media.status_code, media.headers)
        listed = httpx.get(f"{srv.url}/api/v1/shares/shr_old", headers=auth(TOKEN))
        assert listed.status_code == 200 and listed.json()["state"] == "live"


@pytest.mark.postgres
def test_release_010_postgres_database_upgrades_with_its_rows(
    pg_url: str, tmp_path: Path, small_clip: Path
) -> None:
    release_010_database(pg_url, "postgresql", small_clip)
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    done = rep_video("admin", "db", "upgrade", "--data", str(tmp_path / "d"), env=env)
    assert done.returncode == 0, done.stderr
    assert "recognised as revision 0001" in done.stdout
    assert current(pg_url) == migrate.head_revision()
    assert_rows_intact(pg_url)
    assert schema_differences(pg_url) == []


@pytest.mark.postgres
def test_empty_postgres_upgrades_to_the_models(pg_url: str) -> None:
    engine = make_engine(pg_url)
    result = migrate.upgrade(engine)
    engine.dispose()
    assert (result.before, result.stamped) == (None, False)
    assert schema_differences(pg_url) == []


def test_empty_sqlite_upgrades_to_the_models(sqlite_data: Path) -> None:
    url = sqlite_url(sqlite_data)
    engine = make_engine(url)
    result = migrate.upgrade(engine)
    engine.dispose()
    assert (result.before, result.after, result.stamped) == (None, migrate.head_revision(), False)
    assert schema_differences(url) == []


def test_revisions_form_one_line() -> None:
    script = migrate.ScriptDirectory.from_config(migrate._config())
    revisions = list(script.walk_revisions())
    assert script.get_heads() == [migrate.head_revision()]
    assert [r.revision for r in revisions][-1] == migrate.BASELINE
    for newer, older in itertools.pairwise(revisions):
        assert newer.down_revision == older.revision  # no branches, no merges


def _wait_finished(proc: subprocess.Popen[str], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return True
        time.sleep(0.1)
    return False


def _upgrade_process(data: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rep_video", "admin", "db", "upgrade", "--data", str(data)],
        cwd=ROOT, env={**os.environ, **(env or {})}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.process
def test_sqlite_upgrade_waits_for_one_in_progress(sqlite_data: Path) -> None:
    url = sqlite_url(sqlite_data)
    with held_lock(sqlite_data / "server.sqlite3.migrate-lock"):
        proc = _upgrade_process(sqlite_data)
        assert not _wait_finished(proc, 3.0), proc.communicate()
        assert current(url) is None
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert current(url) == migrate.head_revision()


@pytest.mark.postgres
def test_postgres_upgrade_waits_for_one_in_progress(pg_url: str, tmp_path: Path) -> None:
    holder = sqlalchemy.create_engine(pg_url)
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with holder.connect() as conn:
        conn.execute(sqlalchemy.select(sqlalchemy.func.pg_advisory_lock(migrate._PG_LOCK_KEY)))
        proc = _upgrade_process(tmp_path / "d", env)
        assert not _wait_finished(proc, 3.0), proc.communicate()
        conn.execute(sqlalchemy.select(sqlalchemy.func.pg_advisory_unlock(migrate._PG_LOCK_KEY)))
    holder.dispose()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert current(pg_url) == migrate.head_revision()


def test_serve_without_migrate_on_start_refuses_an_old_database(
    sqlite_data: Path, small_clip: Path
) -> None:
    release_010_database(sqlite_url(sqlite_data), "sqlite", small_clip)
    env = {"REP_VIDEO_SERVER_MIGRATE_ON_START": "false"}
    out = rep_video("serve-token", "--data", str(sqlite_data), "--name", "x", env=env)
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "rep-video: the database has no schema version and this release needs "
        f"{migrate.head_revision()}: run `rep-video admin db upgrade` (docs/SERVER.md, "
        "Upgrade), or set migrate_on_start = true"
    )
    assert current(sqlite_url(sqlite_data)) is None  # nothing was changed


def test_a_database_newer_than_the_release_is_refused(sqlite_data: Path) -> None:
    url = sqlite_url(sqlite_data)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for argv in (["admin", "db", "upgrade"], ["serve-token", "--name", "x"]):
        out = rep_video(*argv, "--data", str(sqlite_data))
        assert out.returncode == 2, out
        assert "revision 9999, newer than this release knows" in out.stderr
        assert "Traceback" not in out.stderr


def test_some_tables_without_a_version_are_refused(sqlite_data: Path) -> None:
    engine = make_engine(sqlite_url(sqlite_data))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    engine.dispose()
    out = rep_video("admin", "db", "upgrade", "--data", str(sqlite_data))
    assert out.returncode == 2
    assert "has some RepVideo tables but not api_tokens, shares" in out.stderr


@pytest.mark.postgres
def test_upgrade_sql_for_a_dba(pg_url: str, tmp_path: Path, small_clip: Path) -> None:
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    release_010_database(pg_url, "postgresql", small_clip)
    printed = rep_video("admin", "db", "upgrade", "--sql", "--data", str(tmp_path), env=env)
    assert printed.returncode == 0, printed.stderr
    assert "CREATE TABLE shares" not in printed.stdout  # the tables are there already
    assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in printed.stdout
    assert current(pg_url) is None  # printed, not run
    engine = sqlalchemy.create_engine(pg_url)
    with engine.begin() as conn:  # what the DBA does with it
        conn.exec_driver_sql(printed.stdout)
    engine.dispose()
    assert current(pg_url) == migrate.head_revision()
    assert schema_differences(pg_url) == []
    assert_rows_intact(pg_url)


def test_upgrade_sql_is_refused_for_sqlite(sqlite_data: Path) -> None:
    out = rep_video("admin", "db", "upgrade", "--sql", "--data", str(sqlite_data))
    assert out.returncode == 2
    assert "--sql is for a database a DBA manages (PostgreSQL)" in out.stderr
