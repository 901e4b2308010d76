"""The `server` target: RepVideo's own share service (docs/API.md).

reserve() creates the share (the link is known at once). For a complete package it declares
the files and creates a tus upload per file (server_uploads.py), so the upload URLs are in the
reservation the outbox persists before any byte moves. For a package whose media is still
being made it declares nothing (one quick POST: no hashing, no uploads), and upload() declares
the files with the final manifest first (PUT /shares/{id}/files). upload() asks the server for
each file's offset and sends only what is missing, then publishes.

upload_layout() publishes a package whose video is a layout (media/publish/assemble.py): the
files the layout reads are uploaded (or found already there) and the server composes the
video from them (server_compose.py), so only the new pieces cross the network."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from rep_video import network
from rep_video.errors import TargetBusy, TransientError, UserError
from rep_video.fileutil import sha256_file
from rep_video.media.mp4.layout import FileLayout
from rep_video.progress import CancelToken, ProgressFn
from rep_video.share.live_stream import LiveEvent, LiveStream
from rep_video.share.targets.base import (
    Reservation,
    ResumableTarget,
    SharePackage,
    ShareStatus,
)
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.server_answer import (
    OBJECT,
    SHARE_FIELDS,
    VIEW_TOTAL_FIELDS,
    Expect,
    json_answer,
    share_status_from_json,
)
from rep_video.share.targets.server_check import round_trip
from rep_video.share.targets.server_compose import ComposePlan, live_grid, plan_layout
from rep_video.share.targets.server_uploads import ShareUploads, TusEndpoint
from rep_video.share.targets.tus_upload import check_status, network_error, retrying

if TYPE_CHECKING:
    from rep_video.share.targets.live_tail import TailUpload

DEFAULT_CHUNK = 4 * 1024 * 1024  # big enough for throughput, small enough to re-send cheaply
_PUBLISH_ROUNDS = 4  # publish → 409 → check the files again, at most this often per attempt


class ServerTarget(ResumableTarget):
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
        self._session = network.session()  # the OS trust store, the proxy settings
        self._session.headers["Authorization"] = f"Bearer {token}"
        self.endpoint = TusEndpoint(self._session, self.base_url, name, chunk_size, timeout)

    def close(self) -> None:
        """Release the keep-alive connections."""
        self._session.close()

    # --- the API ------------------------------------------------------------------------

    def call(
        self, method: str, path: str, doing: str, *, fix: str = "check the share",
        expect: Expect = None, **kwargs: Any,
    ) -> Any:  # fmt: skip
        """`fix`: what a refusal's one-line error tells the user to do; `expect`: the shape
        the answer must have (server_answer.py), else UnexpectedAnswer."""
        try:
            resp = self._session.request(
                method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise network_error(exc, f"the share server {self.base_url}") from exc
        check_status(resp, doing, self.name, fix)
        return json_answer(resp, doing, self.name, expect)

    def call_if_found(self, path: str, doing: str, expect: Expect = OBJECT) -> Any:
        """GET `path`; None when the server answers 404 (nothing there yet)."""
        try:
            resp = self._session.get(f"{self.base_url}{path}", timeout=self.timeout)
        except requests.RequestException as exc:
            raise network_error(exc, f"the share server {self.base_url}") from exc
        if resp.status_code == 404:
            return None
        check_status(resp, doing, self.name)
        return json_answer(resp, doing, self.name, expect)

    def reserve(self, package: SharePackage) -> Reservation:
        # None: declared by upload(), once the media exists.
        files = _declarations(package) if package.complete else None
        body = {"manifest": package.manifest.to_dict(), "files": files or []}
        share = self.call(
            "POST", "/api/v1/shares", "creating the share", json=body, expect=SHARE_FIELDS
        )
        state: dict[str, Any] = {
            "share_id": share["id"],
            "upload_url": self.endpoint.rebase(str(share["upload_url"])),
            "files": files,
            "uploads": {},
            "published": False,
        }
        reservation = Reservation(
            target=self.name,
            share_id=str(share["id"]),
            token=str(share["token"]),
            link=str(share["url"]),
            state=state,
        )
        if files is None:
            return reservation
        uploads = self.uploads(reservation)
        try:
            for name, path in package.files():
                state["uploads"][name] = uploads.create(name, path)
        except TransientError:
            pass  # the share (and its link) exists: upload() creates what is missing
        return reservation

    def uploads(self, reservation: Reservation) -> ShareUploads:
        """The tus uploads of the reserved share."""
        return ShareUploads(
            self.endpoint, reservation, self.retry_window, partial(self.checkpoint, reservation)
        )

    def send(
        self, package: SharePackage, reservation: Reservation, meter: UploadMeter,
        cancel: CancelToken,
    ) -> None:  # fmt: skip
        state = reservation.state
        state.setdefault("uploads", {})
        shared = state.get("same_as")  # the files another live share of ours has (worker)
        if not state.get("files") or (shared and not _same_as_names(state)):
            self._declare_shared(package, reservation, cancel)
        uploads = self.uploads(reservation)
        for name, path in package.files():
            if name in _same_as_names(state):
                meter.add(path.stat().st_size, name, sent=False)  # the server has it
            else:
                uploads.send(name, path, meter, cancel)
        self._publish(package, reservation, cancel)

    def _declare_shared(
        self, package: SharePackage, reservation: Reservation, cancel: CancelToken
    ) -> None:
        """Declare the files, those in `state["same_as"]` as the same file of that share. The
        server refusing the reference (that share was revoked meanwhile, or purged): declared
        again as files of this share's own, to be uploaded."""
        shared = reservation.state.get("same_as")
        try:
            self._declare(package, reservation, cancel, _declarations(package, shared))
        except UserError:
            if not shared:
                raise
            reservation.state["same_as"] = None
            self._declare(package, reservation, cancel)

    def upload_layout(
        self, package: SharePackage, reservation: Reservation, layout: FileLayout,
        progress: ProgressFn, cancel: CancelToken, tail: TailUpload | None = None,
    ) -> Reservation:  # fmt: skip
        """`upload` for a package whose video (which need not exist here) is `layout`: upload
        the files it reads as the share's parts, unless the server has them already, and the
        package's other files; have the server compose the video; publish. Resumable like
        `upload`: parts and files already complete on the server are not sent again. `tail`
        (live_tail.py), still sending the end of the take: the rest goes beside it (its
        round trips overlap its bytes), and it is joined before the compose."""
        reservation = reservation.working_copy()
        if reservation.state.get("published"):
            return reservation
        reservation.state.setdefault("uploads", {})
        video = package.manifest.video
        others = [(n, p) for n, p in package.files() if n != video]
        with tempfile.TemporaryDirectory(prefix="rep-video-compose-") as spill:
            plan = plan_layout(layout, video, Path(spill), live_grid(reservation))
            files = [
                {"name": video, "size": plan.size, "sha256": plan.sha256},
                *_declarations_of(others),
                *(p.declaration() for p in plan.parts),
            ]
            held = set(reservation.state.get("complete_parts") or ())  # sent while recording
            busy = tail.wait_declared() if tail is not None else set()  # the tail sends these
            parts = [p for p in plan.parts if p.name not in held]
            mine = sum(p.size for p in parts if p.name not in busy)
            meter = UploadMeter(mine + sum(p.stat().st_size for _, p in others), progress)
            self._declare(package, reservation, cancel, files)  # after the tail's: kept

            def send_all(m: UploadMeter) -> None:
                nonlocal reservation
                spans = {p.name: (p.name, p.path, None if p.whole else (p.offset, p.size))
                         for p in parts}  # fmt: skip
                beside = [f for n, f in spans.items() if n not in busy]
                try:
                    rest = [(n, p, None) for n, p in others]
                    self.uploads(reservation).send_many([*beside, *rest], m, cancel)
                finally:
                    if tail is not None and busy:  # what it did not get up goes here
                        reservation = tail.joined(reservation)
                        self.checkpoint(reservation)
                done = set(reservation.state.get("complete_parts") or ())
                left = [f for n, f in spans.items() if n in busy and n not in done]
                busy.clear()
                self.uploads(reservation).send_many(left, m, cancel)
                self._compose(reservation, plan, cancel)

            send_all(meter)
            self._publish(package, reservation, cancel, resend=send_all)
        reservation.state["published"] = True
        meter.add(0, "published", sent=False)
        return reservation

    def _compose(self, reservation: Reservation, plan: ComposePlan, cancel: CancelToken) -> None:
        retrying(
            lambda: self.call(
                "POST",
                f"/api/v1/shares/{reservation.share_id}/compose",
                f"composing {plan.body['name']}",
                fix="send the video again",
                json=plan.body,
            ),
            cancel=cancel,
            window=self.retry_window,
        )

    def _declare(
        self, package: SharePackage, reservation: Reservation, cancel: CancelToken,
        files: list[dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        """Tell the server the files (and the final manifest) of a share reserved before its
        media existed. Safe to repeat: uploads of unchanged files are kept."""
        files = _declarations(package) if files is None else files
        body = {"manifest": package.manifest.to_dict(), "files": files}
        retrying(
            lambda: self.call(
                "PUT",
                f"/api/v1/shares/{reservation.share_id}/files",
                "declaring the share's files",
                json=body,
            ),
            cancel=cancel,
            window=self.retry_window,
        )
        reservation.state["files"] = files
        self.checkpoint(reservation)

    def _publish(
        self, package: SharePackage, reservation: Reservation, cancel: CancelToken,
        resend: Callable[[UploadMeter], None] | None = None,
    ) -> None:  # fmt: skip
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
                lambda: self.call(
                    "GET",
                    f"/api/v1/shares/{reservation.share_id}",
                    "reading the share",
                    expect={"state": str},
                ),
                cancel=cancel,
                window=self.retry_window,
            )
            stands = str(share["state"])
            if stands == "live":
                return
            if stands != "pending":
                raise UserError(
                    f"The share was {stands} on the server before it was published; "
                    "send the video again for a new link."
                )
            if cancel.wait(min(2.0**attempt, 8.0)):
                cancel.raise_if_cancelled()
            if resend is not None:
                resend(quiet)
                continue
            uploads = self.uploads(reservation)
            for name, path in package.files():
                if name not in _same_as_names(reservation.state):
                    uploads.send(name, path, quiet, cancel)
        raise TargetBusy(
            "the share server does not have every file complete yet (publish answered 409)"
        )

    def revoke(self, reservation: Reservation) -> None:
        self.call("POST", f"/api/v1/shares/{reservation.share_id}/revoke", "revoking the share")

    def extend(self, reservation: Reservation, expires_at: str | None) -> None:
        self.call(
            "PATCH",
            f"/api/v1/shares/{reservation.share_id}",
            "changing the expiry",
            json={"expires_at": expires_at},
        )

    def status(self, reservation: Reservation) -> ShareStatus:
        data = self.call_if_found(
            f"/api/v1/shares/{reservation.share_id}", "reading the share", {"state": str}
        )
        if data is None:  # our own share, gone: the server's retention purge deleted it
            return ShareStatus(state="deleted", reason="deleted by the server's retention policy")
        return share_status_from_json(data)

    def view_totals(self) -> dict[str, Any]:
        """Opens, plays, plays to the end and materials opened over all this account's shares
        (GET /api/v1/views): all a rep sees under the policy's `analytics = "aggregate"`."""
        data: dict[str, Any] = self.call(
            "GET", "/api/v1/views", "reading the view totals", expect=VIEW_TOTAL_FIELDS
        )
        return data

    def live_stream(
        self, on_event: Callable[[LiveEvent], None], on_status: Callable[[str], None]
    ) -> LiveStream:
        """The server's event stream for this rep (GET /api/v1/events), on a session of its
        own: `run` it on a thread that does nothing else (rep_video/share/live_stream.py)."""
        session = network.session()
        session.headers["Authorization"] = str(self._session.headers["Authorization"])
        return LiveStream(session, self.base_url, on_event, on_status)

    def list_shares(self) -> list[dict[str, Any]]:
        data = self.call("GET", "/api/v1/shares", "listing shares", expect=list)
        return [share for share in data if isinstance(share, dict)]

    def test(self) -> str:
        """Round trip: health, auth, create a share, tus-upload 64 KiB with a checksum, read the
        offset back, open the pending page, then terminate the upload and revoke the share."""
        return round_trip(self)


def _declarations(
    package: SharePackage, shared: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The package's files as the API declares them; those in `shared` ({"share": id,
    "files": {name: {size, sha256}}}) `same_as` that share, with its hashes (not read again)."""
    same = (shared or {}).get("files") or {}
    own = [(n, p) for n, p in package.files() if n not in same]
    return [
        *({"name": n, **same[n], "same_as": shared["share"]} for n, _ in package.files()
          if shared and n in same),
        *_declarations_of(own),
    ]  # fmt: skip


def _same_as_names(state: dict[str, Any]) -> set[str]:
    """The files the share declared `same_as` another share: nothing of them is uploaded."""
    return {
        str(f["name"]) for f in state.get("files") or [] if isinstance(f, dict) and f.get("same_as")
    }  # fmt: skip


def _declarations_of(files: list[tuple[str, Path]]) -> list[dict[str, Any]]:
    return [
        {"name": name, "size": path.stat().st_size, "sha256": sha256_file(path)}
        for name, path in files
    ]
