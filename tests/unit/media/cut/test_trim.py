"""Trim on real clips, verified by decoding the result with PyAV: frame count, the first frame
against the source frame at the start, bit-exact copied frames, audio starting with the
picture, nothing left behind on failure."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.errors import Cancelled, UserError
from rep_video.media.cut.trim import matched_encoder, trim
from rep_video.media.probe import probe
from rep_video.progress import CancelToken, Progress, Tracker
from tests.support.clips import make_clip

FD = 1 / 30


def gray_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(float(f.time or 0.0), f.to_ndarray(format="gray").astype(np.int16))
                for f in c.decode(video=0)]  # fmt: skip


def first_audio_time(path: Path) -> float | None:
    with av.open(str(path)) as c:
        if not c.streams.audio:
            return None
        for frame in c.decode(audio=0):
            return float(frame.time or 0.0)
    return None


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


@pytest.fixture(scope="module")
def tb90k_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Encoded like the recorder: a 1/90000 encoder time base in the SPS timing info."""
    extra = ["-enc_time_base", "1/90000", "-video_track_timescale", "90000"]
    return make_clip(tmp_path_factory.mktemp("t") / "tb90k.mp4", size=(320, 240), extra=extra)


def check_cut(src: Path, out: Path, start: float, end: float, *, copied: bool) -> None:
    source = gray_frames(src)
    result = gray_frames(out)
    first = round(start / FD)
    want = round(end / FD) - first
    assert len(result) == want, "duration within one frame of the request"
    assert result[0][0] == pytest.approx(0.0, abs=1e-3)
    # the first frame is the source frame at `start`: close to it, farther from its neighbours
    d0 = diff(result[0][1], source[first][1])
    assert d0 < 2.5
    assert d0 < diff(result[0][1], source[first - 1][1]) if first else True
    assert d0 < diff(result[0][1], source[first + 1][1])
    assert result[0][1].mean() > 20, "first frame is not black"
    last = result[-1][1]
    assert diff(last, source[first + want - 1][1]) < 2.5
    if copied:
        # a frame from the copied middle is bit-exact
        k = next(i for i in range(want) if (first + i) % 30 == 0)
        assert diff(result[k][1], source[first + k][1]) == 0.0
    a0 = first_audio_time(out)
    if a0 is not None:
        assert -1e-3 <= a0 <= FD, "no audio before the picture; A/V offset within a frame"
        info = probe(out)
        assert info.duration == pytest.approx(want * FD, abs=FD + 1024 / 48000)


@pytest.mark.parametrize("clip_name", ["sample_clip", "bframes_clip", "tb90k_clip"])
def test_smart_trim_is_frame_accurate_and_copies_the_middle(
    clip_name: str, request: pytest.FixtureRequest, out_dir: Path
) -> None:
    src: Path = request.getfixturevalue(clip_name)
    assert matched_encoder(probe(src)) is not None
    messages: list[str] = []
    out = out_dir / "cut.mp4"
    info = trim(src, out, 0.5, 3.2, tracker=Tracker(lambda p: messages.append(p.message)))
    assert not any("whole range" in m for m in messages), messages  # no fallback
    assert info.video is not None and info.video.codec == "h264"
    check_cut(src, out, 0.5, 3.2, copied=True)
    assert sorted(p.name for p in out_dir.iterdir()) == ["cut.mp4"]


def test_smart_trim_keeps_the_source_parameter_sets(bframes_clip: Path, out_dir: Path) -> None:
    out = out_dir / "cut.mp4"
    trim(bframes_clip, out, 0.4, 2.6)
    with av.open(str(out)) as a, av.open(str(bframes_clip)) as b:
        assert (
            a.streams.video[0].codec_context.extradata == b.streams.video[0].codec_context.extradata
        )


def test_smart_trim_to_the_end_copies_without_a_tail(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "tail.mp4"
    trim(sample_clip, out, 1.0, 4.0)
    check_cut(sample_clip, out, 1.0, 4.0, copied=True)


def test_smart_trim_within_one_gop(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "short.mp4"
    trim(sample_clip, out, 1.2, 1.8)
    check_cut(sample_clip, out, 1.2, 1.8, copied=False)


def test_exact_trim(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "exact.mp4"
    info = trim(sample_clip, out, 0.5, 3.2, mode="exact")
    check_cut(sample_clip, out, 0.5, 3.2, copied=False)
    assert info.faststart


def test_fast_trim_snaps_to_keyframes_without_reencoding(sample_clip: Path, out_dir: Path) -> None:
    out = out_dir / "fast.mp4"
    info = trim(sample_clip, out, 1.4, 2.5, mode="fast")
    result, source = gray_frames(out), gray_frames(sample_clip)
    assert len(result) == 60  # keyframe 1.0 → keyframe 3.0
    assert diff(result[0][1], source[30][1]) == 0.0
    assert info.duration == pytest.approx(2.0, abs=FD + 1024 / 48000)


def test_foreign_source_falls_back_to_exact(foreign_clip: Path, out_dir: Path) -> None:
    messages: list[str] = []
    out = out_dir / "cut.mp4"

    def note(p: Progress) -> None:
        messages.append(p.message)

    info = trim(foreign_clip, out, 0.5, 1.5, tracker=Tracker(note))
    assert any("whole range" in m for m in messages)
    assert info.video is not None and info.video.codec == "h264"
    assert len(gray_frames(out)) == 30


def test_silent_clip_stays_silent(silent_clip: Path, out_dir: Path) -> None:
    out = out_dir / "cut.mp4"
    info = trim(silent_clip, out, 0.5, 2.5)
    assert info.audio is None
    check_cut(silent_clip, out, 0.5, 2.5, copied=True)


@pytest.mark.parametrize(
    ("start", "end", "fragment"),
    [(3.0, 1.0, "must come before"), (5.0, 6.0, "past the end"), (1.0, 30.0, "past the end")],
)
def test_bad_times_leave_nothing(
    sample_clip: Path, out_dir: Path, start: float, end: float, fragment: str
) -> None:
    with pytest.raises(UserError, match=fragment):
        trim(sample_clip, out_dir / "cut.mp4", start, end)
    assert list(out_dir.iterdir()) == []


def test_audio_only_is_refused(audio_only: Path, out_dir: Path) -> None:
    with pytest.raises(UserError, match="no video"):
        trim(audio_only, out_dir / "cut.mp4", 0.2, 1.0)
    assert list(out_dir.iterdir()) == []


def test_output_must_not_replace_the_source(sample_clip: Path) -> None:
    with pytest.raises(UserError, match="must not replace"):
        trim(sample_clip, sample_clip, 0.5, 1.5)


def test_cancel_leaves_nothing(sample_clip: Path, out_dir: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        trim(sample_clip, out_dir / "cut.mp4", 0.5, 3.2, tracker=Tracker(cancel=token))
    assert list(out_dir.iterdir()) == []


def test_fast_trim_of_a_foreign_file_reencodes(foreign_clip: Path, out_dir: Path) -> None:
    info = trim(foreign_clip, out_dir / "cut.mp4", 0.5, 1.5, mode="fast")
    assert info.video is not None and info.video.codec == "h264"
    assert info.audio is not None and info.audio.codec == "aac"
