"""The whole life of a share against a real server process: create, upload with tuspy,
publish, open the page, fetch media by ranges, report views, revoke. The server runs as the
app's embedded one: the shares carry their own attachment files (an expired one among them),
as the app sends them from its local catalog; test_catalog_server.py has the pushed catalog."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import (
    attachment,
    auth,
    create_and_publish,
    create_body,
    manifest,
    sha256,
)
from tests.support.inprocess_server import InProcessServer, inprocess_server

pytestmark = pytest.mark.embedded_server


@pytest.fixture(scope="module")
def live(
    server: InProcessServer,
    tokens: dict[str, str],
    small_clip: Path,
    leaflet: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, object]:
    m = manifest(
        attachments=(
            attachment("leaflet.pdf", id="leaflet"),
            attachment("old.pdf", id="old", expired=True),
        )
    )
    evil = tmp_path_factory.mktemp("evil") / "evil.html"
    evil.write_text("<script>alert(document.domain)</script>")
    files = {
        "video.mp4": small_clip,
        "files/leaflet.pdf": leaflet,
        "files/old.pdf": leaflet,
        "files/evil.html": evil,
    }
    return create_and_publish(server.url, tokens["rita"], files, m)


def test_share_is_created_with_a_fresh_long_token(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    r = httpx.post(
        f"{server.url}/api/v1/shares",
        json=create_body(manifest(), {"video.mp4": small_clip}),
        headers=auth(tokens["rita"]),
    )
    assert r.status_code == 201
    body = r.json()
    assert body["state"] == "pending"
    assert body["token"] != "client-side-token-is-ignored"
    assert len(body["token"]) >= 22  # ≥ 128 bits in URL-safe base64
    assert body["url"] == f"{server.url}/s/{body['token']}"
    assert body["upload_url"] == f"{server.url}/api/v1/uploads"
    # Before the upload completes the page says the video is on its way.
    page = httpx.get(body["url"])
    assert page.status_code == 200
    assert "on its way" in page.text.lower() or "still uploading" in page.text.lower()


def test_page_is_served_with_strict_headers(live: dict[str, str]) -> None:
    r = httpx.get(live["url"])
    assert r.status_code == 200
    assert "Dr. Ada Lovelace" in r.text
    assert f"/s/{live['token']}/media/video.mp4" in r.text
    csp = r.headers["content-security-policy"]
    for directive in (
        "default-src 'none'",
        "frame-ancestors 'none'",
        "media-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "script-src 'self' 'sha256-" in csp  # the beacon, by hash only
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in r.headers["x-robots-tag"]
    assert "no longer available" in r.text  # the attachment whose approval ran out
    assert "Leaflet leaflet" in r.text


def test_media_ranges(live: dict[str, str], small_clip: Path) -> None:
    url = f"{live['url']}/media/video.mp4"
    data = small_clip.read_bytes()
    size = len(data)

    full = httpx.get(url)
    assert full.status_code == 200
    assert full.content == data
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-type"] == "video/mp4"
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = full.headers["etag"]

    probe = httpx.get(url, headers={"Range": "bytes=0-1"})  # what Safari asks first
    assert probe.status_code == 206
    assert probe.content == data[:2]
    assert probe.headers["content-range"] == f"bytes 0-1/{size}"

    open_ended = httpx.get(url, headers={"Range": "bytes=100-"})
    assert open_ended.status_code == 206
    assert open_ended.content == data[100:]

    suffix = httpx.get(url, headers={"Range": "bytes=-500"})
    assert suffix.status_code == 206
    assert suffix.content == data[-500:]
    assert suffix.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"

    beyond = httpx.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"

    multi = httpx.get(url, headers={"Range": "bytes=0-9,20-29"})
    assert multi.status_code in (200, 206)
    assert multi.content in (data, data[:10])

    cached = httpx.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""

    stale = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == data

    head = httpx.head(url)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == size


def test_attachments(live: dict[str, str], leaflet: Path) -> None:
    ok = httpx.get(f"{live['url']}/media/files/leaflet.pdf")
    assert ok.status_code == 200
    assert hashlib.sha256(ok.content).hexdigest() == sha256(leaflet)
    assert ok.headers["content-type"] == "application/pdf"
    assert ok.headers["content-disposition"].startswith("inline")
    # Shown inline on the share's origin, so sandboxed: no script, no page cookies or storage.
    assert (
        ok.headers["content-security-policy"]
        == "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    # A file that a browser would run (HTML, SVG) is only ever a download.
    html = httpx.get(f"{live['url']}/media/files/evil.html")
    assert html.status_code == 200
    assert html.headers["content-type"] == "application/octet-stream"
    assert html.headers["content-disposition"] == 'attachment; filename="evil.html"'
    assert html.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in html.headers["content-security-policy"]
    video = httpx.get(f"{live['url']}/media/video.mp4", headers={"Range": "bytes=0-1"})
    assert "sandbox" in video.headers["content-security-policy"]
    expired = httpx.get(f"{live['url']}/media/files/old.pdf")
    assert expired.status_code == 410
    assert httpx.get(f"{live['url']}/media/files/nothing.pdf").status_code == 404
    assert httpx.get(f"{live['url']}/media/..%2Fmanifest.json").status_code == 404


def test_views_are_reported_through_the_api(
    server: InProcessServer, tokens: dict[str, str], live: dict[str, str]
) -> None:
    events = f"{live['url']}/events"
    beacon = {"Content-Type": "text/plain;charset=UTF-8"}  # what sendBeacon sends
    for body in (
        '{"kind": "opened"}',
        '{"kind": "play", "value": null}',
        '{"kind": "progress", "value": "25"}',
        '{"kind": "progress", "value": 50}',
        '{"kind": "attachment", "value": "leaflet.pdf"}',
    ):
        assert httpx.post(events, content=body, headers=beacon).status_code == 204
    assert httpx.post(events, content='{"kind": "progress", "value": 33}').status_code == 422
    assert httpx.post(events, content='{"kind": "hack"}').status_code == 422
    assert httpx.post(events, content="not json").status_code == 400
    assert httpx.post(events, content="x" * 5000).status_code == 413

    r = httpx.get(f"{server.url}/api/v1/shares/{live['id']}", headers=auth(tokens["rita"]))
    assert r.status_code == 200
    share = r.json()
    assert share["state"] == "live"
    assert share["views"] == 1
    assert share["max_watched_percent"] == 50
    kinds = [e["kind"] for e in share["events"]]
    assert kinds == ["opened", "play", "progress", "progress", "attachment"]
    assert all(set(e) == {"kind", "at", "value"} for e in share["events"])


def test_ownership(server: InProcessServer, tokens: dict[str, str], live: dict[str, str]) -> None:
    one = f"{server.url}/api/v1/shares/{live['id']}"
    assert httpx.get(one).status_code == 401
    assert httpx.get(one, headers=auth("rvk_wrong")).status_code == 401
    assert httpx.get(one, headers={"Authorization": "Basic abc"}).status_code == 401
    assert httpx.get(one, headers=auth(tokens["otto"])).status_code == 404
    assert httpx.post(f"{one}/revoke", headers=auth(tokens["otto"])).status_code == 404
    assert httpx.get(one, headers=auth(tokens["admin"])).status_code == 200
    mine = httpx.get(f"{server.url}/api/v1/shares", headers=auth(tokens["rita"])).json()
    assert live["id"] in [s["id"] for s in mine]
    others = httpx.get(f"{server.url}/api/v1/shares", headers=auth(tokens["otto"])).json()
    assert live["id"] not in [s["id"] for s in others]
    everything = httpx.get(f"{server.url}/api/v1/shares", headers=auth(tokens["admin"])).json()
    assert live["id"] in [s["id"] for s in everything]


def test_admin_can_revoke_any_share(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    share = create_and_publish(server.url, tokens["otto"], {"video.mp4": small_clip})
    api = f"{server.url}/api/v1/shares/{share['id']}"
    r = httpx.post(f"{api}/revoke", headers=auth(tokens["admin"]))
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert httpx.get(share["url"]).status_code == 410
    assert httpx.get(api, headers=auth(tokens["otto"])).json()["state"] == "revoked"


def test_expiry_change_and_revoke(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    share = create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})
    api = f"{server.url}/api/v1/shares/{share['id']}"
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    r = httpx.patch(api, json={"expires_at": past}, headers=auth(tokens["rita"]))
    assert r.status_code == 200 and r.json()["state"] == "expired"
    gone = httpx.get(share["url"])
    assert gone.status_code == 410
    assert "Rita Rep" in gone.text  # names the rep to contact
    assert httpx.get(f"{share['url']}/media/video.mp4").status_code == 410

    r = httpx.patch(api, json={"expires_at": None}, headers=auth(tokens["rita"]))
    assert r.status_code == 200 and r.json()["state"] == "live"
    assert httpx.get(share["url"]).status_code == 200

    assert httpx.post(f"{api}/revoke", headers=auth(tokens["rita"])).status_code == 200
    assert httpx.get(api, headers=auth(tokens["rita"])).json()["state"] == "revoked"
    gone = httpx.get(share["url"])
    assert gone.status_code == 410 and "Rita Rep" in gone.text
    assert "content-security-policy" in gone.headers
    assert httpx.post(f"{share['url']}/events", content='{"kind":"opened"}').status_code == 410


def test_unknown_token_is_404_with_headers(server: InProcessServer) -> None:
    r = httpx.get(f"{server.url}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert r.status_code == 404
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_openapi_document_is_for_admins(server: InProcessServer, tokens: dict[str, str]) -> None:
    assert httpx.get(f"{server.url}/openapi.json").status_code == 401  # was public
    assert httpx.get(f"{server.url}/openapi.json", headers=auth(tokens["rita"])).status_code == 403
    assert httpx.get(f"{server.url}/docs").status_code == 404
    doc = httpx.get(f"{server.url}/openapi.json", headers=auth(tokens["admin"])).json()
    patch = doc["paths"]["/api/v1/uploads/{upload_id}"]["patch"]
    assert {"204", "409", "410", "412", "415", "423", "460"} <= set(patch["responses"])
    assert {"Tus-Resumable", "Upload-Offset", "Upload-Checksum"} <= {
        p["name"] for p in patch["parameters"]
    }
    assert "Upload-Offset" in patch["responses"]["204"]["headers"]
    create = doc["paths"]["/api/v1/uploads"]["post"]
    assert "Location" in create["responses"]["201"]["headers"]
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if path.startswith("/api/"):  # every API call can meet a bad token
                assert {"401", "429"} <= set(op["responses"]), (method, path)
    for path in ("/api/v1/shares", "/api/v1/shares/{share_id}", "/api/v1/uploads"):
        assert path in doc["paths"]
    assert "/s/{token}/media/{name}" in doc["paths"]  # the public pages are documented too


@pytest.mark.slow
def test_view_events_per_share_are_capped(
    tmp_path_factory: pytest.TempPathFactory, small_clip: Path
) -> None:
    """A script replaying beacons cannot grow the table: past the cap the beacon still gets
    204 (nothing for it to learn), but no more rows are kept."""
    env = {"REP_VIDEO_SERVER_MAX_EVENTS_PER_SHARE": "5"}
    with inprocess_server(tmp_path_factory.mktemp("capped"), env) as srv:
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, {"video.mp4": small_clip}, manifest())
        for i in range(8):
            body = '{"kind": "opened"}' if i % 2 else '{"kind": "progress", "value": 25}'
            assert httpx.post(f"{share['url']}/events", content=body).status_code == 204
        r = httpx.get(f"{srv.url}/api/v1/shares/{share['id']}", headers=auth(token))
        assert len(r.json()["events"]) == 5


def test_one_kind_of_event_cannot_use_up_the_share_and_hide_the_others(
    tmp_path_factory: pytest.TempPathFactory, small_clip: Path, leaflet: Path
) -> None:
    """1 000 replayed "progress 100" beacons keep at most the per-kind cap; a real open after
    them is still kept; an attachment event must name one of the share's own attachments."""
    env = {
        "REP_VIDEO_SERVER_MAX_EVENTS_PER_SHARE": "20",
        "REP_VIDEO_SERVER_MAX_EVENTS_PER_KIND": "4",
    }
    with inprocess_server(tmp_path_factory.mktemp("kinds"), env, embedded=True) as srv:
        token = srv.create_token("rita")
        m = manifest(attachments=(attachment("leaflet.pdf", id="leaflet"),))
        files = {"video.mp4": small_clip, "files/leaflet.pdf": leaflet}
        share = create_and_publish(srv.url, token, files, m)
        events = f"{share['url']}/events"
        with httpx.Client() as c:
            for _ in range(30):
                r = c.post(events, content='{"kind": "progress", "value": 100}')
                assert r.status_code == 204
            assert c.post(events, content='{"kind": "opened"}').status_code == 204
            bogus = c.post(events, content='{"kind": "attachment", "value": "anything at all"}')
            assert bogus.status_code == 422
            real = c.post(events, content='{"kind": "attachment", "value": "leaflet.pdf"}')
            assert real.status_code == 204
        r = httpx.get(f"{srv.url}/api/v1/shares/{share['id']}", headers=auth(token))
        kinds = [e["kind"] for e in r.json()["events"]]
        assert kinds.count("progress") == 4
        assert kinds.count("opened") == 1 and kinds.count("attachment") == 1


def test_one_page_load_keeps_one_progress_row_at_its_furthest_point(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    """A page load sends its random visit id with each beacon: replaying that load's beacons
    cannot add progress rows, only move its one row further; two loads are two rows."""
    token = tokens["rita"]
    share = create_and_publish(server.url, token, {"video.mp4": small_clip}, manifest())
    events = f"{share['url']}/events"
    first, second = "a" * 32, "0123456789abcdef" * 2
    with httpx.Client() as c:
        for value in (25, 50, 100, 25, 100, 75):
            body = {"kind": "progress", "value": value, "visit": first}
            assert c.post(events, json=body).status_code == 204
        assert (
            c.post(events, json={"kind": "progress", "value": 50, "visit": second}).status_code
            == 204
        )
        for bad in ("A" * 32, "a" * 31, "g" * 32, 12345, ["a" * 32]):
            body = {"kind": "progress", "value": 25, "visit": bad}
            assert c.post(events, json=body).status_code == 422, bad
    r = httpx.get(f"{server.url}/api/v1/shares/{share['id']}", headers=auth(token))
    progress = sorted(e["value"] for e in r.json()["events"] if e["kind"] == "progress")
    assert progress == ["100", "50"]
    assert r.json()["max_watched_percent"] == 100


@pytest.mark.parametrize(("mode", "anonymous", "admin"), [("public", 200, 200), ("off", 404, 404)])
def test_openapi_document_setting(tmp_path: Path, mode: str, anonymous: int, admin: int) -> None:
    with inprocess_server(tmp_path / mode, {"REP_VIDEO_SERVER_API_DOCS": mode}) as srv:
        boss = srv.create_token("boss", admin=True)
        # The first ask builds the document: seconds on a busy machine, past httpx's 5 s default.
        doc = f"{srv.url}/openapi.json"
        assert httpx.get(doc, timeout=60).status_code == anonymous
        assert httpx.get(doc, headers=auth(boss), timeout=60).status_code == admin
