"""One recording, many physicians, on the server: a share declaring its video `same_as` a live
share of the same account uploads nothing, publishes, and its page plays the one stored copy;
a wrong reference is a 422 naming the field; the retention purge keeps a blob while any share
still names it and deletes it with the last one (rep_video/server/shared_blobs.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from rep_video.server.audit_log import read_records
from rep_video.server.db import Share
from rep_video.server.retention import purge, retention_of
from rep_video.share.manifest import Person
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.clips import make_clip
from tests.support.inprocess_server import InProcessServer, inprocess_server


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with inprocess_server(tmp_path_factory.mktemp("shared")) as server:
        yield server


def _copies(srv: InProcessServer, clip: Path) -> int:
    """How many blobs on the server hold the clip's bytes."""
    data = clip.read_bytes()
    return sum(
        1 for p in (srv.data_dir / "blobs").rglob("*") if p.is_file() and p.read_bytes() == data
    )


def _sibling(
    srv: InProcessServer, token: str, clip: Path, same_as: str, name: str = "Dr. Ng"
) -> httpx.Response:
    body = create_body(replace(manifest(), recipient=Person(name)), {"video.mp4": clip})
    body["files"][0]["same_as"] = same_as
    return httpx.post(f"{srv.url}/api/v1/shares", json=body, headers=auth(token))


def _publish(srv: InProcessServer, token: str, share: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{srv.url}/api/v1/shares/{share['id']}/publish", headers=auth(token), timeout=60
    )


def _played(srv: InProcessServer, share: dict[str, Any]) -> httpx.Response:
    return httpx.get(f"{srv.url}/s/{share['token']}/media/video.mp4")


def test_a_sibling_share_plays_the_one_stored_video(srv: InProcessServer, small_clip: Path) -> None:
    rita = srv.create_token("rita-shared")
    first = create_and_publish(srv.url, rita, {"video.mp4": small_clip})
    before = _copies(srv, small_clip)
    siblings = []
    for name in ("Dr. Ng", "Dr. Okafor"):
        made = _sibling(srv, rita, small_clip, first["id"], name)
        assert made.status_code == 201, made.text
        assert _publish(srv, rita, made.json()).status_code == 200
        siblings.append(made.json())
    assert _copies(srv, small_clip) == before  # nothing more stored
    for share in siblings:
        got = _played(srv, share)
        assert got.status_code == 200 and got.content == small_clip.read_bytes()
        page = httpx.get(f"{srv.url}/s/{share['token']}")
        assert page.status_code == 200
    assert "Dr. Okafor" in httpx.get(f"{srv.url}/s/{siblings[1]['token']}").text
    records = [json.loads(r.body) for r in read_records(srv.state.engine)]
    actions = {(r["share_id"], r["action"]) for r in records}
    for share in siblings:
        assert {(share["id"], "create"), (share["id"], "publish")} <= actions


def test_a_wrong_reference_is_refused(
    srv: InProcessServer, small_clip: Path, tmp_path: Path
) -> None:
    rita, otto = srv.create_token("rita-refs"), srv.create_token("otto-refs")
    ottos = create_and_publish(srv.url, otto, {"video.mp4": small_clip})
    pending = httpx.post(
        f"{srv.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": small_clip}),
        headers=auth(rita),
    ).json()
    other = tmp_path / "other.mp4"
    other.write_bytes(small_clip.read_bytes() + b"\0")
    mine = create_and_publish(srv.url, rita, {"video.mp4": other})
    for same_as, why in (
        (ottos["id"], "same account"),
        (pending["id"], "not live"),
        (mine["id"], "size and sha256"),
        ("no-such-share", "same account"),
    ):
        got = _sibling(srv, rita, small_clip, same_as)
        assert got.status_code == 422, got.text
        (problem,) = got.json()["detail"]
        assert problem["loc"] == ["body", "files", 0, "same_as"] and why in problem["msg"]


def _end(srv: InProcessServer, token: str, share: dict[str, Any]) -> None:
    """Revoke the share and move the revocation past retention."""
    r = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(token))
    assert r.status_code in (200, 204), r.text
    long_ago = datetime.now(UTC) - timedelta(days=retention_of(srv.state).shares_days + 1)
    with srv.state.sessions.begin() as s:
        s.execute(update(Share).where(Share.id == share["id"]).values(revoked_at=long_ago))


def test_retention_keeps_a_blob_a_live_share_plays(srv: InProcessServer, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "take.mp4", duration=1.5, size=(320, 180))  # this test's own
    rita = srv.create_token("rita-retention")
    first = create_and_publish(srv.url, rita, {"video.mp4": clip})
    second = _sibling(srv, rita, clip, first["id"]).json()
    assert _publish(srv, rita, second).status_code == 200
    assert _copies(srv, clip) == 1

    _end(srv, rita, first)
    report = purge(srv.state)
    assert first["id"] in {d.share_id for d in report.shares}
    assert _copies(srv, clip) == 1  # the first page is gone, its video stays for the second
    assert _played(srv, second).content == clip.read_bytes()

    _end(srv, rita, second)
    report = purge(srv.state)
    assert second["id"] in {d.share_id for d in report.shares}
    assert _copies(srv, clip) == 0  # the last share naming it took it
    assert not (srv.data_dir / "blobs" / "shares" / first["id"]).exists()
