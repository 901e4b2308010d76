"""A share created before its files exist (the app reserves the link when the rep presses
Send, then makes the media): its page says "on its way", publishing waits for the files to be
declared, and a declaration can be repeated or changed without losing good uploads."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from pathlib import Path

import httpx

from tests.server.helpers import auth, create_body, manifest, sha256, tus_upload
from tests.support.inprocess_server import InProcessServer


def _api(server: InProcessServer) -> str:
    return f"{server.url}/api/v1/shares"


def test_create_first_declare_later_then_publish(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, leaflet: Path
) -> None:
    token = tokens["rita"]
    h = auth(token)
    created = httpx.post(_api(server), json={"manifest": manifest().to_dict()}, headers=h)
    assert created.status_code == 201, created.text
    share = created.json()
    assert share["state"] == "pending" and share["files"] == []
    page = httpx.get(share["url"])
    assert page.status_code == 200 and "on its way" in page.text

    # Nothing declared: no upload can start, and publishing says why.
    r = httpx.post(
        share["upload_url"],
        headers={**h, "Tus-Resumable": "1.0.0", "Upload-Length": "10",
                 "Upload-Metadata": "share " + _b64(share["id"]) + ",name " + _b64("video.mp4")},
    )  # fmt: skip
    assert r.status_code == 400 and "declared" in r.text
    r = httpx.post(f"{_api(server)}/{share['id']}/publish", headers=h)
    assert r.status_code == 409 and r.json()["detail"] == "no files declared yet"

    # The media exists now: declare it with the final manifest (a new message, say).
    final = dataclasses.replace(manifest(), message="The final words.", duration=1.0)
    files = {"video.mp4": small_clip, "files/l.pdf": leaflet}
    body = create_body(final, files)
    r = httpx.put(f"{_api(server)}/{share['id']}/files", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert [f["name"] for f in r.json()["files"]] == ["video.mp4", "files/l.pdf"]
    tus_upload(share["upload_url"], token, share["id"], "video.mp4", small_clip)
    # Declared again (a retry after a crash): the finished upload is kept.
    r = httpx.put(f"{_api(server)}/{share['id']}/files", json=body, headers=h)
    assert {f["name"]: f["uploaded"] for f in r.json()["files"]} == {
        "video.mp4": True, "files/l.pdf": False,
    }  # fmt: skip
    tus_upload(share["upload_url"], token, share["id"], "files/l.pdf", leaflet)
    r = httpx.post(f"{_api(server)}/{share['id']}/publish", headers=h, timeout=60)
    assert r.status_code == 200, r.text

    page = httpx.get(share["url"])
    assert page.status_code == 200 and "The final words." in page.text
    video = httpx.get(f"{share['url']}/media/video.mp4")
    assert video.status_code == 200 and sha256_bytes(video.content) == sha256(small_clip)
    # Live: the files can no longer change.
    r = httpx.put(f"{_api(server)}/{share['id']}/files", json=body, headers=h)
    assert r.status_code == 409


def test_a_changed_declaration_drops_the_uploads_it_no_longer_matches(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, leaflet: Path
) -> None:
    token = tokens["rita"]
    h = auth(token)
    share = httpx.post(_api(server), json={"manifest": manifest().to_dict()}, headers=h).json()
    url = f"{_api(server)}/{share['id']}/files"
    first = create_body(manifest(), {"video.mp4": small_clip, "files/l.pdf": leaflet})
    assert httpx.put(url, json=first, headers=h).status_code == 200
    tus_upload(share["upload_url"], token, share["id"], "files/l.pdf", leaflet)
    only_video = create_body(manifest(), {"video.mp4": small_clip})
    r = httpx.put(url, json=only_video, headers=h)
    assert r.status_code == 200
    assert r.json()["files"] == [
        {"name": "video.mp4", "size": small_clip.stat().st_size, "uploaded": False}
    ]
    assert not (server.data_dir / "blobs" / "shares" / share["id"] / "files" / "l.pdf").exists()


def test_bad_declarations_are_refused_without_a_5xx(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    h = auth(tokens["rita"])
    share = httpx.post(_api(server), json={"manifest": manifest().to_dict()}, headers=h).json()
    url = f"{_api(server)}/{share['id']}/files"
    r = httpx.put(url, json={"files": []}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "files"]
    r = httpx.put(url, json=create_body(manifest(), {"poster.jpg": small_clip}), headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "files"]
    r = httpx.put(url, json={"manifest": {"rep": {}}, "files": []}, headers=h)
    assert r.status_code == 422
    # Another rep's share is not found; no token is 401.
    body = create_body(manifest(), {"video.mp4": small_clip})
    assert httpx.put(url, json=body, headers=auth(tokens["otto"])).status_code == 404
    assert httpx.put(url, json=body).status_code == 401


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_final_manifest_sets_the_expiry(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    """A take's draft share is created at Record with the policy's expiry counted from then;
    the manifest declared at Send brings the expiry counted from Send, and the share keeps it."""
    from datetime import UTC, datetime, timedelta

    h = auth(tokens["rita"])
    at_record = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    draft = dataclasses.replace(manifest(), expires_at=at_record)
    created = httpx.post(_api(server), json={"manifest": draft.to_dict()}, headers=h)
    assert created.status_code == 201, created.text
    share = created.json()
    at_send = at_record + timedelta(hours=2)  # the rep talked, trimmed and sent two hours on
    final = dataclasses.replace(manifest(), expires_at=at_send)
    body = {"manifest": final.to_dict(), "files": [
        {"name": "video.mp4", "size": 10, "sha256": "0" * 64}]}  # fmt: skip
    r = httpx.put(f"{_api(server)}/{share['id']}/files", json=body, headers=h)
    assert r.status_code == 200, r.text
    got = httpx.get(f"{_api(server)}/{share['id']}", headers=h).json()["expires_at"]
    assert datetime.fromisoformat(got.replace("Z", "+00:00")) == at_send
