"""Bad input never gives a 5xx: malformed JSON (422 naming the field), refused uploads at
publish (the share stays pending with a reason; the bytes go), rate-limited guessing, junk."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import auth, create_and_publish, create_body, manifest, tus_upload
from tests.support.clips import make_clip
from tests.support.inprocess_server import InProcessServer
from tests.support.server_process import running_server


def _api(server: InProcessServer) -> str:
    return f"{server.url}/api/v1/shares"


def test_malformed_json_is_422_naming_the_field(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    h = auth(tokens["rita"])
    good = create_body(manifest(), {"video.mp4": small_clip})

    r = httpx.post(
        _api(server), content=b"{not json", headers={**h, "content-type": "application/json"}
    )
    assert r.status_code == 422

    r = httpx.post(_api(server), json={"files": good["files"]}, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "manifest"]

    bad_size = json.loads(json.dumps(good))
    bad_size["files"][0]["size"] = "big"
    r = httpx.post(_api(server), json=bad_size, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "files", 0, "size"]

    bad_sha = json.loads(json.dumps(good))
    bad_sha["files"][0]["sha256"] = "xyz"
    r = httpx.post(_api(server), json=bad_sha, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "files", 0, "sha256"]

    no_rep = json.loads(json.dumps(good))
    del no_rep["manifest"]["rep"]
    r = httpx.post(_api(server), json=no_rep, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "manifest", "rep"]

    bad_date = json.loads(json.dumps(good))
    bad_date["manifest"]["created_at"] = "yesterday-ish"
    r = httpx.post(_api(server), json=bad_date, headers=h)
    assert r.status_code == 422

    no_video = create_body(manifest(), {"poster.jpg": small_clip})
    r = httpx.post(_api(server), json=no_video, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "files"]

    r = httpx.patch(f"{_api(server)}/whatever", json={"expires_at": "soon"}, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "expires_at"]


def _upload_and_publish(
    server: InProcessServer, token: str, files: dict[str, Path], declared: dict[str, Path]
) -> tuple[dict[str, str], httpx.Response]:
    share = httpx.post(
        _api(server), json=create_body(manifest(), declared), headers=auth(token)
    ).json()
    for name, path in files.items():
        tus_upload(share["upload_url"], token, share["id"], name, path)
    return share, httpx.post(f"{_api(server)}/{share['id']}/publish", headers=auth(token))


def test_non_video_is_refused_at_publish(
    server: InProcessServer, tokens: dict[str, str], leaflet: Path
) -> None:
    token = tokens["rita"]
    share, r = _upload_and_publish(server, token, {"video.mp4": leaflet}, {"video.mp4": leaflet})
    assert r.status_code == 422
    assert "MP4" in r.json()["detail"]
    after = httpx.get(f"{_api(server)}/{share['id']}", headers=auth(token)).json()
    assert after["state"] == "pending"
    assert "MP4" in after["reason"]
    assert after["files"] == [
        {"name": "video.mp4", "size": leaflet.stat().st_size, "uploaded": False}
    ]
    assert not (server.data_dir / "blobs" / "shares" / share["id"] / "video.mp4").exists()
    assert httpx.get(share["url"]).status_code == 200  # still "on its way", not broken


@pytest.mark.parametrize(
    ("kind", "expect"),
    [
        ("vp9", "not H.264"),
        ("mp3", "not AAC"),
    ],
)
def test_wrong_codecs_and_length_are_refused(
    server: InProcessServer, tokens: dict[str, str], tmp_path: Path, kind: str, expect: str
) -> None:
    if kind == "vp9":
        clip = make_clip(tmp_path / "v.mp4", duration=1, size=(160, 90), vcodec="libvpx-vp9",
                         extra=["-deadline", "realtime", "-cpu-used", "8"])  # fmt: skip
    else:
        clip = make_clip(tmp_path / "v.mp4", duration=1, size=(160, 90), acodec="libmp3lame")
    token = tokens["rita"]
    _share, r = _upload_and_publish(server, token, {"video.mp4": clip}, {"video.mp4": clip})
    assert r.status_code == 422
    assert expect in r.json()["detail"]


def test_checksum_of_declared_file_must_match(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, leaflet: Path, tmp_path: Path
) -> None:
    token = tokens["rita"]
    other = tmp_path / "other.pdf"
    data = bytearray(leaflet.read_bytes())
    data[10] ^= 0xFF
    other.write_bytes(bytes(data))
    share, r = _upload_and_publish(
        server,
        token,
        {"video.mp4": small_clip, "files/l.pdf": other},
        {"video.mp4": small_clip, "files/l.pdf": leaflet},
    )
    assert r.status_code == 422
    assert "files/l.pdf" in r.json()["detail"]
    state = httpx.get(f"{_api(server)}/{share['id']}", headers=auth(token)).json()
    assert state["state"] == "pending"
    uploaded = {f["name"]: f["uploaded"] for f in state["files"]}
    assert uploaded == {"video.mp4": True, "files/l.pdf": False}
    # Fix it: upload the right bytes and publish again.
    tus_upload(share["upload_url"], token, share["id"], "files/l.pdf", leaflet)
    assert (
        httpx.post(f"{_api(server)}/{share['id']}/publish", headers=auth(token)).status_code == 200
    )


def test_publish_before_upload_is_409(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    token = tokens["rita"]
    share = httpx.post(
        _api(server), json=create_body(manifest(), {"video.mp4": small_clip}), headers=auth(token)
    ).json()
    r = httpx.post(f"{_api(server)}/{share['id']}/publish", headers=auth(token))
    assert r.status_code == 409
    assert "video.mp4" in r.json()["detail"]


JUNK_BODIES = [b"", b"null", b"[]", b"{}", b'{"manifest": 5, "files": "x"}', b"\xff\xfe",
               b'{"manifest": {"recipient": 1, "rep": []}, "files": []}',
               b'{"manifest": {"token": "t", "recipient": {"name": 5}, "rep": {"name": "r"},'
               b' "created_at": "2020-01-01T00:00:00", "expires_at": null, "attachments": 3},'
               b' "files": [{"name": "video.mp4", "size": 1, "sha256": "' + b"a" * 64 + b'"}]}',
               b'{"manifest": {"token": "t", "recipient": {"name": "x", "bogus": 1},'
               b' "rep": {"name": "r"},'
               b' "created_at": "2020-01-01T00:00:00"},'
               b' "files": [{"name": "video.mp4", "size": -1, "sha256": "' + b"a" * 64 + b'"}]}',
               ]  # fmt: skip


def test_junk_never_gives_5xx(server: InProcessServer, tokens: dict[str, str]) -> None:
    h = {**auth(tokens["rita"]), "content-type": "application/json"}
    base = server.url
    with httpx.Client() as c:
        for body in JUNK_BODIES:
            assert c.post(f"{base}/api/v1/shares", content=body, headers=h).status_code < 500
            assert c.post(f"{base}/s/x/events", content=body).status_code < 500
            assert c.patch(f"{base}/api/v1/shares/x", content=body, headers=h).status_code < 500
        for path in ["/s/", "/s/%00", "/s/" + "A" * 5000, "/s/../../etc/passwd",
                     "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/media/%2e%2e/x",
                     "/api/v1/shares/" + "9" * 500, "/api/v1/uploads/" + "z" * 500]:  # fmt: skip
            assert c.get(base + path, headers=h).status_code < 500
            assert c.head(base + path, headers={**h, "Tus-Resumable": "1.0.0"}).status_code < 500
        for meta in ["share", "share !!!,name ???", "share " + "QQ==" * 1000, "name /w==", "=="]:
            r = c.post(f"{base}/api/v1/uploads",
                       headers={**h, "Tus-Resumable": "1.0.0", "Upload-Length": "10",
                                "Upload-Metadata": meta})  # fmt: skip
            assert r.status_code == 400
        for length in ["-5", "1e9", "", "99999999999999999999999"]:
            r = c.post(
                f"{base}/api/v1/uploads",
                headers={**h, "Tus-Resumable": "1.0.0", "Upload-Length": length},
            )
            assert r.status_code == 400
        for rng in ["bytes=abc", "bytes=5-1", "items=0-1", "bytes=-0", "bytes=--1", "bytes=0-1-2"]:
            r = c.get(f"{base}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/media/video.mp4",
                      headers={"Range": rng})  # fmt: skip
            assert r.status_code < 500


def test_truncated_video_is_refused(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(small_clip.read_bytes()[: small_clip.stat().st_size // 2])
    share, r = _upload_and_publish(server, tokens["rita"], {"video.mp4": cut}, {"video.mp4": cut})
    assert r.status_code == 422
    assert "truncated" in r.json()["detail"] or "readable" in r.json()["detail"]
    assert httpx.get(share["url"]).status_code == 200  # still pending, not a broken page


@pytest.mark.process
def test_logs_carry_no_share_tokens(tmp_path: Path, small_clip: Path) -> None:
    with running_server(tmp_path / "chatty", log_level="info") as srv:
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        assert httpx.get(share["url"]).status_code == 200
        assert httpx.get(f"{srv.url}/s/{'Z' * 32}").status_code == 404
        log = srv.log()
    assert "Uvicorn running" in log or "Application startup complete" in log  # info is on
    assert share["token"] not in log
    assert "Z" * 32 not in log
