"""A keychain stand-in for tests that run `rep-video` in a subprocess (the in-memory keyring
of conftest cannot cross a process boundary). Select it with
PYTHON_KEYRING_BACKEND=tests.e2e._file_keyring.FileKeyring and REP_VIDEO_TEST_KEYRING=<file>;
the file lives in the test's temp dir, outside RepVideo's config and data folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend

BACKEND = "tests.e2e._file_keyring.FileKeyring"


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _path() -> Path:
        return Path(os.environ["REP_VIDEO_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path().read_text())
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}\0{username}", None)
        self._path().write_text(json.dumps(data))


def subprocess_env(keyring_file: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": BACKEND,
        "REP_VIDEO_TEST_KEYRING": str(keyring_file),
    }
