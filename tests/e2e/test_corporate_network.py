"""Corporate networks, against the real share server behind TLS from a CA of the test's own
(the company CA): the client trusts what the OS trust store trusts (here a temporary one, via
SSL_CERT_FILE, holding only that CA), goes through an HTTPS_PROXY (a local CONNECT proxy)
unless NO_PROXY names the host, and says in one line what failed when it cannot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rep_video import config
from tests.support.cli_in_process import rep_video
from tests.support.net_relays import Front, connect_proxy, tls_front
from tests.support.server_process import running_server
from tests.support.tls_ca import OwnCA, make_ca

pytestmark = [pytest.mark.process]
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
               "all_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR",
               "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # fmt: skip


@pytest.fixture
def ca(tmp_path: Path) -> OwnCA:
    return make_ca(tmp_path / "ca")


@pytest.fixture
def front(tmp_path: Path, ca: OwnCA, monkeypatch: pytest.MonkeyPatch) -> Iterator[Front]:
    for name in _PROXY_VARS:  # only what each test sets
        monkeypatch.delenv(name, raising=False)
    with tls_front(ca) as front:
        env = {"REP_VIDEO_SERVER_PUBLIC_URL": front.url}
        with running_server(tmp_path / "srv", env) as srv:
            front.upstream = srv.port
            config.add_target("corp", "server", {"url": front.url})
            monkeypatch.setenv("REP_VIDEO_TARGET_CORP_TOKEN", srv.create_token("rita"))
            yield front


def test_the_company_ca_in_the_system_trust_store_is_trusted(front: Front, ca: OwnCA) -> None:
    untrusted = rep_video("targets", "test", "corp")
    assert untrusted.returncode == 1
    assert untrusted.stderr.strip() == (
        f"rep-video: cannot reach the share server {front.url}: the TLS certificate of "
        "localhost is not trusted (unable to get local issuer certificate); a company CA "
        "must be in the system's trust store"
    )
    # The CA in the (temporary) system trust store, and in no bundle of the client's own.
    trusted = rep_video("targets", "test", "corp", env={"SSL_CERT_FILE": str(ca.ca_file)})
    assert trusted.returncode == 0, trusted.stderr
    assert "corp: OK" in trusted.stdout and "page served" in trusted.stdout


def test_https_goes_through_the_proxy_unless_no_proxy_names_the_host(
    front: Front, ca: OwnCA
) -> None:
    trust = {"SSL_CERT_FILE": str(ca.ca_file)}
    with connect_proxy() as proxy:
        via = rep_video("targets", "test", "corp", env={**trust, "HTTPS_PROXY": proxy.url})
        assert via.returncode == 0, via.stderr
        assert "corp: OK" in via.stdout
        # Every request went through the tunnel: the API, the uploads and the page check.
        assert len(proxy.tunnels) >= 2
        assert set(proxy.tunnels) == {f"localhost:{front.port}"}
        proxy.tunnels.clear()
        env = {**trust, "HTTPS_PROXY": proxy.url, "NO_PROXY": "localhost"}
        direct = rep_video("targets", "test", "corp", env=env)
        assert direct.returncode == 0, direct.stderr
        assert proxy.tunnels == []


def test_a_proxy_that_refuses_says_so(front: Front, ca: OwnCA) -> None:
    with connect_proxy(refuse=True) as proxy:
        env = {"SSL_CERT_FILE": str(ca.ca_file), "HTTPS_PROXY": proxy.url}
        out = rep_video("targets", "test", "corp", env=env)
    assert out.returncode == 1
    line = out.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert re.fullmatch(
        rf"rep-video: cannot reach the share server {re.escape(front.url)}: the proxy "
        rf"127\.0\.0\.1:{proxy.port} could not connect to localhost:{front.port} \(.*403.*\); "
        "check HTTPS_PROXY and NO_PROXY",
        line,
    ), line
