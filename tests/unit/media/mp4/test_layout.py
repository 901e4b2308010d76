"""Layouts: a plain file read and laid out again is the same bytes; spans follow the gap
rule; a moov past 4 GiB uses co64; damaged or hostile input is one Mp4Error."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rep_video.fileutil import sha256_file
from rep_video.media.mp4 import boxes as bx
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.fragments import read_fragmented
from rep_video.media.mp4.layout import Data, Region, Span, lay_out
from rep_video.media.mp4.moov import PlacedTrack, build_moov
from rep_video.media.mp4.tables import read_plain
from rep_video.media.mp4.tracks import Track
from tests.support.examples import examples
from tests.unit.media.mp4.conftest import Take, packets


def test_a_plain_file_laid_out_again_is_the_same_file(take: Callable[..., Take]) -> None:
    t = take(2.0)
    plain = read_plain(t.final)
    layout = lay_out(plain.moov, plain.tracks, [Region(t.final, plain.mdat.start, plain.mdat.end)])
    assert layout.size == t.final.stat().st_size
    assert layout.sha256() == sha256_file(t.final)
    assert isinstance(layout.parts[0], Data) and len(layout.parts) == 2


def test_an_ffmpeg_file_laid_out_keeps_its_packets(faststart_clip: Path, tmp_path: Path) -> None:
    plain = read_plain(faststart_clip)
    layout = lay_out(plain.moov, plain.tracks, [Region(faststart_clip)])
    out = tmp_path / "again.mp4"
    assert layout.write(out) == sha256_file(out)
    assert packets(out) == packets(faststart_clip)


def test_spans_copy_small_gaps_and_split_at_big_ones(take: Callable[..., Take]) -> None:
    t = take(2.0)
    fragmented = read_fragmented(t.fragmented)
    video = fragmented.tracks[1]
    whole = lay_out(fragmented.moov, [video], [Region(t.fragmented)])
    assert len(whole.spans()) == 1  # the audio and moofs between video runs are copied along
    split = lay_out(fragmented.moov, [video], [Region(t.fragmented)], max_gap=0)
    fragments = len({s.offset for s in split.spans()})
    assert len(split.spans()) == fragments > 2  # one run of video per fragment
    assert sum(s.length for s in split.spans()) == sum(s.size for s in video.samples)


def test_a_sample_outside_its_region_or_twice_is_refused(take: Callable[..., Take]) -> None:
    t = take(1.0)
    fragmented = read_fragmented(t.fragmented)
    video = fragmented.tracks[1]
    twice = Track(video.info, [video.samples[0], video.samples[0]])
    with pytest.raises(Mp4Error):
        lay_out(fragmented.moov, [twice], [Region(t.fragmented)])
    with pytest.raises(Mp4Error):
        lay_out(fragmented.moov, [video], [Region(t.fragmented, end=video.samples[0].offset)])
    with pytest.raises(Mp4Error):
        lay_out(fragmented.moov, [video], [Region(t.final)])  # no region for its file


def test_offsets_past_4_gib_use_co64(take: Callable[..., Take]) -> None:
    t = take(1.0)
    plain = read_plain(t.final)
    video = plain.track(b"vide")
    assert video is not None
    far = 5 << 30
    moov = build_moov(plain.moov, [PlacedTrack(video, [(len(video.samples), far)])])
    assert b"co64" in moov and b"stco" not in moov
    at = moov.index(b"co64")
    assert struct.unpack(">IQ", moov[at + 8 : at + 20]) == (1, far)


def test_layout_parts_read_back(take: Callable[..., Take], tmp_path: Path) -> None:
    t = take(1.0)
    plain = read_plain(t.final)
    layout = lay_out(plain.moov, plain.tracks, [Region(t.final)])
    spans = layout.spans()
    assert all(isinstance(s, Span) and s.path == t.final for s in spans)
    assert b"".join(layout.blocks()) == b"".join(
        p.data if isinstance(p, Data) else t.final.read_bytes()[p.offset : p.end]
        for p in layout.parts
    )


_FIXTURE_OK = [HealthCheck.function_scoped_fixture]
_made: list[Take] = []  # one recording for every example


@settings(max_examples=examples(150), deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=st.data())
def test_damaged_files_are_one_error(
    take: Callable[..., Take], tmp_path: Path, data: st.DataObject
) -> None:
    if not _made:
        _made.append(take(1.0))
    t = _made[0]
    for source, reader in ((t.final, read_plain), (t.fragmented, read_fragmented)):
        raw = bytearray(source.read_bytes())
        head = min(len(raw), 6000)  # the boxes, not the media
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, head - 1))
            raw[at] = data.draw(st.integers(0, 255))
        if data.draw(st.booleans()):
            raw = raw[: data.draw(st.integers(0, len(raw)))]
        bad = tmp_path / f"bad-{source.name}"
        bad.write_bytes(bytes(raw))
        with contextlib.suppress(Mp4Error):  # anything else fails the test
            reader(bad)


def test_box_walk_refuses_sizes_that_do_not_fit() -> None:
    with pytest.raises(Mp4Error):
        list(bx.iter_boxes(struct.pack(">I4s", 100, b"moov") + b"x" * 10))
    with pytest.raises(Mp4Error):
        list(bx.iter_boxes(struct.pack(">I4s", 4, b"free")))
    assert [b.kind for b in bx.iter_boxes(bx.make_box(b"free", b"abc") * 2)] == [b"free"] * 2
