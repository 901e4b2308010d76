"""accel_redirect: the server checks a media request, then hands it to nginx with
X-Accel-Redirect instead of sending the bytes (tests/packaging/test_nginx.py runs nginx in
front of it). With blobs in S3 there is no folder for nginx to read: the server streams."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from rep_video.errors import UserError
from rep_video.server.settings import load_settings
from tests.server.helpers import attachment, auth, create_and_publish, manifest
from tests.support.s3_server import S3Server, s3_server  # noqa: F401 - fixture
from tests.support.server_process import running_server

pytestmark = pytest.mark.process

ACCEL = {"REP_VIDEO_SERVER_ACCEL_REDIRECT": "/internal-media/"}


def test_media_is_checked_then_handed_over(tmp_path: Path, small_clip: Path, leaflet: Path) -> None:
    data_dir = tmp_path / "srv"
    # Attachment files held by the share, as the app's embedded server takes them.
    with running_server(data_dir, ACCEL, embedded=True) as srv:
        rita = srv.create_token("rita")
        m = manifest(
            attachments=(
                attachment("Dosing guide (v2).pdf", id="guide"),
                attachment("old.pdf", id="old", expired=True),
            )
        )
        files = {
            "video.mp4": small_clip,
            "files/Dosing guide (v2).pdf": leaflet,
            "files/old.pdf": leaflet,
        }
        share = create_and_publish(srv.url, rita, files, m)
        media = f"{share['url']}/media"

        for method in ("GET", "HEAD"):
            r = httpx.request(method, f"{media}/video.mp4", headers={"Range": "bytes=0-1"})
            # Range is nginx's business: the app answers the hand-over, never a 206.
            assert r.status_code == 200 and r.content == b""
            assert (
                r.headers["x-accel-redirect"] == f"/internal-media/shares/{share['id']}/video.mp4"
            )
            assert r.headers["content-type"] == "video/mp4"
            assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert "content-range" not in r.headers

        guide = httpx.get(f"{media}/files/Dosing guide (v2).pdf")
        target = guide.headers["x-accel-redirect"]
        assert " " not in target and "(" not in target  # quoted; nginx decodes it
        assert guide.headers["content-disposition"] == 'inline; filename="Dosing guide (v2).pdf"'
        # The redirect names the very file the upload produced.
        blob = data_dir / "blobs" / unquote(target.removeprefix("/internal-media/"))
        assert blob.read_bytes() == leaflet.read_bytes()

        # What the app refuses is never handed over.
        expired = httpx.get(f"{media}/files/old.pdf")
        assert expired.status_code == 410 and "x-accel-redirect" not in expired.headers
        missing = httpx.get(f"{media}/files/nothing.pdf")
        assert missing.status_code == 404 and "x-accel-redirect" not in missing.headers
        unknown = httpx.get(f"{srv.url}/s/{'A' * 32}/media/video.mp4")
        assert unknown.status_code == 404 and "x-accel-redirect" not in unknown.headers
        revoke = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(rita))
        assert revoke.status_code == 200
        gone = httpx.get(f"{media}/video.mp4")
        assert gone.status_code == 410 and "x-accel-redirect" not in gone.headers


def test_with_s3_the_server_streams_and_says_why(
    s3_server: S3Server,  # noqa: F811
    tmp_path: Path,
    small_clip: Path,
) -> None:
    bucket = s3_server.create_bucket(f"rv-{uuid.uuid4().hex[:12]}")
    with running_server(tmp_path / "srv", {**s3_server.server_env(bucket), **ACCEL}) as srv:
        share = create_and_publish(srv.url, srv.create_token("rita"), {"video.mp4": small_clip})
        r = httpx.get(f"{share['url']}/media/video.mp4", headers={"Range": "bytes=0-99"})
        assert r.status_code == 206 and r.content == small_clip.read_bytes()[:100]
        assert "x-accel-redirect" not in r.headers
        assert "accel_redirect is ignored" in srv.log()


@pytest.mark.parametrize(
    "value", ["internal-media/", "/internal-media", "/a?b/", "/a b/", "/%2e/", "/../", "/"]
)
def test_a_prefix_that_is_not_a_plain_path_is_refused(value: str) -> None:
    with pytest.raises(UserError, match="accel_redirect"):
        load_settings(env={"REP_VIDEO_SERVER_ACCEL_REDIRECT": value})


def test_a_plain_prefix_is_accepted() -> None:
    settings = load_settings(env={"REP_VIDEO_SERVER_ACCEL_REDIRECT": "/_rv_blobs/media/"})
    assert settings.accel_redirect == "/_rv_blobs/media/"
    assert load_settings(env={}).accel_redirect == ""
