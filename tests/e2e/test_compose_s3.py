"""Compose on PostgreSQL + S3 (moto_server), the server a real process: a smart-trimmed take
with an intro card is byte for byte the layout written here; ranges of 5 MiB and more are
copied inside the bucket (upload-part-copy: the object has as few parts as that makes); a
result that does not match leaves neither an object nor an open multipart upload behind."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.progress import CancelToken, no_progress
from rep_video.share.targets.server import ServerTarget
from tests.e2e.test_compose import _b64, _compose, _dir, _reserved, _served, _share, _upload
from tests.server.helpers import auth
from tests.support.postgres import pg_url  # noqa: F401 - fixture
from tests.support.s3_server import S3Server, s3_server  # noqa: F401 - fixture
from tests.support.server_process import ServerProcess, running_server
from tests.unit.media.capture.conftest import record_into

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.postgres]
MiB = 1024 * 1024


@pytest.fixture
def on_s3(
    s3_server: S3Server,  # noqa: F811
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> Iterator[tuple[ServerProcess, S3Server, str]]:
    bucket = s3_server.create_bucket(f"rv-{uuid.uuid4().hex[:12]}")
    env = {**s3_server.server_env(bucket), "REP_VIDEO_SERVER_DATABASE_URL": pg_url}
    with running_server(tmp_path / "srv", env) as srv:
        yield srv, s3_server, bucket


def test_trimmed_take_with_card_on_s3(
    on_s3: tuple[ServerProcess, S3Server, str], tmp_path: Path
) -> None:
    srv, s3, bucket = on_s3
    take = record_into(tmp_path / "take", 6.0, (320, 240), flash_at=(3.4,)).path
    made = assemble_video(take, Edit((1.5, 4.5), intro=("Ana", "Sam")), _dir(tmp_path / "w"))
    target = ServerTarget("acme", srv.url, srv.create_token("rita"))
    package, reservation = _reserved(target, tmp_path / "pkg")
    done = target.upload_layout(package, reservation, made.layout, no_progress, CancelToken())
    want = made.layout.write(tmp_path / "local.mp4")
    assert hashlib.sha256(_served(done)).hexdigest() == want
    keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [f"shares/{done.share_id}/video.mp4"]  # the parts went with the publish


def test_long_ranges_are_copied_in_the_bucket(
    on_s3: tuple[ServerProcess, S3Server, str], tmp_path: Path
) -> None:
    srv, s3, bucket = on_s3
    rita = srv.create_token("rita")
    source = os.urandom(16 * MiB)
    head, tail = b"H" * 100, b"T" * 100
    result = head + source + tail
    share = _share(srv, rita, {"video.mp4": b"not sent", "files/big.bin": result,
                               "parts/src.bin": source})  # fmt: skip
    _upload(share, rita, "parts/src.bin", source, tmp_path)
    plan = [{"data": _b64(head)}, {"file": "parts/src.bin", "offset": 0, "length": len(source)},
            {"data": _b64(tail)}]  # fmt: skip
    # Same size, other bytes: refused, and nothing of it is left in the bucket.
    wrong = [{"data": _b64(tail)}, plan[1], {"data": _b64(head)}]
    r = _compose(srv, rita, share["id"], {"name": "files/big.bin", "parts": wrong})
    assert r.status_code == 422 and "not the declared" in r.text, r.text
    client = s3.client()
    listed = client.list_objects_v2(Bucket=bucket, Prefix=f"shares/{share['id']}/files/")
    assert listed.get("Contents", []) == []
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    files = httpx.get(f"{srv.url}/api/v1/shares/{share['id']}", headers=auth(rita)).json()
    assert {f["name"]: f["uploaded"] for f in files["files"]}["files/big.bin"] is False
    # The right plan: the file.
    r = _compose(srv, rita, share["id"], {"name": "files/big.bin", "parts": plan})
    assert r.status_code == 200, r.text
    key = f"shares/{share['id']}/files/big.bin"
    got = s3.client().get_object(Bucket=bucket, Key=key)
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(result).digest()
    # 5 MiB gathered (the head and the range's start), the rest of the range copied, the
    # tail: three parts. Through the server alone it would be four.
    assert got["ETag"].strip('"').endswith("-3"), got["ETag"]
