"""Suite-wide fixtures: an isolated REP_VIDEO_HOME and an in-memory keyring for every test
(the OS keychain cannot exist here; docs/ARCHITECTURE.md, rule 7), plus generated clips."""

from __future__ import annotations

import faulthandler
import os
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from hypothesis import settings

from tests.support.clips import make_clip
from tests.support.examples import FAST_DEFAULT, FAST_TIER

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# No per-example deadline: speed is the benchmarks' business, and on a loaded 2-core machine
# Hypothesis's default 200 ms failed correct properties now and then (DeadlineExceeded).
settings.register_profile("repvideo", deadline=None)
settings.load_profile("repvideo")
if FAST_TIER:  # properties that name no count of their own (tests/support/examples.py)
    settings.register_profile("fast-tier", parent=settings.get_profile("repvideo"),
                              max_examples=FAST_DEFAULT)  # fmt: skip
    settings.load_profile("fast-tier")

# One Chromium (Playwright) for the whole session, whichever suite asks first.
pytest_plugins = ["tests.support.browser"]

# pytest-timeout (300 s, pyproject.toml) fails a test that is slow in Python, but cannot act
# while native code holds the GIL (a Qt thread deadlocked with it). faulthandler's watchdog is
# a C thread: past this, it prints every thread's stack and ends the run instead of hanging CI.
HANG_SECONDS = 900


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=sys.__stderr__)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Stands in for the OS keychain; drives the same keyring API the app uses."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def rep_video_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "rv-home"
    home.mkdir()
    monkeypatch.setenv("REP_VIDEO_HOME", str(home))
    monkeypatch.delenv("REP_VIDEO_ADMIN_CONFIG", raising=False)
    return home


AdminFile = Callable[[str], Path]


@pytest.fixture
def admin_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AdminFile:
    """Write the machine-wide admin file: `admin_file(TOML)` returns its path. The app honours
    REP_VIDEO_ADMIN_CONFIG only for a file the user cannot write (root's, in root's folders;
    rep_video.paths), so this needs root, as CI runs: pytest's temp folders belong to root and
    sit in the sticky /tmp. Elsewhere the tests that need it are skipped."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a file the user cannot write needs a root test run (as CI runs)")
    folder = tmp_path / "machine-wide"
    folder.mkdir(mode=0o755)
    path = folder / "admin.toml"

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        monkeypatch.setenv("REP_VIDEO_ADMIN_CONFIG", str(path))
        return path

    return write


@pytest.fixture(scope="session")
def clips_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def sample_clip(clips_dir: Path) -> Path:
    """4 s, 640×360, 30 fps, H.264/AAC, a keyframe every second."""
    return make_clip(clips_dir / "sample.mp4")
