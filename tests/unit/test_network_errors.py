"""What a failed connection says, one line per kind (DNS, TLS certificate, proxy, refused,
timeout), from real sockets on this machine, and the same words from every path a command
takes to the share server: `targets test`, `send` (creating the share), `status`, `revoke`."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rep_video.cli import main
from rep_video.errors import TransientError
from rep_video.share.targets.base import Reservation
from rep_video.share.targets.server import ServerTarget
from tests.support.net_relays import connect_proxy, tls_front
from tests.support.server_process import free_port
from tests.support.tls_ca import make_ca

_ENV = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
        "NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE")  # fmt: skip
RESERVATION = Reservation(target="t", share_id="s1", token="tok", link="", state={})


@pytest.fixture(autouse=True)
def _plain_network(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@contextlib.contextmanager
def _silent_listener() -> Iterator[int]:
    """Accepts connections (the kernel does) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


def _paths(target: ServerTarget) -> dict[str, Callable[[], object]]:
    return {
        "targets test": target.test,
        "send": lambda: target.call("POST", "/api/v1/shares", "creating the share", json={}),
        "status": lambda: target.status(RESERVATION),
        "revoke": lambda: target.revoke(RESERVATION),
    }


def _said(url: str, timeout: float = 5.0) -> set[str]:
    """The message each path gives, with the target at `url`."""
    target = ServerTarget("t", url, "tok", timeout=timeout, retry_window=0)
    said = set()
    try:
        for path, call in _paths(target).items():
            with pytest.raises(TransientError) as caught:
                call()
            said.add(str(caught.value))
            assert "\n" not in str(caught.value), path
    finally:
        target.close()
    return said


def test_refused() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    assert _said(url) == {
        f"cannot reach the share server {url}: 127.0.0.1:{port} refused the connection; "
        "check the URL and that the server is running"
    }


def test_dns() -> None:
    url = "https://no-such-host.invalid"  # .invalid never resolves (RFC 2606)
    assert _said(url) == {
        f"cannot reach the share server {url}: the name no-such-host.invalid does not "
        "resolve (DNS); check the URL and the network"
    }


def test_timeout() -> None:
    with _silent_listener() as port:
        url = f"http://127.0.0.1:{port}"
        assert _said(url, timeout=0.1) == {
            f"cannot reach the share server {url}: 127.0.0.1:{port} did not answer in time "
            "(timeout); check the network or try later"
        }


def test_tls_certificate(tmp_path: Path) -> None:
    with tls_front(make_ca(tmp_path)) as front:
        assert _said(front.url) == {
            f"cannot reach the share server {front.url}: the TLS certificate of localhost is "
            "not trusted (unable to get local issuer certificate); a company CA must be in "
            "the system's trust store"
        }


def test_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with tls_front(make_ca(tmp_path)) as front, connect_proxy(refuse=True) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        (said,) = _said(front.url)
    assert said.startswith(
        f"cannot reach the share server {front.url}: the proxy 127.0.0.1:{proxy.port} could "
        f"not connect to localhost:{front.port} ("
    )
    assert "403" in said and said.endswith("); check HTTPS_PROXY and NO_PROXY")


def test_the_command_line_says_it_in_one_line_with_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rep_video import config

    port = free_port()
    config.add_target("down", "server", {"url": f"http://127.0.0.1:{port}"})
    monkeypatch.setenv("REP_VIDEO_TARGET_DOWN_TOKEN", "tok")
    assert main(["targets", "test", "down"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"rep-video: cannot reach the share server http://127.0.0.1:{port}: 127.0.0.1:{port} "
        "refused the connection; check the URL and that the server is running\n"
    )
