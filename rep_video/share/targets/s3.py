"""The `s3` target: any S3-compatible bucket, via boto3.

Objects go to `<prefix>/<token>/` (video, poster, preview, files/…, then index.html last, so a
page never points at missing media). Big files use a multipart upload whose UploadId is kept in
the reservation (s3_multipart.py). The link is the public URL of index.html, or, when the admin
policy says `presigned`, a presigned URL (the page then carries presigned media URLs too).

reserve() puts the "on its way" page at index.html (marked pending in its metadata), so a link
handed out before the upload — the app does that — opens a page that refreshes itself until
the real one replaces it."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError

from rep_video import network
from rep_video.errors import TargetUnreachable, UserError
from rep_video.progress import CancelToken
from rep_video.share.local_policy import local_page_content, local_pending_page
from rep_video.share.page import (
    page_context_from_manifest,
    render_share_page,
)
from rep_video.share.targets.base import (
    Reservation,
    ResumableTarget,
    SharePackage,
    ShareStatus,
)
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.s3_bucket import (
    Bucket,
    S3Keys,
    S3Location,
    classify,
    error_code,
    file_headers,
)
from rep_video.share.targets.s3_check import round_trip
from rep_video.share.targets.s3_multipart import PART_SIZE, Multipart

__all__ = ["S3Keys", "S3Links", "S3Location", "S3Target"]

PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days
PENDING_META = "repvideo-pending"  # object metadata on the "on its way" index.html


@dataclass(frozen=True, slots=True)
class S3Links:
    """How the links a rep hands out are made: `public` (under `public_base_url`, where the
    bucket serves the prefix to anyone) or `presigned` (signed URLs, valid `days` days and at
    most the 7 SigV4 allows). The mode and the days are the admin's policy."""

    mode: str = "public"
    public_base_url: str | None = None
    days: int = 30


class S3Target(ResumableTarget):
    kind = "s3"
    page_policy: Path | None = None  # the local POLICY.toml (registry: policy.file)

    def __init__(
        self,
        name: str,
        where: S3Location,
        links: S3Links,
        keys: S3Keys | None = None,
        *,
        part_size: int = PART_SIZE,
        retry_window: float = 60.0,
    ) -> None:
        if links.mode == "public" and not links.public_base_url:
            raise UserError(
                f"Target {name!r} needs public_base_url for public links "
                "(or set policy.link_mode = presigned)."
            )
        self.name = name
        self.where = where
        self.public_base_url = (links.public_base_url or "").rstrip("/")
        self.link_mode = links.mode
        self.link_seconds = min(links.days * 86400, PRESIGN_MAX_SECONDS)
        self.part_size = part_size
        self.bucket = Bucket(name, where, keys or S3Keys(), retry_window)

    def close(self) -> None:
        """Release the client's pooled connections."""
        self.bucket.close()

    # --- keys and links -------------------------------------------------------------------

    def _url(self, token: str, name: str) -> str:
        key = self.where.key(token, name)
        if self.link_mode == "presigned":
            url: str = self.bucket.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket.name, "Key": key},
                ExpiresIn=self.link_seconds,
            )
            return url
        return f"{self.public_base_url}/{quote(key)}"

    def reserve(self, package: SharePackage) -> Reservation:
        m = package.manifest
        page = local_pending_page(m, self.page_policy)
        # One attempt (boto3 retries inside it): offline, the outbox reserves again later.
        self.bucket.once(partial(self._put_page, m.token, page, pending=True))
        return Reservation(
            target=self.name,
            share_id=m.token,
            token=m.token,
            link=self._url(m.token, "index.html"),
            state={"multipart": {}, "done": [], "published": False},
        )

    # --- upload ---------------------------------------------------------------------------

    def send(
        self, package: SharePackage, reservation: Reservation, meter: UploadMeter,
        cancel: CancelToken,
    ) -> None:  # fmt: skip
        done: list[str] = reservation.state.setdefault("done", [])
        parts = Multipart(
            self.bucket,
            reservation.state.setdefault("multipart", {}),
            partial(self.checkpoint, reservation),
            self.part_size,
        )
        files = package.files()
        meter.add(sum(p.stat().st_size for n, p in files if n in done), sent=False)
        for name, path in files:
            if name in done:
                continue
            cancel.raise_if_cancelled()
            if path.stat().st_size <= parts.part_size:
                self.bucket.call(partial(self._put_file, reservation.token, name, path), cancel)
                meter.add(path.stat().st_size, name)
            else:
                parts.send(self.where.key(reservation.token, name), name, path, meter, cancel)
            done.append(name)
            self.checkpoint(reservation)
        page = self._render_page(package, reservation.token)
        self.bucket.call(partial(self._put_page, reservation.token, page, pending=False), cancel)

    def _put_page(self, token: str, html: str, *, pending: bool) -> None:
        # no-cache: the "on its way" page is replaced by the real one under the same key.
        self.bucket.client.put_object(
            Bucket=self.bucket.name,
            Key=self.where.key(token, "index.html"),
            Body=html.encode("utf-8"),
            ContentType="text/html; charset=utf-8",
            CacheControl="no-cache",
            Metadata={PENDING_META: "1"} if pending else {},
        )

    def _put_file(self, token: str, name: str, path: Path) -> None:
        with open(path, "rb") as body:
            self.bucket.client.put_object(
                Bucket=self.bucket.name,
                Key=self.where.key(token, name),
                Body=body,
                **file_headers(name),
            )

    def _render_page(self, package: SharePackage, token: str) -> str:
        ctx = page_context_from_manifest(package.manifest, media_base="")
        ctx = dataclasses.replace(ctx, content=local_page_content(self.page_policy))
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

    # --- after sending --------------------------------------------------------------------

    def revoke(self, reservation: Reservation) -> None:
        """Delete every object of the share and abort unfinished multipart uploads."""
        cancel = CancelToken()
        for name, upload_id in reservation.state.get("multipart", {}).items():
            key = self.where.key(reservation.token, name)
            with contextlib.suppress(UserError):  # already completed or aborted
                self.bucket.request("abort_multipart_upload", cancel, Key=key, UploadId=upload_id)
        prefix = self.where.key(reservation.token)
        while True:
            listing = self.bucket.request("list_objects_v2", cancel, Prefix=prefix)
            keys = [{"Key": o["Key"]} for o in listing.get("Contents", [])]
            if not keys:
                return
            self.bucket.request("delete_objects", cancel, Delete={"Objects": keys, "Quiet": True})

    def status(self, reservation: Reservation) -> ShareStatus:
        """A bucket records no views; we can only tell whether the page is there."""
        try:
            head = self.bucket.client.head_object(
                Bucket=self.bucket.name, Key=self.where.key(reservation.token, "index.html")
            )
        except ClientError as exc:
            if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                state = "revoked" if reservation.state.get("published") else "pending"
                return ShareStatus(state=state)
            raise classify(exc) from exc
        except BotoCoreError as exc:
            raise TargetUnreachable(f"cannot reach the bucket: {network.describe(exc)}") from exc
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
        public = self.public_base_url if self.link_mode == "public" else None
        return round_trip(self.bucket, self.where, public)
