"""Blobs in a real S3-compatible server (moto_server), and two server instances on one
PostgreSQL and one bucket: a share created and uploaded through one opens on the other."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import (
    auth,
    create_and_publish,
    create_body,
    cut_patch,
    manifest,
    sha256,
)
from tests.support.s3_server import S3Server, s3_server  # noqa: F401 - fixture
from tests.support.server_process import running_server

pytestmark = pytest.mark.process

TUS = {"Tus-Resumable": "1.0.0"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_s3_blob_store(s3_server: S3Server, tmp_path: Path, small_clip: Path) -> None:  # noqa: F811
    bucket = s3_server.create_bucket(f"rv-{uuid.uuid4().hex[:12]}")
    with running_server(tmp_path / "srv", s3_server.server_env(bucket)) as srv:
        token = srv.create_token("rita")
        share = create_and_publish(srv.url, token, {"video.mp4": small_clip})
        keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]]
        assert keys == [f"shares/{share['id']}/video.mp4"]  # staged chunks are gone
        # A cut PATCH: what arrived is staged in the bucket, and the upload resumes from it.
        other = httpx.post(
            f"{srv.url}/api/v1/shares",
            json=create_body(manifest(), {"video.mp4": small_clip}),
            headers=auth(token),
        ).json()
        data = small_clip.read_bytes()
        up = httpx.post(
            other["upload_url"],
            headers={
                **TUS,
                **auth(token),
                "Upload-Length": str(len(data)),
                "Upload-Metadata": f"share {b64(other['id'])},name {b64('video.mp4')}",
            },
        )
        cut_patch(up.headers["location"], token, 0, data, send=60_000)
        head = {**TUS, **auth(token)}
        deadline = time.monotonic() + 10
        kept = 0
        while kept == 0 and time.monotonic() < deadline:
            kept = int(httpx.head(up.headers["location"], headers=head).headers["upload-offset"])
            time.sleep(0.1)
        assert 0 < kept <= 60_000
        rest = httpx.patch(
            up.headers["location"],
            content=data[kept:],
            headers={**head, "Upload-Offset": str(kept),
                     "Content-Type": "application/offset+octet-stream"},
        )  # fmt: skip
        assert rest.status_code == 204
        published = httpx.post(
            f"{srv.url}/api/v1/shares/{other['id']}/publish", headers=auth(token), timeout=60
        )
        assert published.status_code == 200, published.text
        keys = sorted(
            o["Key"] for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
        )
        assert keys == sorted(f"shares/{s['id']}/video.mp4" for s in (share, other))
        assert not (tmp_path / "srv" / "blobs").exists()
        r = httpx.get(f"{share['url']}/media/video.mp4", headers={"Range": "bytes=-300"})
        assert r.status_code == 206
        assert r.content == small_clip.read_bytes()[-300:]
        full = httpx.get(f"{share['url']}/media/video.mp4")
        assert hashlib.sha256(full.content).hexdigest() == sha256(small_clip)
        # Health follows the blob store: without its bucket the instance is not healthy.
        assert httpx.get(f"{srv.url}/healthz").status_code == 200
        client = s3_server.client()
        for key in keys:
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)
        sick = httpx.get(f"{srv.url}/healthz", timeout=30)
        assert sick.status_code == 503
        assert "blob store" in sick.json()["problems"][0]


@pytest.mark.postgres
def test_two_instances_share_one_database_and_bucket(
    s3_server: S3Server,  # noqa: F811
    pg_url: str,
    tmp_path: Path,
    small_clip: Path,
) -> None:
    bucket = s3_server.create_bucket(f"rv-{uuid.uuid4().hex[:12]}")
    env = {**s3_server.server_env(bucket), "REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with running_server(tmp_path / "a", env) as a, running_server(tmp_path / "b", env) as b:
        token = a.create_token("rita")
        r = httpx.post(
            f"{a.url}/api/v1/shares",
            json=create_body(manifest(), {"video.mp4": small_clip}),
            headers=auth(token),
        )
        assert r.status_code == 201
        share = r.json()
        data = small_clip.read_bytes()
        up = httpx.post(
            share["upload_url"],
            headers={
                **TUS,
                **auth(token),
                "Upload-Length": str(len(data)),
                "Upload-Metadata": f"share {b64(share['id'])},name {b64('video.mp4')}",
            },
        )
        assert up.status_code == 201
        upload_id = up.headers["location"].rsplit("/", 1)[1]
        half = len(data) // 2
        patch = {**TUS, **auth(token), "Content-Type": "application/offset+octet-stream"}
        r = httpx.patch(
            f"{a.url}/api/v1/uploads/{upload_id}",
            content=data[:half],
            headers={**patch, "Upload-Offset": "0"},
        )
        assert r.status_code == 204
        # The load balancer sends the rest to the other instance: it knows the offset.
        head = httpx.head(f"{b.url}/api/v1/uploads/{upload_id}", headers={**TUS, **auth(token)})
        assert head.status_code == 200, (head.status_code, b.log())
        assert head.headers["upload-offset"] == str(half)
        r = httpx.patch(
            f"{b.url}/api/v1/uploads/{upload_id}",
            content=data[half:],
            headers={**patch, "Upload-Offset": str(half)},
        )
        assert r.status_code == 204
        assert (
            httpx.post(
                f"{b.url}/api/v1/shares/{share['id']}/publish", headers=auth(token), timeout=60
            ).status_code
            == 200
        )

        page_url = f"{b.url}/s/{share['token']}"
        page = httpx.get(page_url)
        assert page.status_code == 200
        assert "Dr. Ada Lovelace" in page.text
        media = httpx.get(f"{page_url}/media/video.mp4")
        assert hashlib.sha256(media.content).hexdigest() == sha256(small_clip)
        assert httpx.post(f"{page_url}/events", content='{"kind":"opened"}').status_code == 204
        seen = httpx.get(f"{a.url}/api/v1/shares/{share['id']}", headers=auth(token)).json()
        assert seen["views"] == 1 and seen["state"] == "live"
        # A revocation on one instance reaches the other within its one-second share cache.
        httpx.post(f"{a.url}/api/v1/shares/{share['id']}/revoke", headers=auth(token))
        deadline = time.monotonic() + 3
        while httpx.get(page_url).status_code != 410 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert httpx.get(page_url).status_code == 410
        assert httpx.get(f"{page_url}/media/video.mp4").status_code == 410
