"""Server tests: one real server process per module (cheap to share: every test makes its own
shares), tokens for two reps and an admin, and small clips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clips import make_clip
from tests.support.server_process import ServerProcess, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("srv")) as srv:
        yield srv


@pytest.fixture(scope="module")
def tokens(server: ServerProcess) -> dict[str, str]:
    return {
        "rita": server.create_token("rita"),
        "otto": server.create_token("otto"),
        "admin": server.create_token("boss", admin=True),
    }


@pytest.fixture(scope="session")
def small_clip(clips_dir: Path) -> Path:
    return make_clip(clips_dir / "small.mp4", duration=2.0, size=(320, 180))


@pytest.fixture(scope="session")
def leaflet(clips_dir: Path) -> Path:
    path = clips_dir / "leaflet.pdf"
    path.write_bytes(b"%PDF-1.4\n% a tiny test document\n" + bytes(range(256)) * 40)
    return path
