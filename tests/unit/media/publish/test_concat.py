"""The intro card's join moved from ffmpeg's concat demuxer (the executable) into PyAV: the
executable running the command it ran is the independent check — every packet's stream,
timing and bytes, the stream parameters, the duration."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import av
import pytest

from rep_video.media.probe import probe
from rep_video.media.publish.concat import concat_copy
from rep_video.media.publish.intro import card_encoder, encode_card, render_card
from rep_video.progress import Cancelled, CancelToken, Tracker
from tests.support import ffmpeg_commands as fa
from tests.support.clips import FFMPEG


def _without_parameter_sets(data: bytes) -> bytes:
    """An MP4 H.264 sample without in-band SPS/PPS NAL units. The concat demuxer converted the
    samples to Annex B and the muxer back, which repeats the avcC's parameter sets in every
    keyframe; the in-process join copies the samples as they are."""
    kept, i = [], 0
    while i + 4 <= len(data):
        n = int.from_bytes(data[i : i + 4], "big")
        nal = data[i : i + 4 + n]
        if nal[4] & 0x1F not in (7, 8):
            kept.append(nal)
        i += 4 + n
    return b"".join(kept)


def _packets(path: Path) -> list[tuple[str, int | None, int | None, bool, bytes]]:
    with av.open(str(path)) as c:
        return [(p.stream.type, p.pts, p.dts, p.is_keyframe,
                 _without_parameter_sets(bytes(p)) if p.stream.type == "video" else bytes(p))
                for p in c.demux() if p.size]  # fmt: skip


def _card_for(clip: Path, out_dir: Path) -> Path:
    info = probe(clip)
    encoder = card_encoder(info)
    assert encoder is not None and info.video is not None
    card = render_card(info.video.width, info.video.height, info.video.fps, "For Dr. Ana")
    try:
        encode_card(info, encoder, card, out_dir / "card.mp4", None)
    finally:
        card.close()
    return out_dir / "card.mp4"


@pytest.mark.parametrize("clip", ["sample_clip", "silent_clip", "bframes_clip"])
def test_join_matches_the_concat_demuxer(
    clip: str, out_dir: Path, request: pytest.FixtureRequest
) -> None:
    src: Path = request.getfixturevalue(clip)
    card = _card_for(src, out_dir)
    ours, ref = out_dir / "ours.mp4", out_dir / "ref.mp4"
    concat_copy([card, src], ours)
    (out_dir / "list.txt").write_text(fa.concat_list([card, src]))
    argv = fa.concat_args(FFMPEG, out_dir / "list.txt", ref)
    subprocess.run([a for a in argv if a not in ("-progress", "pipe:1")], check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    a, b = _packets(ours), _packets(ref)
    assert len(a) == len(b) > 0
    assert [p[:4] for p in a] == [p[:4] for p in b]
    assert a == b
    pa, pb = probe(ours), probe(ref)
    assert pa.faststart and pa.audio == pb.audio and pa.video is not None and pb.video is not None
    # the bit rate counts the parameter sets the command repeated (see above)
    assert replace(pa.video, bit_rate=0) == replace(pb.video, bit_rate=0)
    assert pa.video.bit_rate == pytest.approx(pb.video.bit_rate, rel=0.01)
    assert pa.duration == pytest.approx(pb.duration, abs=1e-3)


def test_join_cancels(sample_clip: Path, out_dir: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        concat_copy([sample_clip, sample_clip], out_dir / "c.mp4", tracker=Tracker(cancel=token))
