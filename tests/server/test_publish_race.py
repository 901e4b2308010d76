"""A published video cannot be swapped. Publish checks the uploads and then goes live; these
tests hold the check at a gate (the app in-process, so the interleaving is exact rather than
left to timing) and, while it waits, try what a rep with a token could: open a new upload of
video.mp4 and finish it after the share is live, or declare other files. The share then
stays pending, and the bytes phones get are always bytes the server checked."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.server import publish
from tests.server.helpers import auth, create_body, manifest
from tests.support.inprocess_server import inprocess_server

TUS = {"Tus-Resumable": "1.0.0"}


class Gate:
    """Stands in front of publish's video check until released."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = publish.video_problem

        def gated(path: Path, max_seconds: float) -> str | None:
            self.reached.set()
            assert self.opened.wait(30)
            return real(path, max_seconds)

        monkeypatch.setattr(publish, "video_problem", gated)


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with inprocess_server(tmp_path / "srv") as srv:
        token = srv.create_token("rita")
        with httpx.Client(base_url=srv.url, timeout=30) as client:
            yield client, auth(token)


def _create_upload(c: httpx.Client, h: dict[str, str], share_id: str, length: int) -> str:
    meta = f"share {base64.b64encode(share_id.encode()).decode()},name dmlkZW8ubXA0"
    r = c.post(
        "/api/v1/uploads",
        headers={**TUS, **h, "Upload-Length": str(length), "Upload-Metadata": meta},
    )
    assert r.status_code == 201, r.text
    return httpx.URL(r.headers["location"]).path


def _patch(c: httpx.Client, h: dict[str, str], path: str, offset: int, data: bytes) -> int:
    headers = {**TUS, **h, "Upload-Offset": str(offset),
               "Content-Type": "application/offset+octet-stream"}  # fmt: skip
    return c.patch(path, content=data, headers=headers).status_code


def _share_with_video(c: httpx.Client, h: dict[str, str], clip: Path) -> dict[str, Any]:
    r = c.post("/api/v1/shares", json=create_body(manifest(), {"video.mp4": clip}), headers=h)
    assert r.status_code == 201
    share: dict[str, Any] = r.json()
    path = _create_upload(c, h, share["id"], clip.stat().st_size)
    assert _patch(c, h, path, 0, clip.read_bytes()) == 204
    return share


class Background:
    """POST publish on another thread; `status()` waits for its answer."""

    def __init__(self, c: httpx.Client, h: dict[str, str], share_id: str) -> None:
        self._status = 0
        self._thread = threading.Thread(target=self._run, args=(c, h, share_id), daemon=True)
        self._thread.start()

    def _run(self, c: httpx.Client, h: dict[str, str], share_id: str) -> None:
        self._status = c.post(f"/api/v1/shares/{share_id}/publish", headers=h).status_code

    def status(self) -> int:
        self._thread.join(30)
        return self._status


def test_an_upload_opened_during_the_check_cannot_replace_the_video(
    app_client: tuple[httpx.Client, dict[str, str]],
    small_clip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, h = app_client
    share = _share_with_video(c, h, small_clip)
    gate = Gate()
    gate.install(monkeypatch)
    publishing = Background(c, h, share["id"])
    assert gate.reached.wait(30)
    # While the check runs: a new upload of video.mp4 with bytes that are no video at all.
    swap = os.urandom(small_clip.stat().st_size)
    path = _create_upload(c, h, share["id"], len(swap))
    assert _patch(c, h, path, 0, swap[:1000]) == 204
    gate.opened.set()
    published = publishing.status()
    _patch(c, h, path, 1000, swap[1000:])  # finish the swap (after the share went live)
    token = share["token"]
    media = c.get(f"/s/{token}/media/video.mp4")
    assert media.content != swap  # the unchecked bytes are never served
    assert published == 409  # what was checked is no longer what is there
    assert c.get(f"/api/v1/shares/{share['id']}", headers=h).json()["state"] == "pending"
    # Publishing now checks the bytes that are there, and refuses them.
    monkeypatch.undo()
    again = c.post(f"/api/v1/shares/{share['id']}/publish", headers=h)
    assert again.status_code == 422
    assert c.get(f"/s/{token}/media/video.mp4").status_code == 404


def test_files_declared_during_the_check_keep_the_share_pending(
    app_client: tuple[httpx.Client, dict[str, str]],
    small_clip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, h = app_client
    share = _share_with_video(c, h, small_clip)
    gate = Gate()
    gate.install(monkeypatch)
    publishing = Background(c, h, share["id"])
    assert gate.reached.wait(30)
    other = {"name": "video.mp4", "size": small_clip.stat().st_size,
             "sha256": hashlib.sha256(b"something else").hexdigest()}  # fmt: skip
    r = c.put(f"/api/v1/shares/{share['id']}/files", json={"files": [other]}, headers=h)
    assert r.status_code == 200
    gate.opened.set()
    assert publishing.status() == 409
    state = c.get(f"/api/v1/shares/{share['id']}", headers=h).json()
    assert state["state"] == "pending"
    assert "changed while they were checked" in state["reason"]


def test_no_upload_progresses_once_the_share_is_not_pending(
    app_client: tuple[httpx.Client, dict[str, str]], small_clip: Path
) -> None:
    c, h = app_client
    r = c.post("/api/v1/shares", json=create_body(manifest(), {"video.mp4": small_clip}), headers=h)
    share = r.json()
    data = small_clip.read_bytes()
    path = _create_upload(c, h, share["id"], len(data))
    assert _patch(c, h, path, 0, data[:1000]) == 204
    assert c.post(f"/api/v1/shares/{share['id']}/revoke", headers=h).status_code == 200
    assert _patch(c, h, path, 1000, data[1000:]) == 410  # was 204: bytes kept arriving
    assert c.head(path, headers={**TUS, **h}).headers["upload-offset"] == "1000"
    meta = f"share {base64.b64encode(share['id'].encode()).decode()},name dmlkZW8ubXA0"
    opened = c.post(
        "/api/v1/uploads",
        headers={**TUS, **h, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
    )
    assert opened.status_code == 409
