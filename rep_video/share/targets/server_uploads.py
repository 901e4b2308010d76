"""The files of a share on RepVideo's server as tus uploads: created at reserve, so their URLs
are in the reservation the outbox persists before any byte moves; then each file sent from the
offset the server reports, chunk by chunk, each chunk with a sha256 Upload-Checksum."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from tusclient.client import TusClient

from rep_video.file_range import FileRange
from rep_video.progress import CancelToken
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.tus_upload import ExpiredUpload, SessionUploader, retrying

IN_FLIGHT_STEP = 256 * 1024  # progress inside a chunk every this many bytes
IN_FLIGHT = 4  # files sent at once by send_many


@dataclass(frozen=True, slots=True)
class TusEndpoint:
    """How this machine talks to a server's uploads: its session (with the API token), the
    server's URL as configured here, the target's name for messages, and the chunking."""

    session: requests.Session
    base_url: str
    target: str
    chunk_size: int
    timeout: float

    def rebase(self, url: str) -> str:
        """`url` on the host this machine was configured with: the server builds upload URLs
        from its public URL (what phones use), which a laptop may not reach the same way."""
        ours, theirs = urlsplit(self.base_url), urlsplit(urljoin(self.base_url + "/", url))
        return urlunsplit((ours.scheme, ours.netloc, theirs.path, theirs.query, ""))


class ShareUploads:
    """The uploads of one reserved share; `reservation.state["uploads"]` (file name → upload
    URL) is what resumes them, and `saved` is called whenever it changes."""

    def __init__(
        self,
        endpoint: TusEndpoint,
        reservation: Reservation,
        retry_window: float,
        saved: Callable[[], None] = lambda: None,
    ) -> None:
        self.endpoint = endpoint
        self.reservation = reservation
        self.retry_window = retry_window
        self.saved = saved
        self._lock = threading.Lock()  # the uploads' URLs, as files sent at once change them

    def uploader(
        self, name: str, stream: IO[bytes], url: str | None, known_offset: int | None = None
    ) -> SessionUploader:
        """tuspy's uploader for one file: a new upload when `url` is None; `known_offset`:
        where the upload stands, when this process has just created it."""
        end = self.endpoint
        client = TusClient(
            end.rebase(self.reservation.state["upload_url"]),
            headers={"Authorization": str(end.session.headers["Authorization"])},
        )
        return SessionUploader(
            file_stream=stream,
            url=url,
            client=client,
            chunk_size=end.chunk_size,
            metadata={"share": self.reservation.share_id, "name": name},
            upload_checksum=True,
            session=end.session,
            timeout=end.timeout,
            target=end.target,
            known_offset=known_offset,
        )

    def create(self, name: str, path: Path, span: Span | None = None) -> str:
        """A new upload for the file at `path` (or its bytes `span`: offset, length); its URL."""
        with _open(path, span) as stream:
            return self.endpoint.rebase(str(self.uploader(name, stream, None).create_url()))

    def send(
        self, name: str, path: Path, meter: UploadMeter, cancel: CancelToken, *,
        span: Span | None = None,
    ) -> None:  # fmt: skip
        """What the server does not have of the file (or of its bytes `span`) yet."""
        try:
            self._send(name, path, span, meter, cancel)
        except ExpiredUpload:
            # The server dropped the upload mid-way (expired, or its share is no longer
            # pending): start the file again; creating it says why if it cannot be.
            with self._lock:
                self.reservation.state["uploads"].pop(name, None)
            self._send(name, path, span, meter, cancel)

    def send_many(
        self, files: Sequence[tuple[str, Path, Span | None]], meter: UploadMeter,
        cancel: CancelToken, in_flight: int = IN_FLIGHT,
    ) -> None:  # fmt: skip
        """`send` each of `files` (name, path, span), up to `in_flight` at once: while one
        waits for its round trips (creating its upload, its PATCH's answer) the others' bytes
        keep the uplink busy, so a few small files (the cut's pieces, the poster, the take's
        last chunk) do not pay their round trips one after the other. The first failure is
        raised once all have ended."""
        if len(files) <= 1 or in_flight <= 1:
            for name, path, span in files:
                self.send(name, path, meter, cancel, span=span)
            return
        with ThreadPoolExecutor(min(in_flight, len(files)), "rep-video-upload") as pool:
            running = [pool.submit(self.send, n, p, meter, cancel, span=s) for n, p, s in files]
            for future in running:
                future.result()

    def _send(
        self, name: str, path: Path, span: Span | None, meter: UploadMeter, cancel: CancelToken
    ) -> None:
        uploads: dict[str, str] = self.reservation.state["uploads"]
        with _open(path, span) as stream:

            def connect() -> SessionUploader:
                url = uploads.get(name)
                if url:
                    try:
                        return self.uploader(name, stream, url)
                    except ExpiredUpload:
                        pass  # the server dropped an abandoned upload: start this file again
                url = self.create(name, path, span)
                with self._lock:  # the reservation is saved whole: not while it changes
                    uploads[name] = url
                    self.saved()
                return self.uploader(name, stream, url, known_offset=0)

            uploader = retrying(connect, cancel=cancel, window=self.retry_window)
            meter.add(int(uploader.offset), name, sent=False)  # already on the server
            _send_chunks(uploader, name, meter, cancel, self.retry_window)


Span = tuple[int, int]  # offset, length


def _open(path: Path, span: Span | None) -> IO[bytes]:
    if span is None:
        return open(path, "rb")
    return cast(IO[bytes], FileRange(path, *span))


def _send_chunks(
    uploader: SessionUploader,
    name: str,
    meter: UploadMeter,
    cancel: CancelToken,
    retry_window: float,
) -> None:
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
        retrying(chunk, cancel=cancel, window=retry_window)
        meter.add(int(uploader.offset) - last, name)
        last = int(uploader.offset)
