"""tus 1.0.0 against a real server process: discovery, creation, resume after a cut PATCH,
checksum mismatch (460, offset unchanged), termination, expiration, limits, name checks."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from tusclient import client as tus_client

from tests.server.helpers import auth, create_body, cut_patch, manifest, sha256, tus_upload
from tests.support.clips import make_clip
from tests.support.inprocess_server import InProcessServer, inprocess_server

TUS = {"Tus-Resumable": "1.0.0"}


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _new_share(srv: InProcessServer, token: str, files: dict[str, Path]) -> dict[str, str]:
    r = httpx.post(
        f"{srv.url}/api/v1/shares", json=create_body(manifest(), files), headers=auth(token)
    )
    assert r.status_code == 201, r.text
    return r.json()


def _create_upload(srv: InProcessServer, token: str, share_id: str, name: str, length: int) -> str:
    r = httpx.post(
        f"{srv.url}/api/v1/uploads",
        headers={
            **TUS,
            **auth(token),
            "Upload-Length": str(length),
            "Upload-Metadata": _meta(share=share_id, name=name),
        },
    )
    assert r.status_code == 201, r.text
    return r.headers["location"]


def _raw_patch(url: str, token: str, length: int, extra: str = "") -> tuple[bytes, tuple[str, int]]:
    """The head of a PATCH from offset 0, for tests that send its body by hand, and where to."""
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
        "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()
    return head, (parts.hostname, parts.port)


def _offset(url: str, token: str) -> int:
    r = httpx.head(url, headers={**TUS, **auth(token)})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    return int(r.headers["upload-offset"])


def _patch(url: str, token: str, offset: int, data: bytes, checksum: str | None = None):
    headers = {
        **TUS,
        **auth(token),
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
    }
    if checksum:
        headers["Upload-Checksum"] = checksum
    return httpx.patch(url, content=data, headers=headers)


def _digest(algo: str, data: bytes) -> str:
    return f"{algo} {base64.b64encode(hashlib.new(algo, data).digest()).decode()}"


def test_discovery(server: InProcessServer) -> None:
    r = httpx.options(f"{server.url}/api/v1/uploads")
    assert r.status_code == 204
    assert r.headers["tus-version"] == "1.0.0"
    assert set(r.headers["tus-extension"].split(",")) == {
        "creation",
        "expiration",
        "checksum",
        "termination",
    }
    assert set(r.headers["tus-checksum-algorithm"].split(",")) == {"sha1", "sha256"}
    assert int(r.headers["tus-max-size"]) > 0


def test_resume_after_a_cut_patch_with_tuspy(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    token = tokens["rita"]
    share = _new_share(server, token, {"video.mp4": small_clip})
    data = small_clip.read_bytes()
    url = _create_upload(server, token, share["id"], "video.mp4", len(data))
    cut_patch(url, token, 0, data, send=70_000)
    deadline = time.monotonic() + 10
    while (kept := _offset(url, token)) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert 0 < kept <= 70_000  # what arrived before the cut is kept
    # tuspy asks HEAD for the offset and sends only the rest.
    tc = tus_client.TusClient(share["upload_url"], headers=auth(token))
    with open(small_clip, "rb") as stream:
        uploader = tc.uploader(file_stream=stream, url=url, chunk_size=64_000)
        assert uploader.offset == kept
        uploader.upload()
    assert _offset(url, token) == len(data)
    r = httpx.post(f"{server.url}/api/v1/shares/{share['id']}/publish", headers=auth(token))
    assert r.status_code == 200, r.text  # the stored bytes match the declared sha256
    served = httpx.get(f"{share['url']}/media/video.mp4")
    assert hashlib.sha256(served.content).hexdigest() == sha256(small_clip)


@pytest.mark.parametrize("algo", ["sha256", "sha1"])
def test_checksum_mismatch_is_460_and_keeps_the_offset(
    server: InProcessServer, tokens: dict[str, str], leaflet: Path, algo: str
) -> None:
    token = tokens["rita"]
    data = leaflet.read_bytes()
    share = _new_share(server, token, {"video.mp4": leaflet, "files/l.pdf": leaflet})
    url = _create_upload(server, token, share["id"], "files/l.pdf", len(data))
    assert _patch(url, token, 0, data[:1000], _digest(algo, data[:1000])).status_code == 204
    bad = _patch(url, token, 1000, data[1000:2000], _digest(algo, b"something else"))
    assert bad.status_code == 460
    assert _offset(url, token) == 1000
    good = _patch(url, token, 1000, data[1000:], _digest(algo, data[1000:]))
    assert good.status_code == 204
    assert int(good.headers["upload-offset"]) == len(data)
    unknown = _patch(url, token, len(data), b"", "md5 AAAA")
    assert unknown.status_code in (400, 409)


@pytest.mark.slow
def test_protocol_errors(server: InProcessServer, tokens: dict[str, str], leaflet: Path) -> None:
    token = tokens["rita"]
    data = leaflet.read_bytes()
    share = _new_share(server, token, {"video.mp4": leaflet})
    url = _create_upload(server, token, share["id"], "video.mp4", len(data))
    assert _patch(url, token, 5, data[:10]).status_code == 409  # wrong offset
    r = httpx.patch(url, content=b"x", headers={**auth(token), "Upload-Offset": "0"})
    assert r.status_code in (412, 415)
    assert httpx.head(url, headers=auth(token)).status_code == 412  # no Tus-Resumable
    assert httpx.head(url, headers=TUS).status_code == 401
    assert httpx.head(url, headers={**TUS, **auth(tokens["otto"])}).status_code == 404
    too_much = _patch(url, token, 0, data + b"extra")
    assert too_much.status_code == 413
    assert _offset(url, token) == 0
    headers = {**TUS, **auth(token), "Content-Type": "application/offset+octet-stream"}
    for offset in ("-1", "abc", "9" * 30):
        r = httpx.patch(url, content=b"x", headers={**headers, "Upload-Offset": offset})
        assert r.status_code == 400


def test_termination(server: InProcessServer, tokens: dict[str, str], leaflet: Path) -> None:
    token = tokens["rita"]
    data = leaflet.read_bytes()
    share = _new_share(server, token, {"video.mp4": leaflet})
    url = _create_upload(server, token, share["id"], "video.mp4", len(data))
    assert _patch(url, token, 0, data[:500]).status_code == 204
    upload_id = url.rsplit("/", 1)[1]
    staged = server.data_dir / "uploads" / upload_id
    assert staged.exists()
    assert httpx.delete(url, headers={**TUS, **auth(tokens["otto"])}).status_code == 404
    assert httpx.delete(url, headers={**TUS, **auth(token)}).status_code == 204
    assert httpx.head(url, headers={**TUS, **auth(token)}).status_code == 404
    assert not staged.exists()


@pytest.mark.parametrize(
    "name",
    [
        "../video.mp4",
        "/etc/passwd",
        "files/../../x",
        "files/a\\b.pdf",
        "files/a\x00b.pdf",
        "files/" + "a" * 300,
        "files/",
        "files/sub/dir.pdf",
        "other.mp4",
        "files/..",
    ],
)
def test_path_tricks_are_rejected(
    server: InProcessServer, tokens: dict[str, str], leaflet: Path, name: str
) -> None:
    token = tokens["rita"]
    body = create_body(manifest(), {"video.mp4": leaflet})
    body["files"].append({"name": name, "size": 1, "sha256": "0" * 64})
    r = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(token))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "files", 1, "name"]
    share = _new_share(server, token, {"video.mp4": leaflet})
    r = httpx.post(
        f"{server.url}/api/v1/uploads",
        headers={
            **TUS,
            **auth(token),
            "Upload-Length": "1",
            "Upload-Metadata": _meta(share=share["id"], name=name),
        },
    )
    assert r.status_code == 400


# A server with tight limits: tiny size policy and uploads that expire in 2 s.
@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    env = {
        "REP_VIDEO_SERVER_MAX_UPLOAD_BYTES": "100000",
        "REP_VIDEO_SERVER_UPLOAD_EXPIRY_SECONDS": "2",
        "REP_VIDEO_SERVER_CLEANUP_INTERVAL_SECONDS": "1",
        "REP_VIDEO_SERVER_MAX_VIDEO_SECONDS": "1.5",
        "REP_VIDEO_SERVER_PATCH_IDLE_SECONDS": "2",
    }
    with inprocess_server(tmp_path_factory.mktemp("strict"), env) as srv:
        yield srv


def test_oversize_is_413(strict: InProcessServer, leaflet: Path, small_clip: Path) -> None:
    token = strict.create_token("rita")
    assert small_clip.stat().st_size > 100_000
    r = httpx.post(
        f"{strict.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": small_clip}),
        headers=auth(token),
    )
    assert r.status_code == 413
    share = _new_share(strict, token, {"video.mp4": leaflet})
    r = httpx.post(
        f"{strict.url}/api/v1/uploads",
        headers={
            **TUS,
            **auth(token),
            "Upload-Length": "100001",
            "Upload-Metadata": _meta(share=share["id"], name="video.mp4"),
        },
    )
    assert r.status_code == 413


@pytest.mark.slow
def test_abandoned_uploads_expire(strict: InProcessServer, leaflet: Path) -> None:
    token = strict.create_token("rita")
    data = leaflet.read_bytes()
    share = _new_share(strict, token, {"video.mp4": leaflet})
    r = httpx.post(
        f"{strict.url}/api/v1/uploads",
        headers={
            **TUS,
            **auth(token),
            "Upload-Length": str(len(data)),
            "Upload-Metadata": _meta(share=share["id"], name="video.mp4"),
        },
    )
    expires = parsedate_to_datetime(r.headers["upload-expires"])
    assert 0 < (expires - parsedate_to_datetime(r.headers["date"])).total_seconds() <= 3
    url = r.headers["location"]
    assert _patch(url, token, 0, data[:100]).status_code == 204
    staged = strict.data_dir / "uploads" / url.rsplit("/", 1)[1]
    assert staged.exists()
    deadline = time.monotonic() + 10
    while staged.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not staged.exists()  # the periodic clean-up removed the stray bytes
    assert httpx.head(url, headers={**TUS, **auth(token)}).status_code in (404, 410)
    assert _patch(url, token, 100, data[100:200]).status_code in (404, 410)


def test_length_policy(strict: InProcessServer, tmp_path: Path) -> None:
    token = strict.create_token("rita")
    clip = make_clip(tmp_path / "long.mp4", duration=2.5, size=(160, 90), fps=10)
    assert clip.stat().st_size < 100_000
    share = _new_share(strict, token, {"video.mp4": clip})
    tus_upload(share["upload_url"], token, share["id"], "video.mp4", clip)
    r = httpx.post(f"{strict.url}/api/v1/shares/{share['id']}/publish", headers=auth(token))
    assert r.status_code == 422
    assert "over the 1.5 s limit" in r.json()["detail"]


@pytest.mark.slow
def test_a_newer_patch_takes_over_from_a_stalled_one(
    server: InProcessServer, tokens: dict[str, str], leaflet: Path
) -> None:
    """Wi-Fi gone without a FIN (a phone changing networks): the old PATCH's connection stays
    open and silent. HEAD answers at once with the committed offset, and the client's next
    PATCH from there takes over at once, long before patch_idle_seconds (30 s here) ran out."""
    token = tokens["rita"]
    data = leaflet.read_bytes()
    share = _new_share(server, token, {"video.mp4": leaflet})
    url = _create_upload(server, token, share["id"], "video.mp4", len(data))
    head, address = _raw_patch(url, token, len(data))
    with socket.create_connection(address) as stalled:
        stalled.sendall(head + data[:4000])
        time.sleep(0.3)
        started = time.monotonic()
        kept = _offset(url, token)
        assert time.monotonic() - started < 1.0  # was 5 s, and then the same stale offset
        assert kept == 0  # nothing of the stalled PATCH is committed
        started = time.monotonic()
        r = _patch(url, token, kept, data)
        assert r.status_code == 204, r.text
        assert time.monotonic() - started < 5.0  # was 423 after waiting 35 s
        assert int(r.headers["upload-offset"]) == len(data)
        stalled.settimeout(5)
        assert stalled.recv(200).startswith(b"HTTP/1.1 409")  # the stalled one was told
    assert _offset(url, token) == len(data)


@pytest.fixture(scope="module")
def idle_cut(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    # The upload outlives the idle time by far: with both at 2 s (`strict`) a loaded machine
    # could see the upload expire before the silent PATCH was cut.
    env = {
        "REP_VIDEO_SERVER_PATCH_IDLE_SECONDS": "2",
        "REP_VIDEO_SERVER_UPLOAD_EXPIRY_SECONDS": "60",
    }
    with inprocess_server(tmp_path_factory.mktemp("idle"), env) as srv:
        yield srv


@pytest.mark.slow
def test_a_stalled_patch_alone_counts_as_cut_after_the_idle_time(
    idle_cut: InProcessServer, leaflet: Path
) -> None:
    """With no newer PATCH the silent one ends after patch_idle_seconds and keeps what arrived
    (no checksum), so a client that reconnects later loses nothing."""
    strict = idle_cut
    token = strict.create_token("rita")
    data = leaflet.read_bytes()
    share = _new_share(strict, token, {"video.mp4": leaflet})
    url = _create_upload(strict, token, share["id"], "video.mp4", len(data))
    head, address = _raw_patch(url, token, len(data))
    with socket.create_connection(address) as stalled:
        stalled.sendall(head + data[:4000])
        deadline = time.monotonic() + 6
        while (kept := _offset(url, token)) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kept == 4000
        r = _patch(url, token, kept, data[kept:])
        assert r.status_code == 204
        assert int(r.headers["upload-offset"]) == len(data)


@pytest.mark.slow
def test_a_slow_patch_outlives_the_expiry_and_completes(
    strict: InProcessServer, leaflet: Path
) -> None:
    """Hotel Wi-Fi: one PATCH trickles for longer than the upload expiry (2 s here, swept
    every second). Bytes still arriving mean the upload is alive: it completes, not 404."""
    token = strict.create_token("rita")
    data = leaflet.read_bytes()
    share = _new_share(strict, token, {"video.mp4": leaflet})
    url = _create_upload(strict, token, share["id"], "video.mp4", len(data))
    head, address = _raw_patch(url, token, len(data), "Connection: close\r\n")
    pieces = [data[i : i + len(data) // 10 + 1] for i in range(0, len(data), len(data) // 10 + 1)]
    with socket.create_connection(address) as slow:
        slow.sendall(head)
        for piece in pieces:  # ~5 s in all, each gap well under patch_idle_seconds
            slow.sendall(piece)
            time.sleep(0.5)
        slow.settimeout(10)
        status_line = slow.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"204", status_line
    assert _offset(url, token) == len(data)


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/v1/uploads", "POST, OPTIONS"),
        ("/api/v1/uploads/abc", "HEAD, PATCH, DELETE, OPTIONS"),
        ("/api/v1/shares", "GET, POST, OPTIONS"),
        ("/api/v1/shares/abc", "GET, PATCH, OPTIONS"),
        ("/s/abc/media/video.mp4", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_names_the_allowed_methods(server: InProcessServer, path: str, allow: str) -> None:
    r = httpx.options(f"{server.url}{path}")
    assert r.status_code == 204
    assert r.headers["allow"] == allow  # was missing (tus) or a 405 (the rest)
    wrong = httpx.request("TRACE" if "media" in path else "PUT", f"{server.url}{path}")
    assert wrong.status_code == 405 and wrong.headers["allow"] == allow
    assert httpx.options(f"{server.url}/no/such/path").status_code == 404
