"""packaging/admin.example.toml: loads with the real settings code, every key it sets is a
known setting and ends up locked, and its stated locations match rep_video.paths."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from rep_video import config, paths
from tests.conftest import AdminFile
from tests.packaging.support import PACKAGING

EXAMPLE = PACKAGING / "admin.example.toml"


def test_example_loads_and_locks_every_key_it_sets(admin_file: AdminFile) -> None:
    admin_file(EXAMPLE.read_text(encoding="utf-8"))
    settings = config.load_settings()
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section, table in data.items():
        for key, value in table.items():
            if section == "targets":
                assert f"targets.{key}" in settings.locked
                assert settings.targets[key].locked
                assert settings.targets[key].kind == value["kind"]
                continue
            dotted = f"{section}.{key}"
            assert dotted in config.SPECS, f"{dotted} is not a RepVideo setting"
            assert settings.is_locked(dotted)
            assert settings.get(dotted) == value
    assert settings.default_target in settings.targets


def test_example_never_holds_a_secret() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for target in data.get("targets", {}).values():
        assert not {"api_token", "token", "secret_access_key", "password"} & set(target)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux default path")
def test_documented_linux_location_is_where_the_app_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REP_VIDEO_HOME")
    monkeypatch.delenv(paths.ADMIN_CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/tmp/somewhere-a-user-writes")  # never consulted
    actual = paths.admin_config_file()
    assert actual == Path("/etc/xdg/RepVideo/admin.toml")
    assert str(actual) in EXAMPLE.read_text(encoding="utf-8")
    assert "/Library/Application Support/RepVideo/admin.toml" in EXAMPLE.read_text()
    assert r"%PROGRAMDATA%\RepVideo\admin.toml" in EXAMPLE.read_text()
