"""Finalize's transcode and the exact trim moved from the ffmpeg executable into PyAV
(`media/transcode.py`): the executable running the command they ran
(tests/support/ffmpeg_commands.py) is the independent check — the same number of frames at the
same times, pictures within encoder noise, the same streams, the same duration and amount of
sound."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.media.probe import probe, require_video
from rep_video.media.profile import mobile_profile_problems
from rep_video.media.publish.finalize import plan_finalize
from rep_video.media.transcode import Job, transcode
from rep_video.media.transcode_settings import transcode_settings
from rep_video.progress import Cancelled, CancelToken, Progress, Tracker
from tests.support import ffmpeg_commands as fa
from tests.support.clips import FFMPEG

# Each case runs a real encode twice (in process and the executable): ~30 s in all, so the
# full suite (CI) runs them and the fast tier leaves them out.
pytestmark = pytest.mark.slow


def _run(argv: list[str]) -> None:
    subprocess.run([a for a in argv if a not in ("-progress", "pipe:1")], check=True,
                   capture_output=True, timeout=120)  # fmt: skip


def _video(path: Path) -> tuple[list[float], list[np.ndarray]]:
    with av.open(str(path)) as c:
        frames = list(c.decode(video=0))
        return ([round(float(f.time or 0), 4) for f in frames],
                [f.to_ndarray(format="gray").astype(np.int16) for f in frames])  # fmt: skip


def _samples(path: Path) -> int:
    with av.open(str(path)) as c:
        if not c.streams.audio:
            return 0
        return sum(f.samples for f in c.decode(audio=0))


def _same_output(ours: Path, ref: Path) -> None:
    (t_a, p_a), (t_b, p_b) = _video(ours), _video(ref)
    assert t_a == t_b, "the same frames at the same times"
    diffs = [float(np.abs(x - y).mean()) for x, y in zip(p_a, p_b, strict=True)]
    # Two runs of x264 with other thread counts differ by encoder noise (both are ~1-3 grey
    # levels from a lossy source); another frame, size or range would differ by far more.
    assert max(diffs) < 4.0 and sum(diffs) / len(diffs) < 1.5, "the same pictures"
    a, b = probe(ours), probe(ref)
    va, vb = require_video(a), require_video(b)
    assert (va.codec, va.profile, va.width, va.height, va.pix_fmt, va.full_range, va.rotation) == (
        vb.codec,
        vb.profile,
        vb.width,
        vb.height,
        vb.pix_fmt,
        vb.full_range,
        vb.rotation,
    )
    assert va.fps == pytest.approx(vb.fps) and a.keyframes == b.keyframes
    assert (a.audio is None) == (b.audio is None)
    if a.audio is not None and b.audio is not None:
        assert (a.audio.codec, a.audio.sample_rate, a.audio.channels) == (
            b.audio.codec,
            b.audio.sample_rate,
            b.audio.channels,
        )
        assert abs(_samples(ours) - _samples(ref)) <= 1024, "the same sound, to one AAC frame"
    assert a.duration == pytest.approx(b.duration, abs=0.025)
    assert a.faststart and mobile_profile_problems(a) == mobile_profile_problems(b)


@pytest.mark.parametrize(
    "clip", ["foreign_clip", "rotated_clip", "vfr_clip", "silent_clip", "sample_clip"]
)
def test_finalize_transcode_matches_the_ffmpeg_command(
    clip: str, out_dir: Path, request: pytest.FixtureRequest
) -> None:
    src: Path = request.getfixturevalue(clip)
    info = probe(src)
    plan = plan_finalize(info, reencode=True)
    assert plan.video is not None
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    seen: list[Progress] = []
    transcode(src, ours, Job(plan.video, plan.audio, rotation=require_video(info).rotation,
                             duration=info.duration), Tracker(seen.append))  # fmt: skip
    channels = info.audio.channels if info.audio else 2
    _run(fa.finalize_args(FFMPEG, src, ref, video=plan.video, audio=plan.audio,
                          channels=channels))  # fmt: skip
    _same_output(ours, ref)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions and fractions == sorted(fractions)


def test_audio_only_reencode_copies_the_video(out_dir: Path) -> None:
    from tests.support.clips import make_clip

    src = make_clip(out_dir / "44k.mp4", size=(320, 240), duration=1.0, extra=["-ar", "44100"])
    info = probe(src)
    plan = plan_finalize(info)
    assert plan.video is None and plan.audio == "encode"
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    transcode(src, ours, Job(None, "encode", duration=info.duration))
    _run(fa.finalize_args(FFMPEG, src, ref, video=None, audio="encode", channels=1))
    with av.open(str(ours)) as a, av.open(str(ref)) as b:
        pa = [(p.pts, p.dts, bytes(p)) for p in a.demux(video=0) if p.size]
        pb = [(p.pts, p.dts, bytes(p)) for p in b.demux(video=0) if p.size]
    assert pa == pb, "video packets copied as the command copied them"
    _same_output(ours, ref)


@pytest.mark.parametrize("span", [(1.5, 3.2), (0.0, 1.0), (2.2, 4.0)])
@pytest.mark.parametrize("clip", ["sample_clip", "bframes_clip", "silent_clip"])
def test_exact_trim_matches_the_ffmpeg_command(
    clip: str, span: tuple[float, float], out_dir: Path, request: pytest.FixtureRequest
) -> None:
    src: Path = request.getfixturevalue(clip)
    info = probe(src)
    v = require_video(info)
    end = min(span[1], info.duration)
    fd = v.frame_duration
    seek = max(0.0, span[0] - 1.0)
    cut = fa.ExactCut(seek, video=(span[0] - seek - fd / 2, end - seek - fd / 2),
                      audio=(span[0] - seek, end - seek) if info.audio else None)  # fmt: skip
    settings = transcode_settings(info)
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    transcode(src, ours, Job(settings, "encode" if info.audio else "none", cut=cut,
                             duration=end - span[0], stage="trim"))  # fmt: skip
    _run(
        fa.exact_trim_args(
            FFMPEG, src, ref, cut, settings, info.audio.channels if info.audio else 2
        )
    )
    _same_output(ours, ref)
    assert len(_video(ours)[0]) == round((end - span[0]) / fd), "frame-accurate"


def test_transcode_cancels_and_reports_bad_input(foreign_clip: Path, out_dir: Path) -> None:
    info = probe(foreign_clip)
    plan = plan_finalize(info)
    assert plan.video is not None
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        transcode(
            foreign_clip, out_dir / "c.mp4", Job(plan.video, plan.audio), Tracker(cancel=token)
        )
