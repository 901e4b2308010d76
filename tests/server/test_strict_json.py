"""JSON bodies that Python's json accepts but RFC 8259 does not (NaN, Infinity, 1e999, a lone
surrogate escape), a key given twice, a body that is not UTF-8 under another content type, and
a body streamed in chunks past the limit: each was a 500, or read whole into memory before the
token was looked at. Against the in-process server (a real uvicorn), as raw bytes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from rep_video.server import json_body
from tests.server.helpers import auth, create_body, manifest
from tests.support.inprocess_server import InProcessServer, inprocess_server

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def pending(server: InProcessServer, tokens: dict[str, str], small_clip: Path) -> dict[str, Any]:
    body = create_body(manifest(), {"video.mp4": small_clip})
    r = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert r.status_code == 201
    share: dict[str, Any] = r.json()
    return share


NOT_STRICT = [
    (b'{"a": NaN}', "NaN"),
    (b'{"a": -Infinity}', "Infinity"),
    (b'{"a": 1e99999}', "too large"),
    (b'{"a": "\\ud800"}', "lone surrogate"),
    (b'{"a": ["x", {"b": ["\\udfff"]}]}', "lone surrogate"),
    (b'{"\\ud800": 1}', "lone surrogate"),
    (b'{"manifest": {}, "manifest": {}}', "'manifest' appears twice"),
]


@pytest.mark.parametrize(("raw", "said"), NOT_STRICT, ids=[r.decode() for r, _ in NOT_STRICT])
@pytest.mark.parametrize("route", ["create", "files", "patch", "compose", "account", "policy"])
def test_not_strict_json_is_422_naming_it(
    server: InProcessServer,
    tokens: dict[str, str],
    pending: dict[str, Any],
    route: str,
    raw: bytes,
    said: str,
) -> None:
    method, path = {
        "create": ("POST", "/api/v1/shares"),
        "files": ("PUT", f"/api/v1/shares/{pending['id']}/files"),
        "patch": ("PATCH", f"/api/v1/shares/{pending['id']}"),
        "compose": ("POST", f"/api/v1/shares/{pending['id']}/compose"),
        "account": ("POST", "/api/v1/admin/accounts"),
        "policy": ("PUT", "/api/v1/admin/policy"),
    }[route]
    token = tokens["admin" if route in ("account", "policy") else "rita"]
    r = httpx.request(method, server.url + path, content=raw, headers={**auth(token), **JSON})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    assert problem["type"] == "json_invalid" and said in problem["msg"]


def test_a_valid_field_holding_a_lone_surrogate_is_refused(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    body = create_body(manifest(), {"video.mp4": small_clip})
    body["manifest"]["message"] = "\ud800"
    r = httpx.post(
        f"{server.url}/api/v1/shares",
        content=json.dumps(body).encode(),  # ensure_ascii: the escape \\ud800 on the wire
        headers={**auth(tokens["rita"]), **JSON},
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream"])
def test_a_body_not_utf8_under_another_type_is_422_without_echo(
    server: InProcessServer, tokens: dict[str, str], content_type: str
) -> None:
    r = httpx.post(
        f"{server.url}/api/v1/shares",
        content=b"\xff\xfe{" * 1000,
        headers={**auth(tokens["rita"]), "Content-Type": content_type},
    )
    assert r.status_code == 422
    assert len(r.content) < 500  # the body is not sent back
    assert all("input" not in problem for problem in r.json()["detail"])


def _chunks(total: int) -> Iterator[bytes]:
    yield b'{"a": "'
    block = b" " * (1 << 20)
    for _ in range(total // len(block)):
        yield block
    yield b'"}'


@pytest.mark.parametrize("token", [None, "rita"])
def test_a_chunked_body_past_the_limit_is_413_before_it_is_all_read(
    server: InProcessServer, tokens: dict[str, str], token: str | None
) -> None:
    headers = {**JSON, **(auth(tokens[token]) if token else {})}
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for chunk in _chunks(json_body.MAX_BODY + (8 << 20)):
            sent += len(chunk)
            yield chunk

    try:
        r = httpx.post(f"{server.url}/api/v1/shares", content=body(), headers=headers)
    except httpx.TransportError:
        pass  # the server answered and closed while the rest was still being sent
    else:
        assert r.status_code == 413
        assert str(json_body.MAX_BODY) in r.json()["detail"]
    assert sent < json_body.MAX_BODY + (8 << 20)


def test_a_chunked_body_under_the_limit_still_reaches_the_route(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    raw = httpx.Request("POST", "/", json=create_body(manifest(), {"video.mp4": small_clip}))
    pieces = iter([raw.content[:10], raw.content[10:]])
    r = httpx.post(
        f"{server.url}/api/v1/shares", content=pieces, headers={**auth(tokens["rita"]), **JSON}
    )
    assert r.status_code == 201, r.text


def test_loads_takes_ordinary_json() -> None:
    value = {"a": [1, 2.5, "é", {"b": None}], "c": True, "d": "\U0001f600"}
    assert json_body.loads(httpx.Request("POST", "/", json=value).content) == value
    assert json_body.loads(b'["\\ud83d\\ude00"]') == ["\U0001f600"]  # a pair is one character


@pytest.fixture(scope="module")
def quick_idle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    with inprocess_server(tmp_path_factory.mktemp("idle"), patch_idle_seconds=1) as srv:
        yield srv


def test_a_body_that_stops_arriving_is_408_not_held_for_ever(quick_idle: InProcessServer) -> None:
    # No token needed to hold a connection: the body is read before the token is looked at.
    parts = urlsplit(quick_idle.url)
    head = (
        "POST /api/v1/shares HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as stalled:
        stalled.sendall(head.encode() + b'{"manif')
        answer = stalled.recv(1000)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"the body stopped arriving" in answer


@pytest.mark.parametrize("path", ["/s/nosuchtoken/events", "/s/nosuchtoken/answer"])
def test_a_page_post_that_stops_arriving_is_408_too(quick_idle: InProcessServer, path: str) -> None:
    parts = urlsplit(quick_idle.url)
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as stalled:
        stalled.sendall(head.encode() + b"action=")
        assert stalled.recv(1000).startswith(b"HTTP/1.1 408")
