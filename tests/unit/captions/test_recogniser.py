"""The recogniser interface with a fake recogniser, and the faster-whisper adapter's loading
and error paths with the real library but no model (none can be downloaded here, and the
adapter must never try)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from rep_video.captions.cues import Captions, Cue
from rep_video.captions.make import make_captions
from rep_video.captions.recogniser import RecogniserUnavailable, configured_recogniser
from rep_video.captions.whisper import FasterWhisperRecogniser
from rep_video.progress import UNTRACKED, Tracker
from tests.support.clips import make_clip

HAVE_FASTER_WHISPER = importlib.util.find_spec("faster_whisper") is not None


class FakeRecogniser:
    """Hears one cue per second of sound it is given, in the language it is asked for."""

    name = "fake"

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.heard: list[tuple[int, str | None]] = []

    def transcribe(
        self, samples: np.ndarray, language: str | None, tracker: Tracker = UNTRACKED
    ) -> Captions:
        if self.fail:
            raise RecogniserUnavailable(self.fail)
        self.heard.append((len(samples), language))
        seconds = len(samples) // 16_000
        cues = tuple(Cue(float(i), i + 0.9, f"word {i}") for i in range(seconds))
        return Captions(language or "en", cues, "speech")


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("rec") / "take.mp4", duration=3.0)


def test_a_configured_recogniser_gets_the_takes_sound_and_its_result_is_used(take: Path) -> None:
    fake = FakeRecogniser()
    result = make_captions(take, script="Ignored.", language="de", recogniser=fake)
    assert fake.heard == [(pytest.approx(48_000, abs=1600), "de")]
    assert result.captions is not None and result.captions.source == "speech"
    assert [c.text for c in result.captions.cues] == ["word 0", "word 1", "word 2"]
    assert "recognised from speech (fake)" in result.note
    assert (result.source, result.reason) == ("speech", "fake")


def test_a_recogniser_that_cannot_run_falls_back_to_the_script(take: Path) -> None:
    fake = FakeRecogniser(fail="the model directory /models does not exist")
    result = make_captions(take, script="One. Two.", language="en", recogniser=fake)
    assert result.captions is not None and result.captions.source == "script"
    assert "the model directory /models does not exist" in result.note
    assert result.source == "script" and "/models does not exist" in result.reason


def test_nothing_to_caption_from_says_so(take: Path) -> None:
    result = make_captions(take, script="  ", language="en", recogniser=None)
    assert result.captions is None and "no script" in result.note
    assert (result.source, result.reason) == ("none", "")
    failing = FakeRecogniser(fail="broken model")
    result = make_captions(take, script=None, language="en", recogniser=failing)
    assert result.captions is None and "broken model" in result.note
    assert result.source == "none" and "broken model" in result.reason


def test_no_model_directory_set_means_no_recogniser() -> None:
    assert configured_recogniser("") is None
    assert configured_recogniser(None) is None
    assert isinstance(configured_recogniser("/opt/models/whisper"), FasterWhisperRecogniser)


def test_library_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # import raises ImportError
    with pytest.raises(RecogniserUnavailable, match=r"pip install 'rep-video\[speech\]'"):
        FasterWhisperRecogniser(tmp_path).transcribe(np.zeros(16_000, np.int16), "en")


@pytest.mark.skipif(not HAVE_FASTER_WHISPER, reason="the speech extra is not installed")
def test_missing_model_directory_names_it(tmp_path: Path) -> None:
    rec = FasterWhisperRecogniser(tmp_path / "whisper-small")
    with pytest.raises(
        RecogniserUnavailable, match=r"whisper-small does not exist.*captions\.model_dir"
    ):
        rec.transcribe(np.zeros(16_000, np.int16), "en")


@pytest.mark.skipif(not HAVE_FASTER_WHISPER, reason="the speech extra is not installed")
def test_a_directory_without_a_model_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RecogniserUnavailable, match=r"has no model\.bin"):
        FasterWhisperRecogniser(tmp_path).check()


@pytest.mark.skipif(not HAVE_FASTER_WHISPER, reason="the speech extra is not installed")
def test_a_damaged_model_is_a_clear_message_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a CTranslate2 model")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RecogniserUnavailable, match=r"cannot be loaded .*reinstall it"):
        FasterWhisperRecogniser(tmp_path).transcribe(np.zeros(16_000, np.int16), "en")


def test_webrtc_missing_falls_back_to_energy(monkeypatch: pytest.MonkeyPatch) -> None:
    from rep_video.captions import vad

    monkeypatch.setitem(sys.modules, "webrtcvad", None)
    assert vad.detector_name() == "energy"
    tone = (np.sin(np.arange(16_000) / 16_000 * 2 * np.pi * 220) * 8000).astype(np.int16)
    samples = np.concatenate([np.zeros(16_000, np.int16), tone, np.zeros(16_000, np.int16)])
    [(start, end)] = vad.speech_segments(samples)
    assert start == pytest.approx(1.0, abs=0.05) and end == pytest.approx(2.0, abs=0.05)
    with pytest.raises(RuntimeError, match="webrtcvad is not installed"):
        vad.speech_segments(samples, "webrtc")
