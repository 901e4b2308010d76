"""Every target the core opens is closed again — the send pipeline, the worker, a cancel, and
the CLI commands that read, revoke or extend a share — proven with a counting fake (a real
folder target inside). And the CLI prints the link before the media is made."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from rep_video.cli import main
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxWorker
from rep_video.share.request import ShareRequest
from rep_video.share.send import Until, send
from tests.e2e._upload_support import make_package
from tests.support import counting_target
from tests.support.counting_target import Counts

REP = Person("Alex Rep")


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Counts:
    return counting_target.install(monkeypatch, tmp_path / "pub")


@pytest.mark.slow
def test_the_pipeline_and_the_worker_close_every_target(
    counts: Counts, sample_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = send(ShareRequest(sample_clip, Person("Dr. One"), sender=REP, target="t"))
    assert result.live and counts.opened >= 3  # checked, reserved, delivered
    assert counts.open_now == 0

    queued = send(ShareRequest(sample_clip, Person("Dr. Two"), sender=REP, target="t"), Until.LINK)
    assert counts.open_now == 0
    OutboxWorker().run_pending()
    assert Outbox().get(queued.entry_id).state == "done" and counts.open_now == 0

    for argv in (
        ["status"], ["status", result.link], ["extend", result.link, "--days", "3"],
        ["revoke", result.link], ["targets", "test", "t"],
    ):  # fmt: skip
        before = counts.opened
        assert main(argv) == 0, capsys.readouterr().err
        assert counts.opened > before and counts.open_now == 0, argv


def test_a_cancel_closes_the_target_it_revokes_with(
    counts: Counts, sample_clip: Path, tmp_path: Path
) -> None:
    package = make_package(tmp_path / "pkg", sample_clip)
    box = Outbox()
    entry = OutboxWorker(box).enqueue(package.folder, "t")
    assert entry.link and counts.open_now == 0
    box.cancel(entry.id)
    assert counts.opened == 2 and counts.open_now == 0  # reserved, then revoked


class _Lines(io.StringIO):
    """stdout that notes, at each write, whether the send's media existed yet."""

    def __init__(self, shares: Path) -> None:
        super().__init__()
        self.shares = shares
        self.seen: list[tuple[str, bool]] = []

    def write(self, text: str) -> int:
        if text.strip():
            made = any(self.shares.glob("*/video.mp4"))
            self.seen.append((text.strip(), made))
        return super().write(text)


@pytest.mark.slow
def test_the_cli_prints_the_link_before_the_media_is_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sample_clip: Path
) -> None:
    """`rep-video send` against a slow target: the link is on stdout while the media is still
    to be made, the upload comes after it, and the command ends once the share is live."""
    from rep_video import paths

    counts = counting_target.install(monkeypatch, tmp_path / "pub", upload_seconds=1.0)
    out = _Lines(paths.shares_dir())
    monkeypatch.setattr(sys, "stdout", out)
    code = main(["send", str(sample_clip), "--to", "Dr. Early", "--from-name", "Rita",
                 "--trim", "0.5:3.0", "--target", "slow"])  # fmt: skip
    assert code == 0
    ((link, media_made),) = out.seen  # one line on stdout: the link
    assert not media_made, "the link was printed after the media was made"
    assert link.endswith("/index.html") and Path(link).is_file()
    assert counts.events == ["reserve", "upload"]
    assert "on its way" not in Path(link).read_text(encoding="utf-8")  # live at exit
    assert counts.open_now == 0
