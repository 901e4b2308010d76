"""The outbox and share commands (outbox list / cancel / run / retry, status, extend, revoke),
run in-process through `rep_video.cli.main` on a real folder target."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.cli import main
from rep_video.share.outbox import Outbox, OutboxWorker
from tests.e2e._upload_support import make_package


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "99999999999999999999999"],  # beyond sqlite's integers: OverflowError
        ["status", "\udcff"],  # a non-UTF-8 byte in argv: UnicodeEncodeError
        ["status", "²"],  # a digit to str.isdigit(), not to int()
        ["revoke", "99999999999999999999999"],
        ["outbox", "retry", "99999999999999999999999"],
        ["outbox", "retry", "²"],
        ["outbox", "cancel", "0"],
    ],
)
def test_odd_share_and_entry_names_are_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected" not in err
