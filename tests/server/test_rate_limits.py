"""The rate limits count only failures and never refuse what is valid; pages and the API count
apart; IPv6 clients count per /64; X-Forwarded-For names the client only from trusted proxies.
Against the server's app on a real socket. Each test speaks for its own client through
X-Forwarded-For (the server trusts its loopback peer, as behind nginx on the same host), so
tests do not share a counter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.server.ratelimit import FailureLimiter, client_key
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer, inprocess_server
from tests.support.server_process import running_server

LIMIT = 5


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    env = {
        "REP_VIDEO_SERVER_FAILED_LOOKUPS_PER_MINUTE": str(LIMIT),
        "REP_VIDEO_SERVER_FAILED_API_AUTH_PER_MINUTE": str(LIMIT),
    }
    with inprocess_server(tmp_path_factory.mktemp("limited"), env) as srv:
        yield srv


@pytest.fixture(scope="module")
def rep_token(limited: InProcessServer) -> str:
    return limited.create_token("rita")


@pytest.fixture(scope="module")
def live(limited: InProcessServer, rep_token: str, small_clip: Path) -> dict[str, Any]:
    return create_and_publish(limited.url, rep_token, {"video.mp4": small_clip})


def _as(client: str) -> dict[str, str]:
    return {"X-Forwarded-For": client}


def _guess(srv: InProcessServer, client: str, n: int) -> list[httpx.Response]:
    return [httpx.get(f"{srv.url}/s/{'G' * 31}{i % 10}", headers=_as(client)) for i in range(n)]


def test_valid_links_and_tokens_pass_after_failures(
    limited: InProcessServer, live: dict[str, Any], rep_token: str
) -> None:
    client = "203.0.113.7"  # a hospital's NAT: one address for many phones
    answers = _guess(limited, client, LIMIT + 3)
    assert [r.status_code for r in answers] == [404] * LIMIT + [429] * 3
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
    # Someone behind the same address opens a real link: it is served (was 429 for a minute).
    assert httpx.get(live["url"], headers=_as(client)).status_code == 200
    video = httpx.get(
        f"{live['url']}/media/video.mp4", headers={**_as(client), "Range": "bytes=0-1"}
    )
    assert video.status_code == 206
    api = httpx.get(f"{limited.url}/api/v1/shares", headers={**_as(client), **auth(rep_token)})
    assert api.status_code == 200
    # Media and the beacon answer unknown links with the same 429.
    r = httpx.get(f"{limited.url}/s/{'H' * 32}/media/video.mp4", headers=_as(client))
    assert r.status_code == 429 and r.headers["retry-after"]


def test_the_api_and_the_pages_count_apart(limited: InProcessServer, rep_token: str) -> None:
    client = "198.51.100.20"
    assert {r.status_code for r in _guess(limited, client, LIMIT + 1)} == {404, 429}
    wrong = [
        httpx.get(f"{limited.url}/api/v1/shares", headers={**_as(client), **auth("nope")})
        for _ in range(LIMIT + 2)
    ]
    assert [r.status_code for r in wrong] == [401] * LIMIT + [429] * 2  # its own count
    assert wrong[-1].headers["retry-after"]
    other = "198.51.100.21"
    for _ in range(LIMIT + 2):
        httpx.get(f"{limited.url}/api/v1/shares", headers={**_as(other), **auth("nope")})
    assert _guess(limited, other, 1)[0].status_code == 404  # API failures leave pages alone


def test_ipv6_counts_per_64(limited: InProcessServer) -> None:
    # A phone on IPv6 picks a new address in its /64 at will.
    spread = [f"2001:db8:1:2::{i:x}" for i in range(1, LIMIT + 3)]
    codes = [
        httpx.get(f"{limited.url}/s/{'K' * 32}", headers=_as(addr)).status_code for addr in spread
    ]
    assert codes == [404] * LIMIT + [429] * 2
    neighbour = "2001:db8:1:3::1"  # the next /64 is someone else
    assert httpx.get(f"{limited.url}/s/{'K' * 32}", headers=_as(neighbour)).status_code == 404


@pytest.mark.process  # reads the server's log
def test_an_untrusted_proxy_is_named_in_the_log(tmp_path: Path) -> None:
    env = {
        "REP_VIDEO_SERVER_FORWARDED_ALLOW_IPS": "10.9.9.9",  # not the loopback peer
        "REP_VIDEO_SERVER_FAILED_LOOKUPS_PER_MINUTE": "2",
    }
    with running_server(tmp_path / "untrusted", env) as srv:
        codes = [
            httpx.get(f"{srv.url}/s/{'M' * 32}", headers=_as(f"192.0.2.{i}")).status_code
            for i in range(1, 5)
        ]
        log = srv.log()
    assert codes == [404, 404, 429, 429]  # all counted as the proxy: 127.0.0.1
    assert "carry X-Forwarded-For, but that address is not trusted" in log
    assert "127.0.0.1" in log


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("unknown", "unknown"),
    ],
)
def test_client_key(host: str, key: str) -> None:
    assert client_key(host) == key


def test_the_limiter_remembers_only_what_it_needs() -> None:
    limiter = FailureLimiter(3)
    assert [limiter.fail("192.0.2.9") for _ in range(1000)][:4] == [False, False, False, True]
    assert len(limiter._failures["192.0.2.9"]) == 3  # a scanner's flood is not kept
    assert FailureLimiter(0).fail("192.0.2.9") is False  # 0 = off
