"""Script alignment on real speech: espeak-ng reads a six-sentence script with known pauses
(tests/support/speech.py); every cue must start within 0.5 s of its sentence."""

from pathlib import Path

import pytest

from rep_video.captions import vad
from rep_video.captions.audio import load_speech_audio
from rep_video.captions.from_script import captions_from_script
from rep_video.captions.make import make_captions
from tests.support.speech import ESPEAK, SpokenScript, spoken_clip

pytestmark = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
TOLERANCE = 0.5


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> SpokenScript:
    return spoken_clip(tmp_path_factory.mktemp("speech") / "take.mp4")


@pytest.fixture(scope="module")
def uneven(tmp_path_factory: pytest.TempPathFactory) -> SpokenScript:
    # Short and long pauses, and room noise 40 dB under full scale.
    return spoken_clip(
        tmp_path_factory.mktemp("speech") / "uneven.mp4",
        gaps=(0.3, 1.2, 0.4, 0.9, 0.3),
        noise=0.01,
    )


def _offsets(cues, spoken: SpokenScript) -> list[float]:
    assert [c.text for c in cues] == list(spoken.sentences)
    return [round(c.start - t, 3) for c, t in zip(cues, spoken.starts, strict=True)]


@pytest.mark.slow
def test_every_cue_starts_within_half_a_second_of_its_sentence(spoken: SpokenScript) -> None:
    captions = captions_from_script(spoken.video, " ".join(spoken.sentences), "en")
    offsets = _offsets(captions.cues, spoken)
    assert all(abs(o) <= TOLERANCE for o in offsets), offsets
    assert captions.language == "en" and captions.source == "script"
    for cue, nxt in zip(captions.cues, captions.cues[1:], strict=False):
        assert cue.end <= nxt.start  # one cue on screen at a time


@pytest.mark.slow  # the even take above keeps the fast tier aligning real speech
def test_uneven_pauses_and_room_noise(uneven: SpokenScript) -> None:
    script = "\n".join(uneven.sentences)  # a line per sentence, as teleprompter scripts are
    offsets = _offsets(captions_from_script(uneven.video, script, "en").cues, uneven)
    assert all(abs(o) <= TOLERANCE for o in offsets), offsets


@pytest.mark.parametrize("detector", ["webrtc", "energy"])
def test_both_detectors_find_the_six_sentences(spoken: SpokenScript, detector: str) -> None:
    segments = vad.speech_segments(load_speech_audio(spoken.video), detector)
    for start in spoken.starts:
        assert any(abs(a - start) < 0.2 for a, _ in segments), (start, segments)
    assert segments[0][0] > 0.8 and segments[-1][1] < spoken.duration - 0.6  # silence is not speech


def test_a_silent_take_gets_no_cues(tmp_path: Path) -> None:
    from tests.support.clips import make_clip

    silent = make_clip(tmp_path / "silent.mp4", duration=2.0, extra=["-af", "volume=0"])
    assert captions_from_script(silent, "Hello there.", "en").cues == ()


def test_without_a_recogniser_the_script_is_used_and_the_note_says_so(spoken: SpokenScript) -> None:
    result = make_captions(
        spoken.video, script=" ".join(spoken.sentences), language="en", recogniser=None
    )
    assert result.captions is not None and len(result.captions.cues) == 6
    assert "no speech recogniser is set up" in result.note
    assert (result.source, result.reason) == ("script", "")  # the app words it itself
