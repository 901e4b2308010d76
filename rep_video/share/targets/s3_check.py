"""`rep-video targets test` for an `s3` target: a real round trip through the bucket."""

from __future__ import annotations

import contextlib
import time
import uuid
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from rep_video import network
from rep_video.errors import TransientError, UserError
from rep_video.progress import CancelToken
from rep_video.share.targets.s3_bucket import Bucket, S3Location


def round_trip(bucket: Bucket, where: S3Location, public_base_url: str | None) -> str:
    """Put a small object, read it back (through the public URL too when links are public,
    that is when `public_base_url` is given), delete it; a one-line report."""
    started = time.monotonic()
    cancel = CancelToken()
    payload = uuid.uuid4().bytes * 64
    key = where.key(f".repvideo-test-{uuid.uuid4().hex}", "probe.bin")
    try:
        bucket.request("put_object", cancel, Key=key, Body=payload)
        got = bucket.request("get_object", cancel, Key=key)
        if got["Body"].read() != payload:
            raise UserError(f"Bucket {bucket.name!r} returned different bytes; check it.")
        via = "S3 API"
        if public_base_url:
            url = f"{public_base_url}/{quote(key)}"
            with network.session() as s:
                resp = s.get(url, timeout=20)
            if resp.status_code != 200 or resp.content != payload:
                raise UserError(
                    f"The public URL {url} answered {resp.status_code}; make the prefix "
                    "publicly readable or use policy.link_mode = presigned."
                )
            via = "S3 API and public URL"
    except TransientError as exc:
        raise UserError(f"Cannot reach the bucket ({exc}); check endpoint_url.") from exc
    finally:
        with contextlib.suppress(ClientError, BotoCoreError):  # reported above if it matters
            bucket.client.delete_object(Bucket=bucket.name, Key=key)
    ms = (time.monotonic() - started) * 1000
    return f"{bucket.target}: OK — put, read back via {via}, deleted ({ms:.0f} ms)"
