"""The targets commands, run in-process through `rep_video.cli.main` with the real folder
target (the server and s3 paths run against real processes in tests/e2e). The outbox commands:
tests/unit/outbox/test_cli.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.cli import main
from tests.conftest import AdminFile, MemoryKeyring


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_targets_add_list_default_remove(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "targets", "add", "drive", "--kind", "folder", "--dir", "pub")
    assert code == 0 and "saved" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("tok-789\n"))
    code, _, err = _run(
        capsys, "targets", "add", "acme", "--kind", "server",
        "--url", "https://share.acme.example", "--token-stdin", "--default",
    )  # fmt: skip
    assert code == 0, err
    assert memory_keyring.store[("RepVideo", "acme:api_token")] == "tok-789"
    code, out, _ = _run(capsys, "targets", "list")
    lines = dict(line.split("\t", 1) for line in out.splitlines())
    assert f"dir={tmp_path / 'pub'}" in lines["drive"]  # stored absolute
    assert "[default, api token stored]" in lines["acme"]
    assert "tok-789" not in paths.user_config_file().read_text()

    code, _, err = _run(capsys, "targets", "add", "x", "--kind", "folder", "--url", "http://a")
    assert code == 2 and "--url do(es) not apply to a folder target" in err
    code, _, _ = _run(capsys, "targets", "remove", "acme")
    assert code == 0 and ("RepVideo", "acme:api_token") not in memory_keyring.store
    code, out, _ = _run(capsys, "targets", "test", "drive")
    assert code == 0 and "wrote, read back and deleted" in out


def test_machine_wide_targets_are_locked(
    capsys: pytest.CaptureFixture[str], admin_file: AdminFile
) -> None:
    admin_file('[targets.acme]\nkind = "server"\nurl = "https://share.acme.example"\n')
    code, out, _ = _run(capsys, "targets", "list")
    assert code == 0 and "locked" in out and "api token missing" in out
    code, _, err = _run(capsys, "targets", "remove", "acme")
    assert code == 2 and "administrator" in err and "Traceback" not in err
