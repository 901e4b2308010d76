"""The sent video as a layout of the recording: the same frames as today's trim and intro
card, sound cut with the picture and in sync, and only the new pieces outside the recording."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from rep_video.fileutil import sha256_file
from rep_video.media.cut.trim import trim
from rep_video.media.mp4.layout import Data, Span
from rep_video.media.probe import probe
from rep_video.media.publish.assemble import CannotAssemble, Edit, assemble_video
from rep_video.media.publish.intro import BACKGROUND, CARD_SECONDS
from rep_video.server.videocheck import video_problem
from tests.support.av_checks import decode_errors
from tests.unit.media.capture.conftest import decoded_audio, frame_indices, record_into
from tests.unit.media.capture.test_av_sync import beep_onset, first_flash
from tests.unit.media.mp4.conftest import packets


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One take for the whole module: every test here only reads it (a take costs ~0.5 s).
    return record_into(tmp_path_factory.mktemp("take"), 6.0, (320, 240), flash_at=(3.4,)).path


def _outside(layout_spans: list[Span], recording: Path) -> int:
    return sum(s.length for s in layout_spans if s.path != recording)


def test_untouched_take_is_the_recording_itself(recording: Path, tmp_path: Path) -> None:
    made = assemble_video(recording, Edit(), tmp_path)
    assert made.layout.sha256() == sha256_file(recording)
    assert made.pieces == () and made.duration == pytest.approx(6.0)


def test_smart_trim_has_todays_frames_and_cut_sound(recording: Path, tmp_path: Path) -> None:
    made = assemble_video(recording, Edit((1.5, 4.5)), tmp_path)
    out = tmp_path / "sent.mp4"
    made.layout.write(out)
    today = tmp_path / "today.mp4"
    trim(recording, today, 1.5, 4.5)
    assert packets(out)["video"] == packets(today)["video"]  # the same frames, bit for bit
    assert decode_errors(out) == "" and video_problem(out, 600) is None
    info = probe(out)
    assert info.duration == pytest.approx(3.0, abs=1e-3)
    start, sound, rate = decoded_audio(out)
    assert start == pytest.approx(0.0, abs=1e-6)
    assert sound.shape[1] / rate == pytest.approx(3.0, abs=1 / 30)
    assert abs(first_flash(out) - beep_onset(out)) <= 1 / 30
    assert first_flash(out) == pytest.approx(3.4 - 1.5, abs=1 / 30)
    # New bytes: the moov and the re-encoded partial GOP at the in-point (the out-point is
    # copied: no reordered frames); the rest is spans of the take.
    spans = made.layout.spans()
    assert sum(1 for s in spans if s.path == recording) == 1
    assert len(made.pieces) == 1
    new = len(made.layout.parts[0].data) if isinstance(made.layout.parts[0], Data) else 0
    assert new + _outside(spans, recording) < 0.5 * made.layout.size


def test_keyframe_trim_copies_only(recording: Path, tmp_path: Path) -> None:
    made = assemble_video(recording, Edit((1.0, 5.0)), tmp_path)
    assert made.pieces == ()
    assert [s.path for s in made.layout.spans()] == [recording]
    assert made.duration == pytest.approx(4.0)


def test_exact_trim_is_not_assembled(recording: Path, tmp_path: Path) -> None:
    with pytest.raises(CannotAssemble):
        assemble_video(recording, Edit((1.5, 4.5), "exact"), tmp_path)


def test_foreign_profile_is_not_assembled(foreign_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(CannotAssemble):
        assemble_video(foreign_clip, Edit(), tmp_path)


# The trimmed take in the full suite only: the untrimmed one checks the same sync, quicker.
@pytest.mark.parametrize("trimmed", [False, pytest.param(True, marks=pytest.mark.slow)])
@pytest.mark.slow
def test_intro_card_in_front_in_sync(recording: Path, tmp_path: Path, trimmed: bool) -> None:
    cut = (1.5, 4.5) if trimmed else None
    made = assemble_video(recording, Edit(cut, intro=("Ana Müller", "Sam Rep")), tmp_path)
    out = tmp_path / "sent.mp4"
    made.layout.write(out)
    assert decode_errors(out) == "" and video_problem(out, 600) is None
    clip = 3.0 if trimmed else 6.0
    assert probe(out).duration == pytest.approx(CARD_SECONDS + clip, abs=0.02)
    with av.open(str(out)) as c:
        first = next(c.decode(video=0)).to_ndarray(format="rgb24")
    assert tuple(int(v) for v in first[5, 5]) == pytest.approx(BACKGROUND, abs=6)
    frames = frame_indices(out)[round(CARD_SECONDS * 30) :]
    skip = 45 if trimmed else 0
    flash_frame = round(3.4 * 30)  # all white: no counter to read
    want = [i for i in range(skip, skip + round(clip * 30))]
    assert [f for f, w in zip(frames, want, strict=True) if w != flash_frame] == [
        w for w in want if w != flash_frame
    ]
    flash = 3.4 - (1.5 if trimmed else 0.0) + CARD_SECONDS
    assert first_flash(out) == pytest.approx(flash, abs=1 / 30)
    # The card's silence ends within half an AAC frame of where the clip's sound belongs.
    assert abs(first_flash(out) - beep_onset(out)) <= 1 / 30 + 512 / 48000
