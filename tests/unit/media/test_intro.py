"""The intro card: joined by stream copy, plays through, ≈ clip + 2 s."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.intro import CARD_SECONDS, add_intro_card, ascii_fallback, card_text
from rep_video.media.probe import probe


def test_card_text() -> None:
    assert card_text("Ana  Müller", "Sam Rep") == "For Dr. Ana Müller\n— from Sam Rep"
    assert card_text("Dr. Lee", "") == "For Dr. Lee"
    assert ascii_fallback("Müller — Sam") == "Muller - Sam"
    with pytest.raises(UserError):
        card_text("  ", "Sam")


@pytest.mark.parametrize("clip_name", ["sample_clip", "silent_clip"])
def test_intro_joins_by_copy_and_plays_through(
    clip_name: str, request: pytest.FixtureRequest, out_dir: Path
) -> None:
    clip: Path = request.getfixturevalue(clip_name)
    src = probe(clip)
    dst = out_dir / "intro.mp4"
    info = add_intro_card(clip, dst, "Ana Müller", "Sam Rep")
    assert info.duration == pytest.approx(src.duration + CARD_SECONDS, abs=0.1)
    assert (info.audio is None) == (src.audio is None)
    with av.open(str(dst)) as c, av.open(str(clip)) as s:
        assert (
            c.streams.video[0].codec_context.extradata == s.streams.video[0].codec_context.extradata
        )
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        source = [f.to_ndarray(format="rgb24") for f in s.decode(video=0)]
    assert src.video is not None
    assert len(frames) == round(CARD_SECONDS * src.video.fps) + len(source)
    card = frames[10].astype(int)
    assert card.mean(axis=(0, 1))[2] > card.mean(axis=(0, 1))[0]  # the blue card
    assert (card > 200).any()  # with white text on it
    # the clip follows unchanged (its packets were copied)
    assert np.array_equal(frames[60], source[0])
    assert sorted(p.name for p in out_dir.iterdir()) == ["intro.mp4"]
