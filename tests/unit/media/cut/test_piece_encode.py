"""The smart trim's cut pieces moved from the ffmpeg executable into PyAV: the executable
running the command it ran (`encode_segment_args`) is the independent check — the same frames
(count, timing, picture), the same parameter sets, a keyframe first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rep_video.media.cut.piece_encode import encode_span
from rep_video.media.cut.trim import matched_encoder
from rep_video.media.probe import probe, require_video
from rep_video.progress import Cancelled, CancelToken
from tests.support import ffmpeg_commands as fa
from tests.support.clips import FFMPEG


def _packets(path: Path) -> list[tuple[int | None, int | None, bool]]:
    with av.open(str(path)) as c:
        return [(p.pts, p.dts, p.is_keyframe) for p in c.demux(video=0) if p.size]


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray").astype(np.int16) for f in c.decode(video=0)]


def _extradata(path: Path) -> bytes:
    with av.open(str(path)) as c:
        return bytes(c.streams.video[0].codec_context.extradata or b"")


@pytest.mark.parametrize("clip", ["sample_clip", "bframes_clip"])
@pytest.mark.parametrize("span", [(1.4, 2.0), (2.0, 2.5), (0.0, 0.3)])
def test_piece_matches_the_ffmpeg_command(
    clip: str, span: tuple[float, float], out_dir: Path, request: pytest.FixtureRequest
) -> None:
    src: Path = request.getfixturevalue(clip)
    info = probe(src)
    v = require_video(info)
    encoder = matched_encoder(info)
    assert encoder is not None
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    written = encode_span(src, ours, v, span, encoder)
    fd = v.frame_duration
    seek = max(0.0, span[0] - fd)
    argv = fa.encode_segment_args(FFMPEG, src, ref, seek=seek, start=span[0] - seek - fd / 2,
                                  end=span[1] - seek - fd / 2, encoder=encoder)  # fmt: skip
    subprocess.run([a for a in argv if a not in ("-progress", "pipe:1")], check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    assert written == round((span[1] - span[0]) / fd)
    assert _packets(ours) == _packets(ref)
    assert _packets(ours)[0][2], "a keyframe first"
    assert _extradata(ours) == _extradata(ref) == _extradata(src)
    a, b = _frames(ours), _frames(ref)
    assert len(a) == len(b) == written
    # The same source frames went in: each picture is within encoder noise of the other's.
    assert max(float(np.abs(x - y).mean()) for x, y in zip(a, b, strict=True)) < 1.0
    assert probe(ours).duration == pytest.approx(probe(ref).duration, abs=1e-3)


def test_piece_encode_cancels(sample_clip: Path, out_dir: Path) -> None:
    info = probe(sample_clip)
    encoder = matched_encoder(info)
    assert encoder is not None
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        encode_span(sample_clip, out_dir / "c.mp4", require_video(info), (1.4, 2.0), encoder, token)
