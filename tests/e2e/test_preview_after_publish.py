"""The email GIF follows publish (POST /api/v1/shares/{id}/preview), against the real server
process: a live share takes its preview.gif afterwards, which the page's media then serves and
the share's files and audit log name with its sha256; what is not a GIF, does not match its
sha256, is too big, is another rep's share or a revoked one is refused with the reason."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.media.publish.email_gif import make_email_gif
from tests.e2e.test_compose import _served_link, _share, _upload
from tests.server.helpers import auth
from tests.support.clips import make_clip
from tests.support.server_process import ServerProcess, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[ServerProcess]:
    with running_server(tmp_path / "srv") as server:
        yield server


def _post(srv: ServerProcess, token: str, share_id: str, body: tuple[bytes, str | None]
          ) -> httpx.Response:  # fmt: skip
    data, sha = body
    headers = {**auth(token), "Content-Type": "image/gif"}
    if sha is not None:
        headers["X-Content-SHA256"] = sha
    return httpx.post(f"{srv.url}/api/v1/shares/{share_id}/preview", content=data,
                      headers=headers, timeout=30)  # fmt: skip


def _body(data: bytes, sha: str | None = None) -> tuple[bytes, str | None]:
    return data, sha or hashlib.sha256(data).hexdigest()


def test_a_live_share_takes_its_gif_after_publish(srv: ServerProcess, tmp_path: Path) -> None:
    rita = srv.create_token("rita")
    clip = make_clip(tmp_path / "c.mp4", duration=1.0, size=(160, 96))
    video = clip.read_bytes()
    share = _share(srv, rita, {"video.mp4": video})
    _upload(share, rita, "video.mp4", video, tmp_path)
    r = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/publish", headers=auth(rita))
    assert r.status_code == 200, r.text
    link = share["url"]
    assert httpx.get(f"{link}/media/preview.gif").status_code == 404  # not there yet
    gif = make_email_gif(clip, tmp_path / "preview.gif").read_bytes()

    def refused(body: Any, says: str, status: int = 422, token: str = rita) -> None:
        r = _post(srv, token, share["id"], body)
        assert r.status_code == status, r.text
        assert says in r.text, r.text

    refused(_body(b"\x89PNG\r\n\x1a\n" + gif[8:]), "not a GIF")
    refused(_body(gif, "0" * 64), "does not match X-Content-SHA256")
    refused((gif, None), "X-Content-SHA256")
    refused((gif, "not hex"), "64 hex digits")
    refused((b"x" * (2 * 1024 * 1024 + 1), "0" * 64), "over 2097152 bytes", 413)
    refused(_body(gif), "no such share", 404, srv.create_token("otto"))

    r = _post(srv, rita, share["id"], _body(gif))
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "live"
    files = {f["name"]: f for f in r.json()["files"]}
    assert files["preview.gif"]["size"] == len(gif) and files["preview.gif"]["uploaded"]
    served = httpx.get(f"{link}/media/preview.gif", timeout=30)
    assert served.status_code == 200 and served.content == gif
    assert served.headers["content-type"] == "image/gif"
    assert hashlib.sha256(_served_link(share)).hexdigest() == hashlib.sha256(video).hexdigest()
    with sqlite3.connect(srv.data_dir / "server.sqlite3") as db:
        rows = db.execute("SELECT action, body FROM audit_records WHERE share_id = ? "
                          "ORDER BY seq", (share["id"],)).fetchall()  # fmt: skip
    actions = [a for a, _ in rows]
    assert hashlib.sha256(gif).hexdigest() in rows[-1][1]  # the record names its hash
    assert actions[-2:] == ["publish", "preview added"], actions

    revoked = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(rita))
    assert revoked.status_code == 200, revoked.text
    refused(_body(gif), "the share is revoked", 409)
