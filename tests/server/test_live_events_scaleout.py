"""Two share-server processes on one real PostgreSQL: a view recorded by instance A reaches a
rep's event stream open on instance B within 2 s (NOTIFY from A's transaction wakes B's
LISTENing hub, which reads the row from the shared table)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import create_and_publish
from tests.server.test_live_events import Listener
from tests.support.server_process import running_server

pytestmark = [pytest.mark.process, pytest.mark.postgres]


def test_a_view_on_instance_a_reaches_a_stream_on_instance_b(
    pg_url: str, tmp_path: Path, small_clip: Path
) -> None:
    env = {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with (
        running_server(tmp_path / "a", env) as a,
        running_server(tmp_path / "b", env) as b,
    ):
        token = a.create_token("scale-rita")
        share = create_and_publish(a.url, token, {"video.mp4": small_clip})
        on_b = Listener(b.url, token)
        try:
            time.sleep(0.5)  # B's stream is open (its first comment is read)
            page_on_a = share["url"]  # the public URL names A
            answer = httpx.post(f"{page_on_a}/events", json={"kind": "opened"})
            assert answer.status_code == 204
            event = on_b.next(timeout=2.0)  # the bound: within 2 s
            assert json.loads(event.data)["share_id"] == share["id"]
        finally:
            on_b.close()
