"""The `server` target: RepVideo's own share service (docs/API.md).

reserve() creates the share (the link is known at once). For a complete package it declares
the files and creates a tus upload per file, so the upload URLs are in the reservation the
outbox persists before any byte moves. For a package whose media is still being made it
declares nothing (one quick POST: no hashing, no uploads), and upload() declares the files
with the final manifest first (PUT /shares/{id}/files). upload() asks the server for each
file's offset and sends only what is missing, then publishes."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from tusclient.client import TusClient

from rep_video.errors import TargetBusy, TransientError, UserError
from rep_video.fileutil import sha256_file
from rep_video.progress import CancelToken, ProgressFn
from rep_video.server.settings import is_loopback
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import (
    Checkpoint,
    Reservation,
    SharePackage,
    ShareStatus,
    ViewEvent,
)
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.tus_upload import (
    ExpiredUpload,
    SessionUploader,
    check_status,
    network_error,
    retrying,
)
from rep_video.share.tokens import new_token

DEFAULT_CHUNK = 4 * 1024 * 1024  # big enough for throughput, small enough to re-send cheaply
IN_FLIGHT_STEP = 256 * 1024  # progress inside a chunk every this many bytes
_PUBLISH_ROUNDS = 4  # publish → 409 → check the files again, at most this often per attempt


class ServerTarget:
    kind = "server"

    def __init__(
        self,
        name: str,
        url: str,
        token: str,
        *,
        chunk_size: int = DEFAULT_CHUNK,
        retry_window: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.base_url = url.rstrip("/")
        self.chunk_size = chunk_size
        self.retry_window = retry_window
        self.timeout = timeout
        # Called with the updated reservation whenever resumable state changes (a new tus
        # upload URL), so a crash right after still resumes; the outbox sets it.
        self.on_checkpoint: Checkpoint | None = None
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        """Release the keep-alive connections."""
        self._session.close()

    # --- the API ------------------------------------------------------------------------

    def _call(self, method: str, path: str, doing: str, **kwargs: Any) -> Any:
        try:
            resp = self._session.request(
                method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise network_error(exc, f"the share server {self.base_url}") from exc
        check_status(resp, doing, self.name)
        return resp.json() if resp.content else None

    def reserve(self, package: SharePackage) -> Reservation:
        # None: declared by upload(), once the media exists.
        files = _declarations(package) if package.complete else None
        body = {"manifest": package.manifest.to_dict(), "files": files or []}
        share = self._call("POST", "/api/v1/shares", "creating the share", json=body)
        state: dict[str, Any] = {
            "share_id": share["id"],
            "upload_url": self._rebase(str(share["upload_url"])),
            "files": files,
            "uploads": {},
            "published": False,
        }
        if files is None:
            return Reservation(
                target=self.name,
                share_id=str(share["id"]),
                token=str(share["token"]),
                link=str(share["url"]),
                state=state,
            )
        reservation = Reservation(
            target=self.name,
            share_id=str(share["id"]),
            token=str(share["token"]),
            link=str(share["url"]),
            state=state,
        )
        try:
            for name, path in package.files():
                state["uploads"][name] = self._create_upload(reservation, name, path)
        except TransientError:
            pass  # the share (and its link) exists: upload() creates what is missing
        return reservation

    def _tus_client(self, reservation: Reservation) -> TusClient:
        upload_url = self._rebase(reservation.state["upload_url"])
        return TusClient(upload_url, headers={"Authorization": self._auth()})

    def _auth(self) -> str:
        return str(self._session.headers["Authorization"])

    def _uploader(
        self, reservation: Reservation, name: str, stream: Any, url: str | None
    ) -> SessionUploader:
        return SessionUploader(
            file_stream=stream,
            url=url,
            client=self._tus_client(reservation),
            chunk_size=self.chunk_size,
            metadata={"share": reservation.share_id, "name": name},
            upload_checksum=True,
            session=self._session,
            timeout=self.timeout,
            target=self.name,
        )

    def _create_upload(self, reservation: Reservation, name: str, path: Path) -> str:
        with open(path, "rb") as stream:
            return self._rebase(str(self._uploader(reservation, name, stream, None).create_url()))

    def _rebase(self, url: str) -> str:
        """Upload URLs on the host this machine was configured with: the server builds them
        from its public URL (what phones use), which a laptop may not reach the same way."""
        ours, theirs = urlsplit(self.base_url), urlsplit(urljoin(self.base_url + "/", url))
        return urlunsplit((ours.scheme, ours.netloc, theirs.path, theirs.query, ""))

    def upload(
        self,
        package: SharePackage,
        reservation: Reservation,
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> Reservation:
        state = dict(reservation.state)
        state["uploads"] = dict(state.get("uploads", {}))
        reservation = dataclasses.replace(reservation, state=state)
        if state.get("published"):
            return reservation
        if state.get("files") is None:
            self._declare(package, reservation, cancel)
        meter = UploadMeter(sum(p.stat().st_size for _, p in package.files()), progress)
        for name, path in package.files():
            reservation = self._upload_file(reservation, name, path, meter, cancel)
        self._publish(package, reservation, cancel)
        state["published"] = True
        meter.add(0, "published", sent=False)
        return reservation

    def _declare(
        self, package: SharePackage, reservation: Reservation, cancel: CancelToken
    ) -> None:
        """Tell the server the files (and the final manifest) of a share reserved before its
        media existed. Safe to repeat: uploads of unchanged files are kept."""
        files = _declarations(package)
        body = {"manifest": package.manifest.to_dict(), "files": files}
        retrying(
            lambda: self._call(
                "PUT",
                f"/api/v1/shares/{reservation.share_id}/files",
                "declaring the share's files",
                json=body,
            ),
            cancel=cancel,
            window=self.retry_window,
        )
        reservation.state["files"] = files
        if self.on_checkpoint:
            self.on_checkpoint(reservation)

    def _publish(
        self, package: SharePackage, reservation: Reservation, cancel: CancelToken
    ) -> None:
        """POST publish. A 409 alone never fails the send: the server is asked where the share
        stands. Live: an earlier attempt published it and its answer was lost — done.
        Revoked: nothing will publish it (UserError). Still pending: a file is not complete on
        the server yet (its last PATCH still finishing, or a crash cut the completion short),
        so every file's upload is checked again, what is missing re-sent, and publish tried
        again; if it still is not, the error is transient and the outbox retries later."""
        url = f"{self.base_url}/api/v1/shares/{reservation.share_id}/publish"

        def publish_once() -> int:
            try:
                resp = self._session.post(url, timeout=self.timeout)
            except requests.RequestException as exc:
                raise network_error(exc, f"the share server {self.base_url}") from exc
            if resp.status_code != 409:
                check_status(resp, "publishing the share", self.name)
            return resp.status_code

        quiet = UploadMeter(0, lambda _p: None)  # progress was reported by the first pass
        for attempt in range(_PUBLISH_ROUNDS):
            if retrying(publish_once, cancel=cancel, window=self.retry_window) != 409:
                return
            share = retrying(
                lambda: self._call(
                    "GET", f"/api/v1/shares/{reservation.share_id}", "reading the share"
                ),
                cancel=cancel,
                window=self.retry_window,
            )
            stands = str((share or {}).get("state"))
            if stands == "live":
                return
            if stands != "pending":
                raise UserError(
                    f"The share was {stands} on the server before it was published; "
                    "send the video again for a new link."
                )
            if cancel.wait(min(2.0**attempt, 8.0)):
                cancel.raise_if_cancelled()
            for name, path in package.files():
                self._upload_file(reservation, name, path, quiet, cancel)
        raise TargetBusy(
            "the share server does not have every file complete yet (publish answered 409)"
        )

    def _upload_file(
        self,
        reservation: Reservation,
        name: str,
        path: Path,
        meter: UploadMeter,
        cancel: CancelToken,
    ) -> Reservation:
        try:
            return self._send_file(reservation, name, path, meter, cancel)
        except ExpiredUpload:
            # The server dropped the upload mid-way (expired, or its share is no longer
            # pending): start the file again; creating it says why if it cannot be.
            reservation.state["uploads"].pop(name, None)
            return self._send_file(reservation, name, path, meter, cancel)

    def _send_file(
        self,
        reservation: Reservation,
        name: str,
        path: Path,
        meter: UploadMeter,
        cancel: CancelToken,
    ) -> Reservation:
        uploads: dict[str, str] = reservation.state["uploads"]
        with open(path, "rb") as stream:

            def connect() -> SessionUploader:
                url = uploads.get(name)
                if url:
                    try:
                        return self._uploader(reservation, name, stream, url)
                    except ExpiredUpload:
                        pass  # the server dropped an abandoned upload: start this file again
                uploads[name] = self._create_upload(reservation, name, path)
                if self.on_checkpoint:
                    self.on_checkpoint(reservation)
                return self._uploader(reservation, name, stream, uploads[name])

            uploader = retrying(connect, cancel=cancel, window=self.retry_window)
            meter.add(int(uploader.offset), name, sent=False)  # already on the server
            last = int(uploader.offset)
            reported = [0]

            def body_read(n: int) -> None:
                cancel.raise_if_cancelled()  # stop mid-chunk; the server discards the part
                if n - reported[0] >= IN_FLIGHT_STEP:
                    reported[0] = n
                    meter.in_flight(n, name)

            uploader.on_body_read = body_read
            resync = False

            def chunk() -> None:
                nonlocal resync
                if resync:  # after a failure ask where the server stands; never assume
                    uploader.offset = uploader.get_offset()
                    resync = False
                try:
                    uploader.upload_chunk()  # type: ignore[no-untyped-call]
                except Exception:
                    resync = True
                    raise

            while uploader.offset < uploader.stop_at:
                cancel.raise_if_cancelled()
                reported[0] = 0
                retrying(chunk, cancel=cancel, window=self.retry_window)
                meter.add(int(uploader.offset) - last, name)
                last = int(uploader.offset)
        return reservation

    def revoke(self, reservation: Reservation) -> None:
        self._call("POST", f"/api/v1/shares/{reservation.share_id}/revoke", "revoking the share")

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        self._call(
            "PATCH",
            f"/api/v1/shares/{reservation.share_id}",
            "changing the expiry",
            json={"expires_at": expires_at},
        )

    def status(self, reservation: Reservation) -> ShareStatus:
        data = self._call("GET", f"/api/v1/shares/{reservation.share_id}", "reading the share")
        return share_status_from_json(data)

    def list_shares(self) -> list[dict[str, Any]]:
        data = self._call("GET", "/api/v1/shares", "listing shares")
        return list(data or [])

    def test(self) -> str:
        """Round trip: health, auth, create a share, tus-upload 64 KiB with a checksum, read the
        offset back, open the pending page, then terminate the upload and revoke the share."""
        started = time.monotonic()
        try:
            health = self._session.get(f"{self.base_url}/healthz", timeout=self.timeout)
        except requests.RequestException as exc:
            raise UserError(
                f"Cannot reach {self.base_url} ({type(exc).__name__}); check the URL."
            ) from exc
        if health.status_code != 200:
            raise UserError(f"{self.base_url}/healthz answered {health.status_code}; see its log.")
        payload = (b"RepVideo connection test " * 2700)[: 64 * 1024]
        manifest = _test_manifest()
        # Never published (the bytes are no video): only the upload path is exercised.
        files = [{"name": "video.mp4", "size": len(payload), "sha256": _sha_bytes(payload)}]
        body = {"manifest": manifest.to_dict(), "files": files}
        share = self._call("POST", "/api/v1/shares", "creating a test share", json=body)
        reservation = Reservation(
            target=self.name,
            share_id=str(share["id"]),
            token=str(share["token"]),
            link=str(share["url"]),
            state={"upload_url": self._rebase(str(share["upload_url"]))},
        )
        try:
            uploader = self._uploader(reservation, "video.mp4", io.BytesIO(payload), None)
            uploader.set_url(self._rebase(uploader.create_url()))
            uploader.upload()
            if uploader.get_offset() != len(payload):
                raise UserError("The server lost the test upload's bytes; check its storage.")
            page = self._public_get(reservation.link)
            if page.status_code != 200:
                raise UserError(f"The share page answered {page.status_code}; check public-url.")
            self._session.delete(str(uploader.url), headers={"Tus-Resumable": "1.0.0"}, timeout=10)
        finally:
            self.revoke(reservation)
        ms = (time.monotonic() - started) * 1000
        return (
            f"{self.name}: OK — share created, 64 KiB uploaded and read back, "
            f"page served, cleaned up ({ms:.0f} ms)" + _link_note(self.base_url, reservation.link)
        )

    def _public_get(self, url: str) -> requests.Response:
        """GET a URL the server built from its public URL, as a phone would: without our API
        token. That URL may name another host, or plain http, than the one configured here."""
        try:
            return requests.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise UserError(
                f"The share page {url} cannot be reached ({type(exc).__name__}); "
                "check the server's public-url."
            ) from exc


def _link_note(base_url: str, link: str) -> str:
    """A word when the links phones get are not where this machine talks to the server."""
    ours, theirs = urlsplit(base_url), urlsplit(link)
    if theirs.scheme == "http" and not is_loopback(theirs.hostname or ""):
        return (
            f"; note: links are plain http ({theirs.netloc}), set the server's public-url to https"
        )
    if theirs.netloc != ours.netloc:
        return f"; links point at {theirs.netloc} (the server's public-url)"
    return ""


def share_status_from_json(data: dict[str, Any]) -> ShareStatus:
    events = tuple(
        ViewEvent(kind=str(e.get("kind")), at=str(e.get("at")), value=_opt_str(e.get("value")))
        for e in data.get("events") or []
    )
    return ShareStatus(
        state=str(data.get("state", "unknown")),
        views=int(data.get("views") or 0),
        max_watched_percent=int(data.get("max_watched_percent") or 0),
        events=events,
        expires_at=data.get("expires_at"),
        reason=data.get("reason"),
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _declarations(package: SharePackage) -> list[dict[str, Any]]:
    return [
        {"name": name, "size": path.stat().st_size, "sha256": sha256_file(path)}
        for name, path in package.files()
    ]


def _sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _test_manifest() -> ShareManifest:
    now = datetime.now(UTC)
    return ShareManifest(
        token=new_token(),
        recipient=Person(name="RepVideo connection test"),
        rep=Person(name="RepVideo"),
        message="Connection test; revoked at once.",
        created_at=now,
        expires_at=None,
        duration=0.0,
        poster=None,
        preview=None,
    )
