"""The built-in share server: the app hands its admin token and videos only to the server it
started (a per-run secret the server proves it knows), never to whatever else answers on the
saved port; a server of an earlier run that proves itself is used again; and it is the one
server that takes attachments as the app describes them from its local catalog (no admin
pushes one to it; a standalone server refuses them: tests/server/test_catalog_required.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video import secrets
from tests.server.helpers import attachment, create_and_publish, manifest
from tests.support.recording_server import Recording, recording_server
from ui.embedded_server import EMBEDDED, EmbeddedServer, _data_dir


@pytest.fixture
def impostor() -> Iterator[Recording]:
    with recording_server() as rec:
        yield rec


@pytest.fixture
def embedded() -> Iterator[EmbeddedServer]:
    server = EmbeddedServer()
    yield server
    server.stop()


def test_something_else_on_the_saved_port_gets_no_token(
    impostor: Recording, embedded: EmbeddedServer
) -> None:
    # An earlier run left its port and token; now another program listens on that port.
    _data_dir().mkdir(parents=True, exist_ok=True)
    (_data_dir() / "app-server.json").write_text(json.dumps({"port": impostor.port}))
    secrets.set_secret(EMBEDDED, "api_token", "rvk_from_an_earlier_run")
    secrets.set_secret(EMBEDDED, "run_secret", "an earlier run's secret")

    url = embedded.ensure_running()

    assert url != f"http://127.0.0.1:{impostor.port}"  # was: the impostor's URL, token and all
    assert embedded.proc is not None  # our own server, on another port
    assert impostor.seen and not impostor.got_authorization()
    token = embedded.token()
    assert httpx.get(
        f"{url}/api/v1/shares", headers={"Authorization": f"Bearer {token}"}
    ).is_success


def test_our_server_from_an_earlier_run_is_used_again(embedded: EmbeddedServer) -> None:
    url = embedded.ensure_running()
    later = EmbeddedServer()  # the app launched again while the server still runs
    assert later.ensure_running() == url
    assert later.proc is None  # nothing new was started
    # Without the secret a look-alike cannot prove itself.
    plain = httpx.get(f"{url}/healthz", headers={"X-RepVideo-Challenge": "abc"})
    assert plain.headers["x-repvideo-proof"]
    secrets.set_secret(EMBEDDED, "run_secret", "not the one it was given")
    assert not later.healthy()


def test_it_takes_the_attachments_the_app_describes(
    embedded: EmbeddedServer, sample_clip: Path, tmp_path: Path
) -> None:
    url = embedded.ensure_running()
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    m = manifest(attachments=(attachment("leaflet.pdf", id="leaflet"),))
    files = {"video.mp4": sample_clip, "files/leaflet.pdf": leaflet}
    share = create_and_publish(url, embedded.token(), files, m)  # was: 422, no catalog pushed
    assert "APP-123" in httpx.get(share["url"]).text
    assert httpx.get(f"{share['url']}/media/files/leaflet.pdf").content == leaflet.read_bytes()
