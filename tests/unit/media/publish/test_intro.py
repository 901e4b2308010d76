"""The intro card: joined by stream copy, plays through, ≈ clip + 2 s."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.errors import UserError
from rep_video.media.probe import MediaInfo, probe
from rep_video.media.profile import mobile_profile_problems
from rep_video.media.publish.intro import (
    CARD_SECONDS,
    add_intro_card,
    ascii_fallback,
    card_encoder,
    card_text,
)
from rep_video.progress import Tracker
from tests.support.av_checks import FLASH_AT, card_seconds, decode_errors, flash_clip, flash_times
from tests.support.clips import FFMPEG


def test_card_text() -> None:
    assert card_text("Ana  Müller", "Sam Rep") == "For Dr. Ana Müller\n— from Sam Rep"
    assert card_text("Dr. Lee", "") == "For Dr. Lee"
    assert ascii_fallback("Müller — Sam") == "Muller - Sam"
    with pytest.raises(UserError):
        card_text("  ", "Sam")


@pytest.mark.parametrize("clip_name", ["sample_clip", "silent_clip"])
@pytest.mark.slow
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


def _strip_sei(src: Path, dst: Path) -> Path:
    """The same x264 stream without its SEI (as another muxer or a copy trim leaves it)."""
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(src), "-c", "copy",
         "-bsf:v", "filter_units=remove_types=6", str(dst)],
        check=True, timeout=60,
    )  # fmt: skip
    return dst


@pytest.fixture(scope="module")
def no_sei_clip(clips_dir: Path) -> Path:
    """x264 with B-frames in a pyramid, weighted prediction and 3 references, SEI removed:
    the encoder's settings must be read back from the SPS/PPS alone."""
    src = flash_clip(
        clips_dir / "flash-bframes.mp4",
        extra=["-x264-params", "bframes=3:b-pyramid=normal:ref=3:weightp=2:8x8dct=1"],
    )
    return _strip_sei(src, clips_dir / "flash-bframes-nosei.mp4")


@pytest.fixture(scope="module")
def openh264_clip(clips_dir: Path) -> Path:
    """Another encoder (OpenH264, Constrained Baseline), already in the mobile profile: no
    x264 setting writes its headers."""
    return flash_clip(
        clips_dir / "flash-openh264.mp4",
        vcodec="libopenh264",
        extra=["-b:v", "400k", "-g", "30", "-movflags", "+faststart"],
    )


def _joined_checks(dst: Path, info: MediaInfo, clip_duration: float) -> None:
    frame = 1 / 30
    assert mobile_profile_problems(info) == []
    assert decode_errors(dst) == ""
    assert card_seconds(dst) == pytest.approx(CARD_SECONDS, abs=frame + 0.025)
    assert info.duration == pytest.approx(clip_duration + CARD_SECONDS, abs=2 * frame)
    picture, sound = flash_times(dst)
    assert picture == pytest.approx(CARD_SECONDS + FLASH_AT, abs=frame + 0.025)
    assert abs(picture - sound) <= frame


@pytest.mark.slow
def test_clip_without_the_x264_sei_is_joined_by_copy(no_sei_clip: Path, out_dir: Path) -> None:
    assert card_encoder(probe(no_sei_clip)) is not None
    dst = out_dir / "intro.mp4"
    said: list[str] = []
    info = add_intro_card(
        no_sei_clip,
        dst,
        "Ana Müller",
        "Sam Rep",
        tracker=Tracker(lambda p: said.append(p.message or "")),
    )
    assert not [m for m in said if "re-encod" in m or "finaliz" in m]
    _joined_checks(dst, info, probe(no_sei_clip).duration)
    # The clip's own slices follow the card unchanged: copied, not re-encoded. (The concat
    # demuxer repeats SPS/PPS in front of keyframes: those are not slices.)
    with av.open(str(dst)) as c, av.open(str(no_sei_clip)) as s:
        joined = [_slices(bytes(p)) for p in c.demux(c.streams.video[0]) if p.size]
        source = [_slices(bytes(p)) for p in s.demux(s.streams.video[0]) if p.size]
    assert joined[-len(source) :] == source


def _slices(packet: bytes) -> list[bytes]:
    """The coded slices (NAL types 1 and 5) of a length-prefixed H.264 packet."""
    out, at = [], 0
    while at + 4 <= len(packet):
        size = int.from_bytes(packet[at : at + 4], "big")
        nal = packet[at + 4 : at + 4 + size]
        if nal and nal[0] & 0x1F in (1, 5):
            out.append(nal)
        at += 4 + size
    return out


@pytest.mark.slow
def test_another_encoders_clip_is_re_encoded_once_then_joined(
    openh264_clip: Path, out_dir: Path
) -> None:
    src = probe(openh264_clip)
    assert mobile_profile_problems(src) == []  # in the profile, yet no x264 header matches
    assert card_encoder(src) is None
    dst = out_dir / "intro.mp4"
    said: list[str] = []
    info = add_intro_card(
        openh264_clip, dst, "Lee", "Sam", tracker=Tracker(lambda p: said.append(p.message or ""))
    )
    assert "re-encoding the clip to join the card" in said
    _joined_checks(dst, info, src.duration)
    assert sorted(p.name for p in out_dir.iterdir()) == ["intro.mp4"]
