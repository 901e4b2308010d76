"""One S3-compatible bucket as the `s3` target sees it: where its objects go, the keys that
write them, and every call through boto3 with its failures as our error types (a refusal is
a UserError the admin can fix, a busy or unreachable bucket a TransientError the outbox
retries)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from rep_video import network
from rep_video.errors import TargetBusy, TargetUnreachable, UserError
from rep_video.progress import CancelToken
from rep_video.share.media_types import content_disposition, delivery
from rep_video.share.targets.tus_upload import retrying

# Media never changes under its key (a new take is a new share), so phones may keep it.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class S3Location:
    """Where a target's objects live: `<prefix>/<token>/<name>` in `bucket`."""

    bucket: str
    endpoint_url: str | None = None  # None: AWS itself, by region
    region: str | None = None
    prefix: str = ""

    def key(self, token: str, name: str = "") -> str:
        prefix = self.prefix.strip("/")
        base = f"{prefix}/{token}" if prefix else token
        return f"{base}/{name}" if name else f"{base}/"


@dataclass(frozen=True, slots=True)
class S3Keys:
    """The access key pair that writes the objects. Both unset: boto3's own chain
    (environment, ~/.aws, an instance role)."""

    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)

    def both(self) -> bool:
        return bool(self.access_key_id and self.secret_access_key)


class Bucket:
    """boto3's client for one target's bucket; `once` and `call` run a request with our
    error types, `call` retrying transient trouble for up to `retry_window` seconds."""

    def __init__(
        self, target: str, where: S3Location, keys: S3Keys, retry_window: float = 60.0
    ) -> None:
        self.target = target
        self.name = where.bucket
        self.retry_window = retry_window
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=where.endpoint_url,
            region_name=where.region,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=10,
                read_timeout=60,
                signature_version="s3v4",
            ),
            aws_access_key_id=keys.access_key_id if keys.both() else None,
            aws_secret_access_key=keys.secret_access_key if keys.both() else None,
        )

    def close(self) -> None:
        """Release the client's pooled connections."""
        self.client.close()

    def request(self, operation: str, cancel: CancelToken, **params: Any) -> Any:
        """The S3 `operation` (boto3's name for it: "put_object") on this bucket, retried as
        `call` does."""
        return self.call(
            partial(getattr(self.client, operation), Bucket=self.name, **params), cancel
        )

    def call(self, fn: Callable[[], Any], cancel: CancelToken) -> Any:
        return retrying(lambda: self.once(fn), cancel=cancel, window=self.retry_window)

    def once(self, fn: Callable[[], Any]) -> Any:
        """One attempt (boto3 retries inside it)."""
        try:
            return fn()
        except NoCredentialsError as exc:
            raise UserError(
                f"No S3 credentials for target {self.target!r}; store the secret key with "
                f"`rep-video targets secret {self.target} --secret-stdin`."
            ) from exc
        except ClientError as exc:
            raise classify(exc) from exc
        except BotoCoreError as exc:  # connection closed, endpoint unreachable, timeouts
            raise TargetUnreachable(f"cannot reach the bucket: {network.describe(exc)}") from exc


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def classify(exc: ClientError) -> Exception:
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    code = error_code(exc)
    if status >= 500 or code in ("SlowDown", "RequestTimeout", "InternalError"):
        return TargetBusy(f"S3 answered {status} {code}")
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return UserError(f"The bucket refused our credentials ({code}); check the target's keys.")
    if code == "NoSuchBucket":
        return UserError("The bucket does not exist; check the target's bucket name.")
    return UserError(f"S3 refused the request ({code or status}); check the target settings.")


def file_headers(name: str) -> dict[str, str]:
    """Content-Type and, for attachments, Content-Disposition: the bucket serves them with
    every GET. An .html or .svg attachment is a download there too: with a guessed text/html
    type it rendered as a live page on the bucket's origin, next to the share's page."""
    ctype, _how = delivery(name)
    headers = {"ContentType": ctype, "CacheControl": IMMUTABLE}
    if name.startswith("files/"):
        headers["ContentDisposition"] = content_disposition(name)
    return headers
