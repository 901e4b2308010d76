"""`analytics = "aggregate"` through the API: a beacon adds to its rep's totals and nothing
kept names the share, the rep (and an admin) see totals over all recipients at
GET /api/v1/views and never who watched (views, progress and events of a share are null or
empty, also for events stored earlier under "identified"), and a switch back to "identified"
does not reveal what was counted meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from rep_video.server.db import ServerDocument, ViewEvent
from rep_video.server.view_totals import TOTALS
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer


def _policy(server: InProcessServer, admin: str, analytics: str) -> None:
    answer = httpx.put(
        f"{server.url}/api/v1/admin/policy", json={"analytics": analytics}, headers=auth(admin)
    )
    assert answer.status_code == 200, answer.text


def _beacon(share: dict[str, Any], kind: str, value: object = None, **headers: str) -> None:
    sent = httpx.post(f"{share['url']}/events", json={"kind": kind, "value": value},
                      headers=headers)  # fmt: skip
    assert sent.status_code == 204, sent.text


def _get(server: InProcessServer, token: str, path: str) -> Any:
    answer = httpx.get(f"{server.url}/api/v1{path}", headers=auth(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.slow
def test_aggregate_shows_totals_over_all_recipients_and_never_who_watched(
    server: InProcessServer, small_clip: Path
) -> None:
    admin = server.create_token("agg-admin", admin=True)
    ann, bob = server.create_token("agg-ann"), server.create_token("agg-bob")
    _policy(server, admin, "identified")
    early = create_and_publish(server.url, ann, {"video.mp4": small_clip})
    _beacon(early, "opened")  # stored per share while the policy was "identified"
    assert _get(server, ann, f"/shares/{early['id']}")["views"] == 1

    _policy(server, admin, "aggregate")
    first = create_and_publish(server.url, ann, {"video.mp4": small_clip})
    second = create_and_publish(server.url, ann, {"video.mp4": small_clip})
    other = create_and_publish(server.url, bob, {"video.mp4": small_clip})
    for share in (first, second, other):
        _beacon(share, "opened")
    _beacon(first, "play")
    _beacon(first, "progress", 50)
    _beacon(first, "progress", 100)
    _beacon(second, "opened", **{"Sec-GPC": "1"})  # opted out: not even counted

    for share in (early, first, second):
        one = _get(server, ann, f"/shares/{share['id']}")
        assert one["analytics"] == "aggregate"
        assert one["views"] is None and one["max_watched_percent"] is None
        assert one["events"] == []
    listed = _get(server, ann, "/shares")
    assert listed and all(s["views"] is None and s["max_watched_percent"] is None for s in listed)

    assert _get(server, ann, "/views") == {
        "analytics": "aggregate", "shares": 3, "opened": 3, "played": 1,
        "watched_to_end": 1, "materials_opened": 0,
    }  # fmt: skip
    assert _get(server, bob, "/views")["opened"] == 1
    everyone = _get(server, admin, "/views")
    assert everyone["opened"] >= 4 and everyone["shares"] >= 4

    # Nothing stored names the shares viewed under "aggregate".
    with server.state.sessions() as s:
        rows = s.scalar(
            select(func.count())
            .select_from(ViewEvent)
            .where(ViewEvent.share_id.in_([first["id"], second["id"], other["id"]]))
        )
        document = s.get(ServerDocument, TOTALS)
        assert rows == 0 and document is not None
        for share in (first, second, other):
            assert share["id"] not in document.body and share["token"] not in document.body

    # Back to "identified": what was counted meanwhile stays totals only.
    _policy(server, admin, "identified")
    assert _get(server, ann, f"/shares/{first['id']}")["views"] == 0
    assert _get(server, ann, f"/shares/{early['id']}")["views"] == 1
    assert _get(server, ann, "/views")["opened"] == 3


def test_views_needs_a_token(server: InProcessServer) -> None:
    assert httpx.get(f"{server.url}/api/v1/views").status_code == 401


def test_the_cli_shows_totals_and_says_a_share_has_only_totals(
    server: InProcessServer, small_clip: Path, monkeypatch: Any, capsys: Any
) -> None:
    import io

    from rep_video.cli import main
    from rep_video.share.targets.base import Reservation
    from rep_video.share.targets.registry import get_target

    admin = server.create_token("cli-admin", admin=True)
    cora = server.create_token("agg-cora")
    _policy(server, admin, "aggregate")
    share = create_and_publish(server.url, cora, {"video.mp4": small_clip})
    _beacon(share, "opened")
    _beacon(share, "play")
    monkeypatch.setattr("sys.stdin", io.StringIO(cora + "\n"))
    add = ["targets", "add", "cora", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    capsys.readouterr()
    assert main(["views", "--target", "cora"]) == 0
    out = capsys.readouterr().out
    assert "analytics:  aggregate" in out
    assert "opened:     1" in out and "played:     1" in out and "shares:     1" in out

    target = get_target("cora")
    try:
        reservation = Reservation("cora", share["id"], share["token"], share["url"])
        status = target.status(reservation)
    finally:
        target.close()
    assert status.totals_only and status.views == 0 and status.events == ()

    assert main(["views", "--target", f"folder:{server.data_dir / 'x'}"]) == 2
    assert "records no views" in capsys.readouterr().err


def _concurrent_first_beacons(server: InProcessServer, small_clip: Path) -> None:
    """Beacons at once on a server that has counted nothing yet: the first ones race to make
    the totals row; none is lost and none is a 500."""
    from concurrent.futures import ThreadPoolExecutor

    admin = server.create_token("race-admin", admin=True)
    rep = server.create_token("race-rep")
    _policy(server, admin, "aggregate")
    share = create_and_publish(server.url, rep, {"video.mp4": small_clip})
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(
            lambda _i: httpx.post(f"{share['url']}/events", json={"kind": "opened"}).status_code,
            range(24),
        ))  # fmt: skip
    assert codes == [204] * 24
    assert _get(server, rep, "/views")["opened"] == 24


@pytest.mark.slow
def test_concurrent_beacons_are_all_counted(tmp_path: Path, small_clip: Path) -> None:
    from tests.support.inprocess_server import inprocess_server

    with inprocess_server(tmp_path / "race") as fresh:
        _concurrent_first_beacons(fresh, small_clip)


@pytest.mark.postgres
def test_concurrent_beacons_are_all_counted_postgres(
    pg_url: str, tmp_path: Path, small_clip: Path
) -> None:
    from tests.support.inprocess_server import inprocess_server

    with inprocess_server(tmp_path / "pg", {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}) as fresh:
        _concurrent_first_beacons(fresh, small_clip)
