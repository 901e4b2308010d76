"""Every kind of request that hand-made probing of a live server turned into a 500 (24 kinds
from 11 places) answers 4xx, against a real server process. Header values are sent as raw
bytes: b"\\xb2" is what a client puts on the wire for "²" (HTTP headers are Latin-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.inprocess_server import InProcessServer

TUS = {"Tus-Resumable": "1.0.0"}
SUP2, SUP1, SUP3 = b"\xb2", b"\xb9", b"\xb3"  # ² ¹ ³ in Latin-1
LONG = b"7" * 5000


@pytest.fixture(scope="module")
def live(server: InProcessServer, tokens: dict[str, str], small_clip: Path) -> dict[str, Any]:
    return create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})


RANGES = [
    b"bytes=" + SUP2 + b"-",
    b"bytes=0-" + SUP2,
    b"bytes=-" + SUP2,
    b"bytes=" + SUP1 + SUP2 + b"-",
    b"bytes=" + LONG + b"-",
    b"bytes=0-" + LONG,
]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("header", RANGES, ids=lambda h: h[:20].decode("latin-1"))
def test_odd_range_numbers(live: dict[str, Any], method: str, header: bytes) -> None:
    r = httpx.request(method, f"{live['url']}/media/video.mp4", headers={"Range": header})
    size = int(httpx.head(f"{live['url']}/media/video.mp4").headers["content-length"])
    if header.startswith(b"bytes=" + LONG):
        assert r.status_code == 416  # starts past the end
        assert r.headers["content-range"] == f"bytes */{size}"
    elif header == b"bytes=0-" + LONG:
        assert r.status_code == 206  # valid: everything from 0, the end clamped to the file
        assert r.headers["content-range"] == f"bytes 0-{size - 1}/{size}"
    else:
        assert r.status_code == 200  # not ASCII digits: malformed, ignored (RFC 9110)


def _pending(server: InProcessServer, token: str, clip: Path) -> dict[str, Any]:
    r = httpx.post(
        f"{server.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": clip}),
        headers=auth(token),
    )
    assert r.status_code == 201
    share: dict[str, Any] = r.json()
    return share


def _upload_headers(token: str, share_id: str, length: bytes) -> dict[str, Any]:
    import base64

    meta = f"share {base64.b64encode(share_id.encode()).decode()},name dmlkZW8ubXA0"
    return {**TUS, **auth(token), "Upload-Length": length, "Upload-Metadata": meta}


@pytest.mark.parametrize("length", [SUP2, SUP1 + SUP2 + SUP3], ids=["sup2", "sup123"])
def test_odd_upload_length(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, length: bytes
) -> None:
    token = tokens["rita"]
    share = _pending(server, token, small_clip)
    r = httpx.post(
        f"{server.url}/api/v1/uploads", headers=_upload_headers(token, share["id"], length)
    )
    assert r.status_code == 400
    assert "Upload-Length" in r.text


def test_odd_upload_offset(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    token = tokens["rita"]
    share = _pending(server, token, small_clip)
    size = str(small_clip.stat().st_size).encode()
    created = httpx.post(
        f"{server.url}/api/v1/uploads", headers=_upload_headers(token, share["id"], size)
    )
    assert created.status_code == 201
    r = httpx.patch(
        created.headers["location"],
        content=b"x",
        headers={
            **TUS,
            **auth(token),
            "Upload-Offset": SUP2,
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert r.status_code == 400
    assert "Upload-Offset" in r.text


def test_deeply_nested_event_body(live: dict[str, Any]) -> None:
    r = httpx.post(f"{live['url']}/events", content=b"[" * 1024)
    assert r.status_code == 400


EXTREME_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize("when", EXTREME_DATES)
def test_extreme_expiry_at_create(
    server: InProcessServer, tokens: dict[str, str], when: str
) -> None:
    body = create_body(manifest(), {})
    body["manifest"]["expires_at"] = when
    r = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "manifest", "expires_at"]


@pytest.mark.parametrize("when", [*EXTREME_DATES, 0, 1.5, True])
def test_extreme_or_numeric_expiry_on_patch(
    server: InProcessServer, tokens: dict[str, str], when: object
) -> None:
    h = auth(tokens["rita"])
    share = httpx.post(f"{server.url}/api/v1/shares", json=create_body(manifest(), {}), headers=h)
    r = httpx.patch(
        f"{server.url}/api/v1/shares/{share.json()['id']}", json={"expires_at": when}, headers=h
    )
    assert r.status_code == 422  # 0 used to be accepted as 1970-01-01 (200)
    assert r.json()["detail"][0]["loc"][:2] == ["body", "expires_at"]


def _link(url: str) -> dict[str, Any]:
    return {"id": "site", "title": "Site", "kind": "link", "approval_code": "A-1",
            "version": "1", "expires_on": None, "file_name": None, "url": url,
            "sha256": None, "size": None}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda m: m["rep"].update(email={"x": 1}), ["rep", "email"]),
        (lambda m: m.update(poster={"src": "x"}), ["poster"]),
        (lambda m: m.update(attachments=[_link("javascript:alert(1)")]), ["attachments", 0]),
    ],
    ids=["rep-email-object", "poster-object", "javascript-link"],
)
def test_manifest_the_page_cannot_render_is_refused(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, change: Any, where: list[Any]
) -> None:
    body = create_body(manifest(), {"video.mp4": small_clip})
    change(body["manifest"])
    r = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][: 2 + len(where)] == ["body", "manifest", *where]


def test_file_name_with_a_trailing_newline_is_refused(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, leaflet: Path
) -> None:
    body = create_body(manifest(), {"video.mp4": small_clip, "files/notes.txt": leaflet})
    body["files"][1]["name"] = "files/notes.txt\n"
    r = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "files", 1, "name"]
