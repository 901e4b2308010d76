"""The app says what the command line says about a network failure: a send waiting in the
outbox names the failure in the core's words (rep_video.network), and a failed revoke or status
task carries that line as it is, not an exception's class name."""

from __future__ import annotations

import contextlib

import pytest

from rep_video.errors import StillQueued, TransientError
from rep_video.progress import CancelToken
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.server import ServerTarget
from tests.support.server_process import free_port
from ui import send_errors
from ui.tasks import _outcome_of

RESERVATION = Reservation(target="t", share_id="s1", token="tok", link="", state={})


def test_the_app_shows_the_core_line_for_a_refused_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    line = (
        f"cannot reach the share server {url}: 127.0.0.1:{port} refused the connection; "
        "check the URL and that the server is running"
    )
    target = ServerTarget("t", url, "tok", retry_window=0)
    with contextlib.closing(target):
        revoke = _outcome_of(lambda _p, _c: target.revoke(RESERVATION), lambda _p: None,
                             CancelToken())  # fmt: skip
        status = _outcome_of(lambda _p, _c: target.status(RESERVATION), lambda _p: None,
                             CancelToken())  # fmt: skip
        with pytest.raises(TransientError) as caught:
            target.call("POST", "/api/v1/shares", "creating the share", json={})
    assert revoke.error == status.error == str(caught.value) == line
    queued = StillQueued(7, caught.value.kind, str(caught.value))
    assert send_errors.reason(queued, None) == line + "."
    # Without a stored line, the kind's general sentence.
    assert (
        send_errors.reason(StillQueued(7, "unreachable", None), None)
        == (send_errors.WAITING_BECAUSE["unreachable"])
    )
