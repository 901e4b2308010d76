"""A send's captions through the real package: cues on the take's timeline carried through the
trim (where the cut really falls) and the intro card, a script aligned to the take first, and
captions.vtt written next to the video and listed for every target."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.captions.cues import Cue
from rep_video.captions.webvtt_io import read_webvtt
from rep_video.media.cut.trim import plan_for
from rep_video.media.probe import probe
from rep_video.media.publish.intro import CARD_SECONDS
from rep_video.share.captions_step import CaptionsInput
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.package import stage_package
from rep_video.share.request import CheckedRequest, MediaEdit
from tests.support.speech import ESPEAK, spoken_clip

TAKE_CUES = (
    Cue(0.2, 0.9, "before the cut"),
    Cue(1.2, 2.4, "across the cut"),
    Cue(2.5, 3.5, "inside"),
    Cue(3.6, 5.0, "past the end"),
)


def _request(video: Path, edit: MediaEdit, captions: CaptionsInput | None) -> CheckedRequest:
    return CheckedRequest(
        video=video, recipient=Person("Dr. Weber"), rep=Person("Alex Rep"), edit=edit,
        language="de", captions=captions,
    )  # fmt: skip


def test_a_trim_shifts_and_clips_the_cues(sample_clip: Path) -> None:
    edit = MediaEdit(trim=(1.5, 4.0), trim_mode="fast")
    package = stage_package(_request(sample_clip, edit, CaptionsInput(cues=TAKE_CUES)))
    start = plan_for(probe(sample_clip), 1.5, 4.0, "fast").start  # fast: on a keyframe
    manifest = package.manifest
    assert manifest.captions is not None and manifest.captions.language == "de"
    texts = [c.text for c in manifest.captions.cues]
    assert texts[:2] == ["across the cut", "inside"] and "before the cut" not in texts
    across = manifest.captions.cues[0]
    assert across.start == pytest.approx(max(0.0, 1.2 - start), abs=0.002)
    assert manifest.captions.cues[-1].end <= manifest.duration + 0.05
    # The file says the same, and every target publishes it.
    assert read_webvtt(package.folder / "captions.vtt") == manifest.captions.cues
    assert ("captions.vtt", package.folder / "captions.vtt") in package.files()
    assert ShareManifest.read(package.folder) == manifest  # survives the round trip


@pytest.mark.slow
def test_the_intro_card_moves_the_cues_later(sample_clip: Path) -> None:
    edit = MediaEdit(trim=(1.0, 3.0), trim_mode="exact", intro=True)
    package = stage_package(_request(sample_clip, edit, CaptionsInput(cues=TAKE_CUES)))
    assert package.manifest.captions is not None
    first = package.manifest.captions.cues[0]
    assert first.text == "across the cut"
    assert first.start == pytest.approx(CARD_SECONDS + 0.2, abs=0.05)


@pytest.mark.slow
def test_no_captions_means_no_file(sample_clip: Path) -> None:
    package = stage_package(_request(sample_clip, MediaEdit(), None))
    assert package.manifest.captions is None
    assert not (package.folder / "captions.vtt").exists()
    trimmed_away = CaptionsInput(cues=(Cue(0.1, 0.5, "gone"),))
    package = stage_package(_request(sample_clip, MediaEdit(trim=(2.0, 4.0)), trimmed_away))
    assert package.manifest.captions is None


@pytest.mark.slow  # alignment itself is in the fast tier (tests/unit/captions)
@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_a_script_is_aligned_to_the_take_then_trimmed(tmp_path: Path) -> None:
    spoken = spoken_clip(tmp_path / "take.mp4")
    script = CaptionsInput(script=" ".join(spoken.sentences), language="en")
    edit = MediaEdit(trim=(4.0, spoken.duration), trim_mode="exact")
    package = stage_package(_request(spoken.video, edit, script))
    captions = package.manifest.captions
    assert captions is not None and captions.language == "en" and captions.source == "script"
    assert [c.text for c in captions.cues] == list(spoken.sentences[1:])
    for cue, truth in zip(captions.cues, spoken.starts[1:], strict=True):
        assert abs(cue.start - (truth - 4.0)) <= 0.5
