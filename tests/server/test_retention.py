"""The retention purge deletes exactly what is past retention and nothing else: shares expired
or revoked longer ago than `retention.shares_days`, and shares never published within
`pending_share_expiry_hours` (unless an upload is still going on), with their files, staged
uploads, upload rows, view events and share rows; in the local store on SQLite and in a real
S3 bucket (moto_server) on a real PostgreSQL. `--dry-run` lists the same and deletes nothing;
the catalog's files (shared by every share attaching an item) stay; `rep-video serve` runs the
purge itself; a purge already running elsewhere (the database lock) is not run twice."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update

from rep_video.server.audit_log import read_records
from rep_video.server.db import Share, Upload, hash_token
from rep_video.server.retention import purge_lock, retention_of
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.server import ServerTarget
from tests.server.helpers import (
    attachment,
    auth,
    create_and_publish,
    create_body,
    manifest,
    tus_upload,
)
from tests.support.cli_in_process import rep_video
from tests.support.inprocess_server import InProcessServer, inprocess_server
from tests.support.s3_server import S3Server, s3_server  # noqa: F401 - fixture

NOW = datetime.now(UTC)
TUS = {"Tus-Resumable": "1.0.0"}


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def _age(srv: InProcessServer, share_id: str, **ago: timedelta) -> None:
    """Move a share's dates into the past (what waiting that long would do)."""
    with srv.state.sessions.begin() as s:
        s.execute(
            update(Share).where(Share.id == share_id).values(**{k: NOW - v for k, v in ago.items()})
        )


def _event(srv: InProcessServer, share: dict[str, Any], kind: str = "opened") -> None:
    r = httpx.post(f"{srv.url}/s/{share['token']}/events", json={"kind": kind})
    assert r.status_code == 204, r.text


def _unpublished(srv: InProcessServer, token: str, clip: Path, *, upload: str) -> dict[str, Any]:
    """A pending share whose video was uploaded ("whole") or is half-way ("part")."""
    share: dict[str, Any] = httpx.post(
        f"{srv.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": clip}),
        headers=auth(token),
    ).json()
    if upload == "whole":
        tus_upload(share["upload_url"], token, share["id"], "video.mp4", clip)
        return share
    data = clip.read_bytes()
    created = httpx.post(
        share["upload_url"],
        headers={**TUS, **auth(token), "Upload-Length": str(len(data)),
                 "Upload-Metadata": f"share {_b64(share['id'])},name {_b64('video.mp4')}"},
    )  # fmt: skip
    half = httpx.patch(
        created.headers["location"],
        content=data[: len(data) // 2],
        headers={**TUS, **auth(token), "Upload-Offset": "0",
                 "Content-Type": "application/offset+octet-stream"},
    )  # fmt: skip
    assert half.status_code == 204, half.text
    return share


def build_world(
    srv: InProcessServer, days: int, clip: Path, extra: dict[str, Path], m: Any = None
) -> tuple[set[str], set[str]]:
    """Shares on both sides of every rule; returns (ids due for purging, ids to keep)."""
    token = srv.create_token(f"rep-{uuid.uuid4().hex[:6]}")
    files = {"video.mp4": clip, **extra}
    due: set[str] = set()
    keep: set[str] = set()

    def published(**ago: timedelta) -> dict[str, Any]:
        share = create_and_publish(srv.url, token, files, m)
        _event(srv, share)
        _event(srv, share, "play")
        if ago:
            _age(srv, share["id"], **ago)
        return share

    due.add(published(expires_at=timedelta(days=days + 1))["id"])
    keep.add(published(expires_at=timedelta(days=days - 1))["id"])
    keep.add(published()["id"])  # live, expires in 30 days
    for ago, into in ((days + 1, due), (days - 1, keep)):
        share = published()
        r = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(token))
        assert r.status_code == 200 and r.json()["state"] == "revoked"
        _age(srv, share["id"], revoked_at=timedelta(days=ago))
        into.add(share["id"])
    week = timedelta(hours=srv.state.settings.pending_share_expiry_hours + 1)
    old = _unpublished(srv, token, clip, upload="whole")
    _age(srv, old["id"], created_at=week)
    due.add(old["id"])
    uploading = _unpublished(srv, token, clip, upload="part")  # an upload still going on
    _age(srv, uploading["id"], created_at=week)
    keep.add(uploading["id"])
    keep.add(_unpublished(srv, token, clip, upload="whole")["id"])  # pending, but new
    return due, keep


def rows(srv: InProcessServer) -> dict[str, set[tuple[str, ...]]]:
    with srv.state.engine.connect() as c:
        return {
            "shares": {(r[0],) for r in c.execute(text("SELECT id FROM shares"))},
            "uploads": {(r[0], r[1]) for r in c.execute(text("SELECT id, share_id FROM uploads"))},
            "events": {
                (str(r[0]), r[1]) for r in c.execute(text("SELECT id, share_id FROM view_events"))
            },
        }


def expected_after(
    before: dict[str, set[tuple[str, ...]]], keys: set[str], due: set[str]
) -> tuple[dict[str, set[tuple[str, ...]]], set[str]]:
    gone_uploads = {u for u, s in before["uploads"] if s in due}
    left = {
        "shares": {r for r in before["shares"] if r[0] not in due},
        "uploads": {r for r in before["uploads"] if r[1] not in due},
        "events": {r for r in before["events"] if r[1] not in due},
    }
    kept = {k for k in keys if not any(x in k for x in due | gone_uploads)}
    return left, kept


def listed_ids(output: str) -> set[str]:
    return set(re.findall(r"^share ([0-9a-f]{32}) \(", output, re.M))


def check_purge(
    srv: InProcessServer,
    due: set[str],
    keep: set[str],
    keys: Callable[[], set[str]],
    env: dict[str, str],
) -> None:
    before, before_keys = rows(srv), keys()
    assert {r[0] for r in before["shares"]} >= due | keep
    for share_id in due | keep:  # every share has files somewhere, or the test proves little
        assert any(share_id in k for k in before_keys) or share_id in {
            s for _u, s in before["uploads"]
        }
    args = ["admin", "purge", "--data", str(srv.data_dir)]
    with srv.state.engine.connect() as c:
        tokens = {r[0]: r[1] for r in c.execute(text("SELECT id, token FROM shares"))}

    audited = len(purge_records(srv))
    dry = rep_video(*args, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert listed_ids(dry.stdout) == due
    assert "would delete" in dry.stdout
    assert rows(srv) == before and keys() == before_keys  # nothing deleted
    assert len(purge_records(srv)) == audited  # nor audited

    real = rep_video(*args, env=env)
    assert real.returncode == 0, real.stderr
    assert listed_ids(real.stdout) == due
    left, kept = expected_after(before, before_keys, due)
    assert rows(srv) == left
    assert keys() == kept
    assert kept  # the shares kept still have their files
    admin_token = srv.create_token("purge-check", admin=True)
    admin = auth(admin_token)
    for share_id in due:
        assert httpx.get(f"{srv.url}/api/v1/shares/{share_id}", headers=admin).status_code == 404
    for share_id in keep:
        assert httpx.get(f"{srv.url}/api/v1/shares/{share_id}", headers=admin).status_code == 200
    # A purged share's link answers 410 "no longer available", never 404 "check the link";
    # only its token's hash is kept for that.
    with srv.state.engine.connect() as c:
        purged = {r[0] for r in c.execute(text("SELECT token_hash FROM purged_shares"))}
    assert purged >= {hash_token(tokens[s]) for s in due}
    assert not purged & {hash_token(tokens[s]) for s in keep}
    for share_id in due:
        page = httpx.get(f"{srv.url}/s/{tokens[share_id]}")
        assert page.status_code == 410 and "This link is no longer active." in page.text
        assert "Link not found" not in page.text
    # The app's Sent list asks its target: a purged share reads as deleted, not as an error.
    target = ServerTarget("srv", srv.url, admin_token)
    try:
        for share_id, want in ((min(due), "deleted"), (min(keep), None)):
            st = target.status(Reservation("srv", share_id, "t", "l"))
            assert (st.state == "deleted") == (want == "deleted"), st
    finally:
        target.close()

    # Audited: one record per share deleted (what went, in the transaction that deleted its
    # rows), one for the run (its totals and the share ids); the chain still verifies.
    records = purge_records(srv)[audited:]
    per_share = [r for r in records if r["share_id"]]
    assert {r["share_id"] for r in per_share} == due and len(per_share) == len(due)
    assert all(r["actor"] == "rep-video admin purge" for r in records)
    (run,) = [r["detail"] for r in records if not r["share_id"]]
    assert sorted(run["share_ids"]) == sorted(due) and run["shares"] == len(due)
    assert run["view_events"] == sum(len({e for e in before["events"] if e[1] == d}) for d in due)
    assert run["files"] == sum(r["detail"]["files"] for r in per_share) > 0
    verified = rep_video("admin", "audit", "verify", "--data", str(srv.data_dir), env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    again = rep_video(*args, env=env)  # nothing more is due
    assert again.returncode == 0 and listed_ids(again.stdout) == set(), again.stdout
    assert len(purge_records(srv)) == audited + len(records)  # an empty run records nothing


def purge_records(srv: InProcessServer) -> list[dict[str, Any]]:
    found = []
    for stored in read_records(srv.state.engine):
        body = json.loads(stored.body)
        if body["action"] == "purge":
            found.append(body)
    return found


def local_keys(srv: InProcessServer) -> Callable[[], set[str]]:
    def keys() -> set[str]:
        root = srv.data_dir
        return {
            p.relative_to(root).as_posix()
            for folder in ("blobs", "uploads")
            for p in (root / folder).rglob("*")
            if p.is_file()
        }

    return keys


@pytest.mark.slow
def test_purge_on_sqlite_and_local_files(tmp_path: Path, small_clip: Path, leaflet: Path) -> None:
    with inprocess_server(tmp_path / "srv") as srv:
        due, keep = build_world(srv, 90, small_clip, {"files/l.pdf": leaflet})  # default: 90
        check_purge(srv, due, keep, local_keys(srv), {})
        # Their folders went too, not only the files in them.
        for share_id in due:
            assert not (srv.data_dir / "blobs" / "shares" / share_id).exists()


def test_purge_waits_for_a_purge_already_running(tmp_path: Path, small_clip: Path) -> None:
    with inprocess_server(tmp_path / "srv") as srv:
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        _age(srv, share["id"], expires_at=timedelta(days=91))
        with _held(srv):
            busy = rep_video("admin", "purge", "--data", str(srv.data_dir))
            assert busy.returncode == 1 and "another purge is running" in busy.stderr
            assert rows(srv)["shares"] == {(share["id"],)}
        done = rep_video("admin", "purge", "--data", str(srv.data_dir))
        assert done.returncode == 0 and listed_ids(done.stdout) == {share["id"]}


def test_serve_purges_at_start(tmp_path: Path, small_clip: Path) -> None:
    data = tmp_path / "srv"
    with inprocess_server(data) as srv:
        token = srv.create_token("rita")
        old = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        new = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        httpx.post(f"{srv.url}/api/v1/shares/{old['id']}/revoke", headers=auth(token))
        _age(srv, old["id"], revoked_at=timedelta(days=91))
    with inprocess_server(data) as srv:
        deadline = datetime.now(UTC) + timedelta(seconds=15)
        # Until the run's own record is written too (it comes after the share's rows go).
        while len(purge_records(srv)) < 2 and datetime.now(UTC) < deadline:
            httpx.get(f"{srv.url}/healthz")
        assert rows(srv)["shares"] == {(new["id"],)}
        assert {(r["actor"], r["share_id"]) for r in purge_records(srv)} == {
            ("retention purge", old["id"]), ("retention purge", None),
        }  # fmt: skip
        assert not (data / "blobs" / "shares" / old["id"]).exists()
        assert (data / "blobs" / "shares" / new["id"] / "video.mp4").is_file()


def test_the_cleanup_sweep_removes_unpublished_shares(tmp_path: Path, small_clip: Path) -> None:
    """Without waiting for the purge: the sweep of abandoned uploads takes them too."""
    data = tmp_path / "srv"
    with inprocess_server(data, purge_interval_seconds=0) as srv:
        token = srv.create_token("rita")
        old = _unpublished(srv, token, small_clip, upload="whole")
        _age(srv, old["id"], created_at=timedelta(days=8))
    with inprocess_server(data, purge_interval_seconds=0) as srv:
        deadline = datetime.now(UTC) + timedelta(seconds=15)
        while rows(srv)["shares"] and datetime.now(UTC) < deadline:
            httpx.get(f"{srv.url}/healthz")
        assert rows(srv) == {"shares": set(), "uploads": set(), "events": set()}
        (record,) = [r for r in purge_records(srv) if r["share_id"]]
        assert record["share_id"] == old["id"]
        assert record["detail"]["why"].startswith("never published")
        assert local_keys(srv)() == set()


def _catalog(srv: InProcessServer, admin: str, pdf: bytes) -> None:
    sha = hashlib.sha256(pdf).hexdigest()
    r = httpx.put(f"{srv.url}/api/v1/admin/catalog/files/{sha}", content=pdf, headers=auth(admin))
    assert r.status_code == 200, r.text
    today = date.today()
    item = {
        "id": "leaflet", "title": "Leaflet", "kind": "pdf", "approval_code": "APP-1",
        "version": "1", "valid_from": (today - timedelta(days=1)).isoformat(),
        "expires": (today + timedelta(days=100)).isoformat(), "file_name": "leaflet.pdf",
        "sha256": sha, "size": len(pdf),
    }  # fmt: skip
    r = httpx.put(f"{srv.url}/api/v1/admin/catalog", json={"items": [item]}, headers=auth(admin))
    assert r.status_code == 200, r.text


@pytest.fixture
def pg_s3_server(
    pg_url: str,
    s3_server: S3Server,  # noqa: F811
    tmp_path: Path,
) -> Iterator[tuple[InProcessServer, S3Server, str, dict[str, str]]]:
    bucket = s3_server.create_bucket(f"rv-{uuid.uuid4().hex[:12]}")
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url, **s3_server.server_env(bucket)}
    with inprocess_server(tmp_path / "srv", env) as srv:
        yield srv, s3_server, bucket, env


@pytest.mark.postgres
def test_purge_on_postgres_and_s3(
    pg_s3_server: tuple[InProcessServer, S3Server, str, dict[str, str]], small_clip: Path
) -> None:
    srv, s3, bucket, env = pg_s3_server
    admin = srv.create_token("boss", admin=True)
    pdf = b"%PDF-1.4\n" + b"approved leaflet " * 300
    _catalog(srv, admin, pdf)
    r = httpx.put(
        f"{srv.url}/api/v1/admin/policy",
        json={"retention": {"shares_days": 30}},
        headers=auth(admin),
    )
    assert r.status_code == 200, r.text
    m = manifest(attachments=(attachment("leaflet.pdf", id="leaflet"),))

    def keys() -> set[str]:
        pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {o["Key"] for page in pages for o in page.get("Contents", [])}

    due, keep = build_world(srv, 30, small_clip, {}, m)
    catalog_key = f"catalog/{hashlib.sha256(pdf).hexdigest()}"
    assert catalog_key in keys()
    assert any(k.startswith("uploads/") for k in keys())  # the half-way upload's staged chunk
    check_purge(srv, due, keep, keys, env)
    assert catalog_key in keys()  # attached by purged shares and by kept ones: it stays
    with srv.state.sessions() as s:
        assert set(s.scalars(select(Share.id)).all()) == keep
        assert {u.share_id for u in s.scalars(select(Upload)).all()} <= keep


@contextlib.contextmanager
def _held(srv: InProcessServer) -> Iterator[None]:
    """The purge lock, as this instance's hourly purge holds it (the one at start may still
    hold it for a moment)."""
    deadline = time.monotonic() + 15
    while True:
        with purge_lock(srv.state) as mine:
            if mine:
                yield
                return
        assert time.monotonic() < deadline, "the purge lock was never free"
        time.sleep(0.1)


@pytest.mark.postgres
def test_one_purge_at_a_time_across_instances_on_postgres(
    pg_s3_server: tuple[InProcessServer, S3Server, str, dict[str, str]],
) -> None:
    srv, _s3, _bucket, env = pg_s3_server
    with _held(srv):
        other = rep_video("admin", "purge", "--data", str(srv.data_dir), env=env)
        assert other.returncode == 1 and "another purge is running" in other.stderr
    free = rep_video("admin", "purge", "--data", str(srv.data_dir), env=env)
    assert free.returncode == 0, free.stderr


def test_policy_retention_shape(server: InProcessServer, tokens: dict[str, str]) -> None:
    put = f"{server.url}/api/v1/admin/policy"
    h = auth(tokens["admin"])
    both = httpx.put(put, json={"retention": {"shares_days": 30}, "retention_days": 30}, headers=h)
    assert both.status_code == 422 and "not both" in both.text
    zero = httpx.put(put, json={"retention": {"laptop_days": 0}}, headers=h)
    assert zero.status_code == 422
    unknown = httpx.put(put, json={"retention": {"share_days": 30}}, headers=h)
    assert unknown.status_code == 422  # a misspelt key is refused, never ignored
    ok = httpx.put(put, json={"retention": {"shares_days": 400, "laptop_days": 7}}, headers=h)
    assert ok.status_code == 200, ok.text
    kept = retention_of(server.state)
    assert (kept.shares_days, kept.audit_days, kept.laptop_days) == (400, 3653, 7)
    old = httpx.put(put, json={"retention_days": 45}, headers=h)  # the older spelling
    assert old.status_code == 200 and retention_of(server.state).shares_days == 45


def test_the_laptop_follows_the_servers_retention_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app's purge at start reads `retention.laptop_days` from its share server (and
    keeps the answer for when it is offline); without one, the admin file's figure."""
    from rep_video import config
    from rep_video.cli import main
    from rep_video.share.local_retention import laptop_retention_days

    with inprocess_server(tmp_path / "srv", purge_interval_seconds=0) as srv:
        admin, rita = srv.create_token("boss", admin=True), srv.create_token("rita")
        monkeypatch.setattr("sys.stdin", io.StringIO(rita + "\n"))
        add = ["targets", "add", "acme", "--kind", "server", "--url", srv.url, "--token-stdin",
               "--default"]  # fmt: skip
        assert main(add) == 0, capsys.readouterr().err
        assert laptop_retention_days(config.load_settings()) == 30  # no policy: the default
        put = f"{srv.url}/api/v1/admin/policy"
        assert httpx.put(
            put, json={"retention": {"laptop_days": 3}}, headers=auth(admin)
        ).is_success
        assert laptop_retention_days(config.load_settings()) == 3
    # The server is gone (offline): the copy kept from the last answer.
    assert laptop_retention_days(config.load_settings()) == 3
