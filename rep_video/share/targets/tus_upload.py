"""One file through tus 1.0, with tuspy's uploader driven chunk by chunk so that we own the
retries, cancellation, progress and timeouts (tuspy's own calls have no timeout and retry
blindly). Each PATCH carries an sha256 `Upload-Checksum`, so a chunk cut in flight is
discarded by the server and at most one chunk is ever sent twice."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urljoin

import requests
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.request import TusRequest
from tusclient.uploader.uploader import Uploader

from rep_video import network
from rep_video.errors import (
    TargetBusy,
    TargetUnreachable,
    TransientError,
    UnexpectedAnswer,
    UserError,
)
from rep_video.progress import CancelToken
from rep_video.share.targets.server_answer import unexpected

T = TypeVar("T")


def network_error(exc: requests.RequestException, doing: str) -> TransientError:
    """A request that got no answer, as one of our error types: no connection at all (refused,
    no route, a timeout) is TargetUnreachable, anything else that broke on the way TargetBusy."""
    cls = TargetUnreachable if isinstance(exc, _NO_CONNECTION) else TargetBusy
    return cls(f"cannot reach {doing}: {network.describe(exc)}")


_NO_CONNECTION = (requests.ConnectionError, requests.Timeout, TargetUnreachable)


class ExpiredUpload(Exception):
    """The server no longer knows this tus upload (expired or terminated): create a new one."""


class _SessionRequest(TusRequest):
    """tuspy's PATCH, sent on our keep-alive session with a timeout."""

    def __init__(self, uploader: SessionUploader) -> None:
        super().__init__(uploader)  # type: ignore[no-untyped-call]
        self._session = uploader.session
        self._timeout = uploader.timeout
        self._on_body_read = uploader.on_body_read

    def perform(self) -> None:
        chunk = self.file.read(self._content_length)
        self.add_checksum(chunk)
        body: bytes | _WatchedBody = chunk
        if self._on_body_read is not None:
            body = _WatchedBody(chunk, self._on_body_read)
        try:
            resp = self._session.patch(
                self._url, data=body, headers=self._request_headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise TusUploadFailed(exc) from exc  # type: ignore[no-untyped-call]
        self.response = resp
        self.status_code = resp.status_code
        self.response_content = resp.content
        self.response_headers = {k.lower(): v for k, v in resp.headers.items()}


class _WatchedBody:
    """A chunk as a file-like body: the HTTP client reads it block by block as it sends, so
    `on_read(bytes_so_far)` gives progress inside a chunk and can raise `Cancelled` to stop
    mid-chunk. `__len__` keeps the Content-Length header (no chunked encoding)."""

    def __init__(self, data: bytes, on_read: Callable[[int], None]) -> None:
        self._buf = io.BytesIO(data)
        self._len = len(data)
        self._on_read = on_read

    def __len__(self) -> int:
        return self._len

    def read(self, size: int = -1) -> bytes:
        block = self._buf.read(size)
        if block:
            self._on_read(self._buf.tell())
        return block


class SessionUploader(Uploader):
    request: Any
    # Set by the caller: hears how much of the current chunk has gone out (may raise).
    on_body_read: Callable[[int], None] | None = None
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)

    def __init__(
        self,
        *args: Any,
        session: requests.Session,
        timeout: float,
        target: str = "NAME",
        known_offset: int | None = None,
        **kwargs: Any,
    ) -> None:
        # Set before super().__init__: it already asks the server for the offset.
        self.session = session
        self.timeout = timeout
        self.target_name = target
        # An upload just created is at 0: no round trip to ask (asked again after a failure).
        self._known_offset = known_offset
        super().__init__(*args, **kwargs)

    def get_offset(self) -> int:
        if self._known_offset is not None:
            known, self._known_offset = self._known_offset, None
            return known
        try:
            resp = self.session.head(
                str(self.url),
                headers=self.get_headers(),  # type: ignore[no-untyped-call]
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise network_error(exc, "the share server") from exc
        if resp.status_code in (404, 410):
            raise ExpiredUpload(self.url)
        check_status(resp, "checking the upload offset", self.target_name)
        offset = resp.headers.get("upload-offset", "")
        if not offset.isdigit():
            raise unexpected(resp, "checking the upload offset", self.target_name,
                             f"has no Upload-Offset ({resp.status_code})")  # fmt: skip
        return int(offset)

    @property
    def creation_url(self) -> str:
        if self.client is None:
            raise ValueError("a tus client is needed to create an upload")
        return str(self.client.url)

    def create_url(self) -> str:
        try:
            resp = self.session.post(
                self.creation_url,
                headers=self.get_url_creation_headers(),  # type: ignore[no-untyped-call]
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise network_error(exc, "the share server") from exc
        check_status(resp, "creating the upload", self.target_name)
        location = resp.headers.get("location")
        if not location:
            raise unexpected(resp, "creating the upload", self.target_name,
                             f"has no Location ({resp.status_code})")  # fmt: skip
        return urljoin(self.creation_url, location)

    def _do_request(self) -> None:
        self.request = _SessionRequest(self)
        self.request.perform()
        status = int(self.request.status_code or 0)
        if status in (404, 410):
            raise ExpiredUpload(self.url)
        if status == 409:  # offset mismatch: the server has more or less than we thought
            raise TusCommunicationError(  # type: ignore[no-untyped-call]
                "offset mismatch", status, self.request.response_content
            )
        if 400 <= status < 500 and status not in (408, 423, 429, 460):
            # Refused for good (token, size, type): the user's to fix, not worth retrying.
            check_status(self.request.response, "uploading", self.target_name)
        if not 200 <= status < 300:
            raise TusUploadFailed(  # type: ignore[no-untyped-call]
                "", status, self.request.response_content
            )


def check_status(
    resp: requests.Response, doing: str, target: str = "NAME", fix: str = "check the share"
) -> None:
    """Map an HTTP answer to our error kinds: 2xx passes; 401/403 and other 4xx are the user's
    to fix (UserError); 5xx, 408, 423, 429 may pass (TargetBusy)."""
    code = resp.status_code
    if 200 <= code < 300:
        return
    detail = _detail(resp)
    if code in (401, 403):
        raise UserError(
            f"The share server rejected the API token while {doing} ({code}: {detail}); "
            f"store a valid one with `rep-video targets secret {target} --token-stdin`."
        )
    if code >= 500 or code in (408, 423, 429):
        raise TargetBusy(f"the server answered {code} while {doing}: {detail}")
    raise UserError(f"The share server refused {doing} ({code}: {detail}); {fix}.")


def _detail(resp: requests.Response) -> str:
    """The answer's reason as one line: an error page's HTML (a proxy's, or no share server
    at that URL) was quoted across ten lines of stderr."""
    try:
        data = resp.json()
    except ValueError:
        if "html" in resp.headers.get("content-type", "").lower():
            return "a web page, not the share server's answer: is the URL the share server's?"
        return _one_line(resp.text[:200]) or resp.reason or ""
    if isinstance(data, dict) and "detail" in data:
        return _one_line(_problems(data["detail"]))[:300]
    return _one_line(str(data))[:300]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _problems(detail: Any) -> str:
    """FastAPI's 422 list as `field: message; ...`; any other detail as text."""
    if not isinstance(detail, list) or not all(isinstance(p, dict) for p in detail):
        return str(detail)
    shown = []
    for problem in detail:
        loc = [str(part) for part in problem.get("loc", []) if part != "body"]
        msg = str(problem.get("msg", "")).removeprefix("Value error, ")
        shown.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(shown)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, UnexpectedAnswer):
        return False  # a server of the wrong kind stays so for the seconds a retry waits
    if isinstance(exc, TransientError | requests.ConnectionError | requests.Timeout):
        return True
    if isinstance(exc, TusCommunicationError):
        code = exc.status_code
        # None: the connection broke; 460: the chunk arrived damaged; 409: offsets disagree.
        return code is None or code >= 500 or code in (408, 409, 423, 429, 460)
    return False


def retrying(
    fn: Callable[[], T],
    *,
    cancel: CancelToken,
    window: float,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Call `fn` until it succeeds; on a transient error wait with exponential backoff
    (0.25 s doubling to 8 s) for at most `window` seconds in all, then raise
    a TransientError for the outbox to retry later (TargetUnreachable when the last try
    found no connection at all). Other errors pass through."""
    deadline = time.monotonic() + window
    delay = 0.25
    while True:
        cancel.raise_if_cancelled()
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if time.monotonic() + delay > deadline:
                cls = TargetUnreachable if _unreachable(exc) else TargetBusy
                raise cls(f"upload interrupted: {exc}") from exc
            if on_retry:
                on_retry(exc, delay)
            if cancel.wait(delay):
                cancel.raise_if_cancelled()
            delay = min(delay * 2, 8.0)


def _unreachable(exc: BaseException) -> bool:
    if isinstance(exc, _NO_CONNECTION):
        return True
    # tuspy reports a PATCH whose connection broke as a TusUploadFailed without a status.
    cause = exc.__cause__
    return (
        isinstance(exc, TusCommunicationError)
        and exc.status_code is None
        and (cause is None or isinstance(cause, _NO_CONNECTION))
    )
