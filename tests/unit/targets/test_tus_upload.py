"""The pure parts of the upload client: which failures are worth retrying, the bounded retry
loop, and how HTTP answers become UserError, TargetBusy or TargetUnreachable."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import pytest
import requests
from tusclient.exceptions import TusUploadFailed

from rep_video.errors import Cancelled, TargetBusy, TargetUnreachable, UserError
from rep_video.progress import CancelToken
from rep_video.share.targets.tus_upload import (
    check_status,
    is_transient,
    network_error,
    retrying,
)


def _response(code: int, body: bytes = b'{"detail": "nope"}') -> requests.Response:
    resp = requests.Response()
    resp.status_code = code
    resp._content = body
    resp.headers["Content-Type"] = "application/json"
    return resp


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (requests.ConnectionError("reset"), True),
        (requests.Timeout("slow"), True),
        (TusUploadFailed(requests.ConnectionError("cut")), True),  # status None: link broke
        (TusUploadFailed("", 460, b""), True),  # checksum mismatch: damaged in flight
        (TusUploadFailed("", 503, b""), True),
        (TusUploadFailed("", 413, b""), False),
        (UserError("token"), False),
        (ValueError("bug"), False),
    ],
)
def test_is_transient(exc: Exception, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_retrying_backs_off_then_succeeds() -> None:
    calls: list[float] = []

    def flaky() -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise requests.ConnectionError("cut")
        return "ok"

    assert retrying(flaky, cancel=CancelToken(), window=10) == "ok"
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.45  # 0.25 s, then doubled


def _raises(exc: Exception) -> Callable[[], None]:
    def fail() -> None:
        raise exc

    return fail


def test_retrying_gives_up_after_the_window_for_the_outbox() -> None:
    started = time.monotonic()
    # A timeout to the last try is no connection at all: the outbox says "unreachable".
    with pytest.raises(TargetUnreachable, match="upload interrupted"):
        retrying(
            lambda: (_ for _ in ()).throw(requests.Timeout("x")), cancel=CancelToken(), window=1
        )
    assert time.monotonic() - started < 2.5


def test_a_server_that_answers_but_fails_is_busy_not_unreachable() -> None:
    with pytest.raises(TargetBusy, match="upload interrupted"):
        retrying(_raises(TargetBusy("the server answered 503")), cancel=CancelToken(), window=0.5)
    assert isinstance(network_error(requests.ConnectionError(), "x"), TargetUnreachable)
    assert isinstance(network_error(requests.exceptions.ChunkedEncodingError(), "x"), TargetBusy)


def test_retrying_passes_other_errors_and_honours_cancel() -> None:
    with pytest.raises(UserError):
        retrying(_raises(UserError("fix it")), cancel=CancelToken(), window=5)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    with pytest.raises(Cancelled):
        retrying(
            lambda: (_ for _ in ()).throw(requests.ConnectionError()), cancel=cancel, window=60
        )


@pytest.mark.parametrize(
    ("code", "error", "text"),
    [
        (401, UserError, "targets secret acme --token-stdin"),
        (403, UserError, "rejected the API token"),
        (413, UserError, "nope"),
        (422, UserError, "refused creating"),
        (500, TargetBusy, "500"),
        (429, TargetBusy, "429"),
    ],
)
def test_check_status_maps_answers(code: int, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text) as err:
        check_status(_response(code), "creating", "acme")
    assert "\n" not in str(err.value)


def test_an_error_page_or_a_multi_line_detail_is_said_in_one_line() -> None:
    page = _response(404, b"<!DOCTYPE HTML>\n<html>\n  <body>\n<h1>Not Found</h1>\n</html>\n")
    page.headers["Content-Type"] = "text/html; charset=utf-8"
    with pytest.raises(UserError) as caught:
        check_status(page, "reading the view totals")
    assert "\n" not in caught.value.message and "<" not in caught.value.message
    assert "a web page, not the share server's answer" in caught.value.message
    with pytest.raises(TargetBusy) as busy:
        check_status(_response(502, b'{"detail": "line one\\n  line two"}'), "creating")
    assert "line one line two" in str(busy.value)


def test_check_status_passes_2xx_and_reads_plain_text_details() -> None:
    check_status(_response(201), "creating")
    with pytest.raises(UserError, match=r"\(400: Bad Gateway page\)"):
        check_status(_response(400, b"Bad Gateway page"), "creating")
