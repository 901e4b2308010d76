"""The publish pipeline: trim → finalize → intro card → poster → email GIF, on a real clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.errors import Cancelled, UserError
from rep_video.media.probe import probe
from rep_video.media.profile import mobile_profile_problems
from rep_video.media.publish.pipeline import IntroCard, MediaOrder, _poster_time, publish_media
from rep_video.progress import CancelToken, Progress, Tracker


def first_seen(stages: list[str]) -> list[str]:
    return list(dict.fromkeys(stages))


@pytest.mark.slow
def test_every_step_in_order(sample_clip: Path, out_dir: Path) -> None:
    seen: list[Progress] = []
    order = MediaOrder(sample_clip, trim=(0.5, 3.0), intro=IntroCard("Ada Park", "Sam"))
    media = publish_media(order, out_dir, Tracker(seen.append))
    assert first_seen([p.stage for p in seen]) == ["trim", "finalize", "intro", "poster", "preview"]
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions)
    assert abs(media.duration - (2.5 + 2.0)) <= 0.1
    assert mobile_profile_problems(probe(media.video)) == []
    assert media.poster.read_bytes()[:2] == b"\xff\xd8"
    assert media.email_gif.read_bytes()[:3] == b"GIF"
    # The trimmed intermediate is gone; only the three results (and the card's work) remain.
    assert sorted(p.name for p in out_dir.iterdir()) == ["poster.jpg", "preview.gif", "video.mp4"]


def test_without_trim_or_intro_those_steps_are_skipped(sample_clip: Path, out_dir: Path) -> None:
    seen: list[Progress] = []
    publish_media(MediaOrder(sample_clip), out_dir, Tracker(seen.append))
    assert first_seen([p.stage for p in seen]) == ["finalize", "poster", "preview"]
    assert sample_clip.exists()  # the source is only read


def test_poster_time_follows_the_trim_and_the_card() -> None:
    src = Path("take.mp4")
    picked = MediaOrder(src, trim=(10.0, 40.0), intro=IntroCard("A", "B"), poster_at=12.5)
    assert _poster_time(picked, 2.0, 32.0) == pytest.approx(4.5)
    assert _poster_time(MediaOrder(src, poster_at=99.0), 0.0, 30.0) == pytest.approx(29.95)
    assert _poster_time(MediaOrder(src, trim=(10.0, 20.0), poster_at=3.0), 0.0, 10.0) == 0.0
    assert _poster_time(MediaOrder(src), 2.0, 30.0) is None


def test_missing_source_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is gone; import it again"):
        publish_media(MediaOrder(tmp_path / "nope.mp4"), tmp_path)


def test_cancel_stops_between_steps(sample_clip: Path, out_dir: Path) -> None:
    cancel = CancelToken()

    def cancel_at_poster(p: Progress) -> None:
        if p.stage == "poster":
            cancel.cancel()

    with pytest.raises(Cancelled):
        publish_media(MediaOrder(sample_clip), out_dir, Tracker(cancel_at_poster, cancel))
    assert not (out_dir / "preview.gif").exists()
