"""GET /api/v1/events: a rep's Server-Sent Events stream. A beacon kept on the page reaches the
rep's open stream (and no other rep's), a stream resumes after the id it last saw, heartbeats
keep an idle stream talking, a bad or missing token is refused, and under
`analytics = "aggregate"` no event names a share or a physician."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.share.live_stream import SseEvent, parse_events
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer


class Listener:
    """An open event stream read on a thread: what arrives goes into `events`."""

    def __init__(self, url: str, token: str, last_id: str | None = None) -> None:
        self.events: queue.Queue[SseEvent] = queue.Queue()
        self.comments = 0
        self._stop = threading.Event()
        headers = auth(token) | ({"Last-Event-ID": last_id} if last_id else {})
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=30))
        self._response = self._client.send(
            self._client.build_request("GET", f"{url}/api/v1/events", headers=headers),
            stream=True,
        )
        assert self._response.status_code == 200, self._response.read()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for event in parse_events(self._response.iter_lines()):
                if event.is_comment:
                    self.comments += 1
                else:
                    self.events.put(event)
        except httpx.HTTPError:
            pass  # closed by the test

    def next(self, timeout: float = 5.0) -> SseEvent:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self._response.close()
        self._client.close()


@pytest.fixture
def listeners() -> Iterator[list[Listener]]:
    made: list[Listener] = []
    yield made
    for listener in made:
        listener.close()


def _beacon(share: dict[str, Any], kind: str, value: object = None) -> None:
    sent = httpx.post(f"{share['url']}/events", json={"kind": kind, "value": value})
    assert sent.status_code == 204, sent.text


def _policy(server: InProcessServer, analytics: str) -> None:
    admin = server.create_token("live-admin", admin=True)
    answer = httpx.put(
        f"{server.url}/api/v1/admin/policy", json={"analytics": analytics}, headers=auth(admin)
    )
    assert answer.status_code == 200, answer.text


def test_a_view_reaches_the_reps_stream_and_resumes_after_its_id(
    server: InProcessServer, small_clip: Path, listeners: list[Listener]
) -> None:
    _policy(server, "identified")
    rita, otto = server.create_token("live-rita"), server.create_token("live-otto")
    share = create_and_publish(server.url, rita, {"video.mp4": small_clip})
    mine = Listener(server.url, rita)
    other = Listener(server.url, otto)
    listeners += [mine, other]
    _beacon(share, "opened")
    _beacon(share, "progress", 75)
    first, second = mine.next(), mine.next()
    assert first.event == "view" and second.event == "view"
    seen = [json.loads(first.data), json.loads(second.data)]
    assert [(d["kind"], d["value"], d["share_id"]) for d in seen] == [
        ("opened", None, share["id"]),
        ("progress", "75", share["id"]),
    ]
    assert seen[0]["recipient"] == "Dr. Ada Lovelace"
    assert int(second.id) > int(first.id)
    with pytest.raises(queue.Empty):
        other.next(timeout=1.0)  # another rep's stream hears nothing of it

    # Resumed after the first event: the second comes again, then what happens next.
    resumed = Listener(server.url, rita, last_id=first.id)
    listeners.append(resumed)
    assert resumed.next().id == second.id
    _beacon(share, "play")
    assert json.loads(resumed.next().data)["kind"] == "play"
    assert json.loads(mine.next().data)["kind"] == "play"


def test_refusals(server: InProcessServer) -> None:
    missing = httpx.get(f"{server.url}/api/v1/events")
    assert missing.status_code == 401
    wrong = httpx.get(f"{server.url}/api/v1/events", headers=auth("rvk_not-a-token"))
    assert wrong.status_code == 401
    rita = server.create_token("live-bad-id")
    bad = httpx.get(
        f"{server.url}/api/v1/events", headers=auth(rita) | {"Last-Event-ID": "yesterday"}
    )
    assert bad.status_code == 400
    assert "Last-Event-ID" in bad.json()["detail"]


@pytest.mark.slow
def test_heartbeat_comments_on_an_idle_stream(tmp_path: Path, listeners: list[Listener]) -> None:
    from tests.support.inprocess_server import inprocess_server

    env = {"REP_VIDEO_SERVER_EVENTS_HEARTBEAT_SECONDS": "0.2"}
    with inprocess_server(tmp_path / "srv", env) as quick:
        listener = Listener(quick.url, quick.create_token("idle"))
        listeners.append(listener)
        threading.Event().wait(1.5)
        assert listener.comments >= 3  # "connected", then a keep-alive every 0.2 s
        listener.close()


def test_aggregate_events_name_no_share_and_no_physician(
    server: InProcessServer, small_clip: Path, listeners: list[Listener]
) -> None:
    rita = server.create_token("live-agg")
    share = create_and_publish(server.url, rita, {"video.mp4": small_clip})
    _policy(server, "aggregate")
    try:
        mine = Listener(server.url, rita)
        listeners.append(mine)
        _beacon(share, "opened")
        data = json.loads(mine.next().data)
        assert data["kind"] == "opened"
        assert data["share_id"] is None and "recipient" not in data
    finally:
        _policy(server, "identified")


def test_parse_events_follows_the_stream_format() -> None:
    lines = [": hello", "retry: 3000", "id: 7", "event: view", "data: {\"a\":", "data: 1}", "",
             "data: no id", "", "id: 8", ""]  # fmt: skip
    found = list(parse_events(lines))
    assert found[0] == SseEvent(data="hello", is_comment=True)
    assert found[1] == SseEvent("view", '{"a":\n1}', "7")
    assert found[2] == SseEvent("message", "no id", "7")  # the last id stays until changed
    assert len(found) == 3  # an id alone dispatches nothing


def test_the_core_client_hears_views_and_resumes_after_a_stop(
    server: InProcessServer, small_clip: Path
) -> None:
    import requests

    from rep_video.share.live_stream import LiveEvent, LiveStream

    _policy(server, "identified")
    token = server.create_token("live-core")
    share = create_and_publish(server.url, token, {"video.mp4": small_clip})
    heard: queue.Queue[LiveEvent] = queue.Queue()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    statuses: list[str] = []
    stream = LiveStream(session, server.url, heard.put, statuses.append)
    runner = threading.Thread(target=stream.run, daemon=True)
    runner.start()
    try:
        _wait_connected(statuses)
        _beacon(share, "opened")
        event = heard.get(timeout=5)
        assert (event.kind, event.share_id, event.recipient) == (
            "opened", share["id"], "Dr. Ada Lovelace",
        )  # fmt: skip
    finally:
        stream.stop()
        runner.join(5)
    assert not runner.is_alive()  # stop ends a blocked read at once
    _beacon(share, "progress", 50)  # while nobody listens
    again = LiveStream(session, server.url, heard.put, statuses.append)
    again.last_id = stream.last_id
    runner = threading.Thread(target=again.run, daemon=True)
    runner.start()
    try:
        missed = heard.get(timeout=5)
        assert (missed.kind, missed.value) == ("progress", "50")
    finally:
        again.stop()
        runner.join(5)


def test_stop_ends_a_blocked_read_at_once(tmp_path: Path) -> None:
    """The app calls `stop` on the UI thread (on quit): it must not wait for the read on the
    stream's thread, which with a heartbeat a minute away would block until the read timeout."""
    import requests

    from rep_video.share.live_stream import READ_TIMEOUT, LiveStream
    from tests.support.inprocess_server import inprocess_server

    env = {"REP_VIDEO_SERVER_EVENTS_HEARTBEAT_SECONDS": "60"}
    assert READ_TIMEOUT > 10  # else the read timeout could be what ends it
    with inprocess_server(tmp_path / "srv", env) as idle:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {idle.create_token('live-stop')}"
        statuses: list[str] = []
        stream = LiveStream(session, idle.url, lambda _e: None, statuses.append)
        runner = threading.Thread(target=stream.run, daemon=True)
        runner.start()
        _wait_connected(statuses)
        threading.Event().wait(0.3)  # past the "connected" comment: in the blocking read
        stopper = threading.Thread(target=stream.stop, daemon=True)
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive(), "stop() waited on the blocked read"
        runner.join(10)
        assert not runner.is_alive(), "the read went on after stop()"
        assert statuses == ["live"]  # a stop, not an interruption reported to the rep
        session.close()


def _wait_connected(statuses: list[str]) -> None:
    for _ in range(100):
        if "live" in statuses:
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"never connected: {statuses}")
