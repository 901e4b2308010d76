"""Server tests: one share server per module (cheap to share: every test makes its own shares),
in this process (tests/support/inprocess_server.py: the API is what these tests are about),
tokens for two reps and an admin, and small clips. Tests about the server as a process use
tests/support/server_process.py directly.

The module's server is a standalone `rep-video serve` (attachments refused until an admin
pushes a catalog) unless the module says `pytestmark = pytest.mark.embedded_server`: then it
runs with `accept_client_attachments`, taking attachments as the client sends them (as the
app's embedded server did before it held the local catalog)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.clips import make_clip
from tests.support.postgres import pg_url  # noqa: F401 - fixture

if TYPE_CHECKING:  # imported where a server starts: see `server`
    from tests.support.inprocess_server import InProcessServer


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InProcessServer]:
    # Imported here, not at the top: pytest-xdist's controller loads this conftest before it
    # starts the workers and runs no test itself, so the server's stack (FastAPI, SQLAlchemy,
    # uvicorn: about a second) would only delay the workers' start.
    from tests.support.inprocess_server import inprocess_server

    embedded = request.node.get_closest_marker("embedded_server") is not None
    with inprocess_server(tmp_path_factory.mktemp("srv"), embedded=embedded) as srv:
        yield srv


@pytest.fixture(scope="module")
def tokens(server: InProcessServer) -> dict[str, str]:
    made = {
        "rita": server.create_token("rita"),
        "otto": server.create_token("otto"),
        "admin": server.create_token("boss", admin=True),
    }
    # Pages name the account's identity (rep_video/server/rep_identity.py); otto has none.
    server.set_identity("rita", display_name="Rita Rep", email="rita@example.com")
    return made


@pytest.fixture(scope="session")
def small_clip(clips_dir: Path) -> Path:
    return make_clip(clips_dir / "small.mp4", duration=2.0, size=(320, 180))


@pytest.fixture(scope="session")
def leaflet(clips_dir: Path) -> Path:
    path = clips_dir / "leaflet.pdf"
    path.write_bytes(b"%PDF-1.4\n% a tiny test document\n" + bytes(range(256)) * 40)
    return path
