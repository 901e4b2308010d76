"""The `s3` target: any S3-compatible bucket, via boto3.

Objects go to `<prefix>/<token>/` (video, poster, preview, files/…, then index.html last, so a
page never points at missing media). Big files use a multipart upload whose UploadId is kept in
the reservation; after an interruption `list_parts` tells what the bucket already has and only
the missing parts are sent. The link is the public URL of index.html, or, when the admin policy
says `presigned`, a presigned URL (the page then carries presigned media URLs too).

reserve() puts the "on its way" page at index.html (marked pending in its metadata), so a link
handed out before the upload — the app does that — opens a page that refreshes itself until
the real one replaces it."""

from __future__ import annotations

import contextlib
import dataclasses
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from rep_video.errors import TargetBusy, TargetUnreachable, TransientError, UserError
from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.media_types import content_disposition, delivery
from rep_video.share.page import (
    page_context_from_manifest,
    render_pending_page,
    render_share_page,
)
from rep_video.share.targets.base import (
    Checkpoint,
    Reservation,
    SharePackage,
    ShareStatus,
)
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.tus_upload import retrying

PART_SIZE = 8 * 1024 * 1024  # S3 wants ≥ 5 MiB for every part but the last
PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days
PENDING_META = "repvideo-pending"  # object metadata on the "on its way" index.html


class S3Target:
    kind = "s3"

    def __init__(
        self,
        name: str,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        public_base_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        link_mode: str = "public",
        link_days: int = 30,
        part_size: int = PART_SIZE,
        retry_window: float = 60.0,
    ) -> None:
        if link_mode == "public" and not public_base_url:
            raise UserError(
                f"Target {name!r} needs public_base_url for public links "
                "(or set policy.link_mode = presigned)."
            )
        self.name = name
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.public_base_url = (public_base_url or "").rstrip("/")
        self.link_mode = link_mode
        self.link_seconds = min(link_days * 86400, PRESIGN_MAX_SECONDS)
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self.retry_window = retry_window
        self.on_checkpoint: Checkpoint | None = None
        # No keys configured: boto3's own chain (environment, ~/.aws, instance role).
        both = bool(access_key_id and secret_access_key)
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=10,
                read_timeout=60,
                signature_version="s3v4",
            ),
            aws_access_key_id=access_key_id if both else None,
            aws_secret_access_key=secret_access_key if both else None,
        )

    def close(self) -> None:
        """Release the client's pooled connections."""
        self.client.close()

    # --- keys and links -------------------------------------------------------------------

    def _key(self, token: str, name: str = "") -> str:
        base = f"{self.prefix}/{token}" if self.prefix else token
        return f"{base}/{name}" if name else f"{base}/"

    def _url(self, token: str, name: str) -> str:
        if self.link_mode == "presigned":
            url: str = self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self._key(token, name)},
                ExpiresIn=self.link_seconds,
            )
            return url
        return f"{self.public_base_url}/{quote(self._key(token, name))}"

    def reserve(self, package: SharePackage) -> Reservation:
        m = package.manifest
        page = render_pending_page(
            m.rep,
            recipient_name=m.recipient.name,
            page_approval_code=m.page_approval_code,
            language=m.language,
        )
        # One attempt (boto3 retries inside it): offline, the outbox reserves again later.
        self._guarded(partial(self._put_page, m.token, page, pending=True))
        return Reservation(
            target=self.name,
            share_id=m.token,
            token=m.token,
            link=self._url(m.token, "index.html"),
            state={"multipart": {}, "done": [], "published": False},
        )

    # --- upload ---------------------------------------------------------------------------

    def upload(
        self,
        package: SharePackage,
        reservation: Reservation,
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:
        state = dict(reservation.state)
        state["multipart"] = dict(state.get("multipart", {}))
        state["done"] = list(state.get("done", []))
        reservation = dataclasses.replace(reservation, state=state)
        if state.get("published"):
            return reservation
        files = package.files()
        total = sum(p.stat().st_size for _, p in files)
        meter = UploadMeter(total, progress)
        meter.add(sum(p.stat().st_size for n, p in files if n in state["done"]), sent=False)
        for name, path in files:
            if name in state["done"]:
                continue
            cancel.raise_if_cancelled()
            if path.stat().st_size <= self.part_size:
                self._call(partial(self._put_file, reservation.token, name, path), cancel)
                meter.add(path.stat().st_size, name)
            else:
                self._multipart(reservation, name, path, meter, cancel)
            state["done"].append(name)
            self._checkpoint(reservation)
        page = self._render_page(package, reservation.token)
        self._call(partial(self._put_page, reservation.token, page, pending=False), cancel)
        state["published"] = True
        meter.add(0, "published")
        return reservation

    def _put_page(self, token: str, html: str, *, pending: bool) -> None:
        # no-cache: the "on its way" page is replaced by the real one under the same key.
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(token, "index.html"),
            Body=html.encode("utf-8"),
            ContentType="text/html; charset=utf-8",
            CacheControl="no-cache",
            Metadata={PENDING_META: "1"} if pending else {},
        )

    def _call(self, fn: Callable[[], Any], cancel: CancelToken) -> Any:
        return retrying(lambda: self._guarded(fn), cancel=cancel, window=self.retry_window)

    def _guarded(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except NoCredentialsError as exc:
            raise UserError(
                f"No S3 credentials for target {self.name!r}; store the secret key with "
                f"`rep-video targets secret {self.name} --secret-stdin`."
            ) from exc
        except ClientError as exc:
            raise _classify(exc) from exc
        except BotoCoreError as exc:  # connection closed, endpoint unreachable, timeouts
            raise TargetUnreachable(f"S3 unreachable: {exc}") from exc

    def _put_file(self, token: str, name: str, path: Path) -> None:
        with open(path, "rb") as body:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(token, name),
                Body=body,
                CacheControl="public, max-age=31536000, immutable",
                **_file_headers(name),
            )

    def _multipart(
        self,
        reservation: Reservation,
        name: str,
        path: Path,
        meter: UploadMeter,
        cancel: CancelToken,
    ) -> None:
        key = self._key(reservation.token, name)
        uploads: dict[str, str] = reservation.state["multipart"]
        have: dict[int, tuple[str, int]] = {}
        if name in uploads:
            try:
                have = self._list_parts(key, uploads[name], cancel)
            except UserError:
                uploads.pop(name)  # aborted or expired on the bucket's side: start this file anew
        if name not in uploads:
            created = self._call(
                lambda: self.client.create_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    CacheControl="public, max-age=31536000, immutable",
                    **_file_headers(name),
                ),
                cancel,
            )
            uploads[name] = created["UploadId"]
            self._checkpoint(reservation)
        upload_id = uploads[name]
        size = path.stat().st_size
        count = (size + self.part_size - 1) // self.part_size
        etags: dict[int, str] = {}
        with open(path, "rb") as f:
            for number in range(1, count + 1):
                length = min(self.part_size, size - (number - 1) * self.part_size)
                if number in have and have[number][1] == length:
                    etags[number] = have[number][0]
                    meter.add(length, name, sent=False)
                    continue
                cancel.raise_if_cancelled()
                f.seek((number - 1) * self.part_size)
                data = f.read(length)
                answer = self._call(
                    partial(
                        self.client.upload_part,
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=data,
                    ),
                    cancel,
                )
                etags[number] = answer["ETag"]
                meter.add(length, name)
        parts = [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]
        self._call(
            lambda: self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            ),
            cancel,
        )
        uploads.pop(name, None)

    def _list_parts(
        self, key: str, upload_id: str, cancel: CancelToken
    ) -> dict[int, tuple[str, int]]:
        have: dict[int, tuple[str, int]] = {}
        marker = 0
        while True:
            page = self._call(
                partial(
                    self.client.list_parts,
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    PartNumberMarker=marker,
                ),
                cancel,
            )
            for part in page.get("Parts", []):
                have[int(part["PartNumber"])] = (str(part["ETag"]), int(part["Size"]))
            if not page.get("IsTruncated"):
                return have
            marker = int(page["NextPartNumberMarker"])

    def _render_page(self, package: SharePackage, token: str) -> str:
        ctx = page_context_from_manifest(package.manifest, media_base="")
        if self.link_mode == "presigned":
            # A presigned page cannot use relative links: each object needs its own signature.
            ctx = dataclasses.replace(
                ctx,
                video_url=self._url(token, package.manifest.video),
                poster_url=self._url(token, package.manifest.poster)
                if package.manifest.poster
                else None,
                attachments=tuple(
                    dataclasses.replace(a, url=self._url(token, f"files/{a.name}"))
                    if not a.url.startswith(("http://", "https://"))
                    else a
                    for a in ctx.attachments
                ),
            )
        return render_share_page(ctx)

    def _checkpoint(self, reservation: Reservation) -> None:
        if self.on_checkpoint:
            self.on_checkpoint(reservation)

    # --- after sending --------------------------------------------------------------------

    def revoke(self, reservation: Reservation) -> None:
        """Delete every object of the share and abort unfinished multipart uploads."""
        cancel = CancelToken()
        prefix = self._key(reservation.token)
        for name, upload_id in reservation.state.get("multipart", {}).items():
            with contextlib.suppress(UserError):  # already completed or aborted
                self._call(
                    partial(
                        self.client.abort_multipart_upload,
                        Bucket=self.bucket,
                        Key=self._key(reservation.token, name),
                        UploadId=upload_id,
                    ),
                    cancel,
                )
        while True:
            listing = self._call(
                lambda: self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix), cancel
            )
            keys = [{"Key": o["Key"]} for o in listing.get("Contents", [])]
            if not keys:
                return
            self._call(
                partial(
                    self.client.delete_objects,
                    Bucket=self.bucket,
                    Delete={"Objects": keys, "Quiet": True},
                ),
                cancel,
            )

    def status(self, reservation: Reservation) -> ShareStatus:
        """A bucket records no views; we can only tell whether the page is there."""
        try:
            head = self.client.head_object(
                Bucket=self.bucket, Key=self._key(reservation.token, "index.html")
            )
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                state = "revoked" if reservation.state.get("published") else "pending"
                return ShareStatus(state=state)
            raise _classify(exc) from exc
        except BotoCoreError as exc:
            raise TargetUnreachable(f"S3 unreachable: {exc}") from exc
        if (head.get("Metadata") or {}).get(PENDING_META):
            return ShareStatus(state="pending")
        return ShareStatus(state="live", reason="this target records no views")

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        raise UserError(
            f"Links on the S3 target {self.name!r} cannot be extended (the bucket's own rules "
            "decide how long objects live); send the video again for a new link."
        )

    def test(self) -> str:
        """Round trip: put a small object, read it back (through the public URL too when
        links are public), delete it."""
        started = time.monotonic()
        cancel = CancelToken()
        payload = uuid.uuid4().bytes * 64
        key = self._key(f".repvideo-test-{uuid.uuid4().hex}", "probe.bin")
        try:
            self._call(
                lambda: self.client.put_object(Bucket=self.bucket, Key=key, Body=payload), cancel
            )
            got = self._call(lambda: self.client.get_object(Bucket=self.bucket, Key=key), cancel)
            if got["Body"].read() != payload:
                raise UserError(f"Bucket {self.bucket!r} returned different bytes; check it.")
            via = "S3 API"
            if self.link_mode == "public":
                url = f"{self.public_base_url}/{quote(key)}"
                resp = requests.get(url, timeout=20)
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
                self.client.delete_object(Bucket=self.bucket, Key=key)
        ms = (time.monotonic() - started) * 1000
        return f"{self.name}: OK — put, read back via {via}, deleted ({ms:.0f} ms)"


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _classify(exc: ClientError) -> Exception:
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    code = _code(exc)
    if status >= 500 or code in ("SlowDown", "RequestTimeout", "InternalError"):
        return TargetBusy(f"S3 answered {status} {code}")
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return UserError(f"The bucket refused our credentials ({code}); check the target's keys.")
    if code == "NoSuchBucket":
        return UserError("The bucket does not exist; check the target's bucket name.")
    return UserError(f"S3 refused the request ({code or status}); check the target settings.")


def _file_headers(name: str) -> dict[str, str]:
    """Content-Type and, for attachments, Content-Disposition: the bucket serves them with
    every GET. An .html or .svg attachment is a download there too: with a guessed text/html
    type it rendered as a live page on the bucket's origin, next to the share's page."""
    ctype, _how = delivery(name)
    headers = {"ContentType": ctype}
    if name.startswith("files/"):
        headers["ContentDisposition"] = content_disposition(name)
    return headers
