"""One recording to several physicians through the core (share/send_many.py) to a folder
target, with real ffmpeg: the media is made once and each page is a hard link of it; an intro
card (which names each recipient) makes a video per recipient; a follower whose turn comes
before the first recipient's media waits for it, and one whose first recipient is withdrawn
makes its own, so no recipient is lost; every send is journalled."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from rep_video.audit.journal import Journal
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox, OutboxWorker
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.share.send import Until
from rep_video.share.send_many import send_many
from rep_video.share.shared_media import LEADER_NAME
from rep_video.share.targets.folder import PENDING_MARKER
from tests.unit.share.test_send_cli import rep_video

NAMES = ("Dr. Ada Ng", "Dr. Bo Li", "Dr. Cy Oh")


def _requests(clip: Path, out: Path, edit: MediaEdit | None = None) -> list[ShareRequest]:
    return [
        ShareRequest(
            video=clip, to=Person(name), sender=Person(name="Rita Rep"), target=f"folder:{out}",
            message=f"Dear {name}, as promised.", edit=edit or MediaEdit(), language="en",
        )
        for name in NAMES
    ]  # fmt: skip


def _video(link: str) -> Path:
    return Path(link).parent / "video.mp4"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_pages_share_one_video_file_and_each_is_journalled(
    sample_clip: Path, tmp_path: Path
) -> None:
    outcomes = send_many(_requests(sample_clip, tmp_path / "out"), Until.LIVE)
    assert [o.name for o in outcomes] == list(NAMES) and all(o.live for o in outcomes)
    videos = [_video(o.link) for o in outcomes]
    assert len({v.stat().st_ino for v in videos}) == 1  # one file on disk...
    assert videos[0].stat().st_nlink == 3  # ... with a name per page (the staged ones gone)
    for outcome in outcomes:
        page = Path(outcome.link).read_text(encoding="utf-8")
        assert outcome.name in page and f"Dear {outcome.name}, as promised." in page
        assert [n for n in NAMES if n in page] == [outcome.name]
    sent = [json.loads(r.body) for r in Journal().records()]
    assert sorted(r["recipient"] for r in sent if r["action"] == "send") == sorted(NAMES)


@pytest.mark.slow
def test_an_intro_card_makes_a_video_per_recipient(sample_clip: Path, tmp_path: Path) -> None:
    outcomes = send_many(_requests(sample_clip, tmp_path / "out", MediaEdit(intro=True)))
    assert all(o.live for o in outcomes)
    videos = [_video(o.link) for o in outcomes]
    assert len({_sha(v) for v in videos}) == 3  # each card names its physician
    assert all(v.stat().st_nlink == 1 for v in videos)


@pytest.mark.slow
def test_a_follower_waits_for_the_first_and_one_whose_first_is_withdrawn_makes_its_own(
    sample_clip: Path, tmp_path: Path
) -> None:
    box = Outbox()
    outcomes = send_many(_requests(sample_clip, tmp_path / "out"), Until.LINK, outbox=box)
    assert all(o.link and not o.live for o in outcomes)  # every link out, nothing made yet
    first, second, third = (box.find(o.link) for o in outcomes)
    assert (second.package / LEADER_NAME).exists() and (third.package / LEADER_NAME).exists()

    worker = OutboxWorker(box)
    [waited] = worker.run_pending(only=second.id, ignore_schedule=True)
    assert waited.state == "queued" and "waiting for the first recipient" in (
        waited.last_error or ""
    )
    assert not _video(outcomes[1].link).exists()

    box.cancel(first.id)  # the rep withdraws the first physician's page
    worker.run_pending(ignore_schedule=True)
    assert [box.get(e.id).state for e in (first, second, third)] == ["cancelled", "done", "done"]
    second_video, third_video = _video(outcomes[1].link), _video(outcomes[2].link)
    assert _sha(second_video) == _sha(third_video)  # the same edit of the same take
    assert "Dr. Cy Oh" in Path(outcomes[2].link).read_text(encoding="utf-8")
    assert "Dr. Ada Ng" not in Path(outcomes[0].link).read_text(encoding="utf-8")


@pytest.mark.process
def test_the_command_with_background_returns_with_every_link(
    sample_clip: Path, tmp_path: Path
) -> None:
    """`rep-video send --to A --to B --background`: both links on stdout at once, and the
    detached worker makes the video once and publishes both pages (one file on disk)."""
    out = tmp_path / "out"
    sent = rep_video(
        "send", str(sample_clip), "--to", NAMES[0], "--to", NAMES[1], "--from-name", "Rita",
        "--target", f"folder:{out}", "--background",
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert "links reserved for 2 of 2 recipients" in sent.stderr
    links = [line.split("\t") for line in sent.stdout.splitlines()]
    assert [name for _link, name in links] == list(NAMES[:2])
    pages = [Path(link).parent for link, _name in links]
    deadline = time.monotonic() + 180
    while any((p / PENDING_MARKER).exists() or not (p / "video.mp4").exists() for p in pages):
        assert time.monotonic() < deadline, "the background worker did not publish both"
        time.sleep(0.5)
    assert (pages[0] / "video.mp4").stat().st_ino == (pages[1] / "video.mp4").stat().st_ino
