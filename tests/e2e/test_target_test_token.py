"""`targets test` of a server target opens the share page at the address the server hands out
(built from its public URL), which may be another host or plain http: it goes there as a phone
would, without the rep's API token. Real server process; the "other host" is a listener on
loopback that records what it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rep_video.share.targets.server import ServerTarget
from rep_video.share.targets.server_check import _link_note
from tests.support.recording_server import Recording, recording_server
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def other_host() -> Iterator[Recording]:
    with recording_server() as rec:
        yield rec


def test_the_page_check_carries_no_api_token(tmp_path: Path, other_host: Recording) -> None:
    env = {"REP_VIDEO_SERVER_PUBLIC_URL": f"http://127.0.0.1:{other_host.port}"}
    with running_server(tmp_path / "srv", env) as srv:
        target = ServerTarget("acme", srv.url, srv.create_token("rita"))
        try:
            said = target.test()
        finally:
            target.close()
    assert "acme: OK" in said
    assert f"links point at 127.0.0.1:{other_host.port}" in said
    assert len(other_host.seen) == 1  # the page was fetched there...
    assert not other_host.got_authorization()  # ...without the API token


@pytest.mark.parametrize(
    ("base", "link", "note"),
    [
        ("https://share.acme.example", "https://share.acme.example/s/t", ""),
        ("https://share.acme.example", "http://share.acme.example/s/t", "plain http"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/s/t", ""),
        ("https://share.acme.example", "https://cdn.acme.example/s/t", "cdn.acme.example"),
    ],
)
def test_the_result_names_links_phones_cannot_trust(base: str, link: str, note: str) -> None:
    said = _link_note(base, link)
    assert (note in said) if note else said == ""
