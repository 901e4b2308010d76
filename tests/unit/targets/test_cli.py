"""The targets and outbox commands, run in-process through `rep_video.cli.main` with the real
folder target (the server and s3 paths run against real processes in tests/e2e)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.cli import main
from rep_video.share.outbox import Outbox, OutboxWorker
from tests.conftest import AdminFile, MemoryKeyring
from tests.e2e._upload_support import make_package


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


def test_outbox_status_extend_revoke_on_a_folder_share(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_clip: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    worker = OutboxWorker(box)
    first = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub'}")
    second = worker.enqueue(package.folder, f"folder:{tmp_path / 'pub2'}")
    code, out, _ = _run(capsys, "outbox", "list")
    assert code == 0 and out.count("\tqueued\t") == 2

    code, out, _ = _run(capsys, "outbox", "cancel", str(second.id))
    assert code == 0 and "its files stay" in out
    code, out, _ = _run(capsys, "outbox", "run")
    assert code == 0 and f"{first.id}\tdone" in out
    assert first.link and Path(first.link).exists()

    code, out, _ = _run(capsys, "status", first.link)
    assert code == 0 and "state:    live" in out
    code, out, _ = _run(capsys, "extend", str(first.id), "--days", "5")
    assert code == 0 and "cannot enforce expiry" in out
    code, out, _ = _run(capsys, "revoke", first.link)
    assert code == 0 and "revoked" in out
    assert "withdrawn" in Path(first.link).read_text()  # the gone page replaced the share
    code, out, _ = _run(capsys, "status", first.share_id or "")
    assert "state:    revoked" in out

    code, _, err = _run(capsys, "status", "https://nowhere.example/s/x")
    assert code == 2 and "No share" in err
    code, _, err = _run(capsys, "outbox", "retry", str(first.id))
    assert code == 2 and "already uploaded" in err
