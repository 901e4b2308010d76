"""Stop's final file: a new moov in front of the fragments themselves. Same packets as FFmpeg's
remux, the fragments byte for byte as the mdat, and a crash's cut fragment left out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.media.atoms import read_layout
from rep_video.media.capture import recovery
from rep_video.media.mp4.defrag import defragment
from rep_video.media.mp4.fragments import media_span
from rep_video.media.mp4.tables import read_plain
from rep_video.media.probe import probe
from rep_video.server.videocheck import video_problem
from tests.support.av_checks import decode_errors
from tests.unit.media.capture.test_av_sync import beep_onset, first_flash
from tests.unit.media.mp4.conftest import Take, packets, remuxed


def test_final_file_has_ffmpegs_packets_and_plays(
    take: Callable[..., Take], tmp_path: Path
) -> None:
    t = take(3.0, flash_at=(1.4,))
    assert packets(t.final) == packets(remuxed(t.fragmented, tmp_path / "ffmpeg.mp4"))
    layout = read_layout(t.final)
    assert layout is not None and layout.boxes == ("ftyp", "moov", "mdat") and layout.faststart
    assert decode_errors(t.final) == ""
    assert video_problem(t.final, 600) is None
    assert abs(first_flash(t.final) - beep_onset(t.final)) <= 1 / 30
    info = probe(t.final)
    assert info.duration == pytest.approx(3.0, abs=1e-6)
    assert info.keyframes == (0.0, 1.0, 2.0)


def test_the_mdat_is_the_fragments_byte_for_byte(take: Callable[..., Take]) -> None:
    t = take(2.0)
    span = media_span(t.fragmented)
    assert span.closed and span.start > 0
    mdat = read_plain(t.final).mdat
    fragments = t.fragmented.read_bytes()[span.start : span.end]
    assert t.final.read_bytes()[mdat.start : mdat.end] == fragments


def test_a_cut_fragment_is_left_out(take: Callable[..., Take], tmp_path: Path) -> None:
    t = take(3.0)
    data = t.fragmented.read_bytes()
    span = media_span(t.fragmented)
    cut = tmp_path / "cut.recording.mp4"
    cut.write_bytes(data[: span.end - 500])  # the crash hit the last fragment
    limit = recovery.complete_prefix(cut)
    kept = media_span(cut, limit)
    assert 0 < kept.end < span.end
    out = tmp_path / "recovered.mp4"
    seconds = recovery.remux_to_faststart(cut, out, limit=limit)
    assert 2.0 <= seconds < 3.0
    assert decode_errors(out) == ""
    assert packets(out)["video"] == packets(t.final)["video"][: round(seconds * 30)]


@pytest.mark.parametrize("damage", ["garbage", "no-fragment", "bad-trun"])
def test_damaged_input_is_one_user_error(
    take: Callable[..., Take], tmp_path: Path, damage: str
) -> None:
    t = take(1.0)
    data = bytearray(t.fragmented.read_bytes())
    span = media_span(t.fragmented)
    if damage == "garbage":
        data = bytearray(b"\x00\x00\x00\x10junkjunkjunk" * 10)
    elif damage == "no-fragment":
        data = data[: span.start]
    else:  # a trun claiming more samples than its fragment holds
        at = data.index(b"trun", span.start)
        data[at + 8 : at + 12] = (10_000).to_bytes(4, "big")
    bad = tmp_path / "bad.recording.mp4"
    bad.write_bytes(bytes(data))
    with pytest.raises(UserError):
        recovery.remux_to_faststart(bad, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_defragment_reports_where_the_fragments_went(
    take: Callable[..., Take], tmp_path: Path
) -> None:
    t = take(1.5)
    result = defragment(t.fragmented, tmp_path / "again.mp4")
    assert result.span == media_span(t.fragmented)
    assert (tmp_path / "again.mp4").read_bytes() == t.final.read_bytes()
    assert read_plain(t.final).mdat.start == result.payload_offset
