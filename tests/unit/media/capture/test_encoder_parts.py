"""The recorder's pure parts: header-compatible preset tiers, the frame grid, and the audio
assembler."""

from __future__ import annotations

from fractions import Fraction
from typing import cast

import numpy as np
import pytest
from av.codec.context import CodecContext
from av.video.codeccontext import VideoCodecContext

from rep_video.media.capture.encoder_audio import AudioAssembler
from rep_video.media.capture.encoder_settings import PRESETS, fps_fraction, video_settings
from rep_video.media.capture.encoder_video import FrameSlots, configure, rgb_to_yuv
from rep_video.media.capture.synthetic import TestPatternCamera


def test_every_tier_writes_the_same_parameter_sets() -> None:
    # The step-down muxes a new encoder's packets under the first one's avcC: this is what
    # makes that legal.
    extradata = set()
    frame = rgb_to_yuv(TestPatternCamera(320, 240, 30).frame(0), 320, 240)
    for preset in PRESETS:
        ctx = cast(VideoCodecContext, CodecContext.create("libx264", "w"))
        configure(ctx, 320, 240, Fraction(30), preset)
        ctx.open()
        frame.pts = 0
        packets = ctx.encode(frame) + ctx.encode(None)
        assert packets and packets[0].is_keyframe
        extradata.add(bytes(ctx.extradata or b""))
    assert len(extradata) == 1 and len(next(iter(extradata))) > 8


def test_settings_pin_the_profile() -> None:
    opts = video_settings("superfast", Fraction(30)).options
    assert opts["preset"] == "superfast" and opts["level"] == "4.1"
    assert "keyint=30:min-keyint=30" in opts["x264-params"]
    assert "bframes=0" in opts["x264-params"]
    with pytest.raises(ValueError):
        video_settings("placebo", Fraction(30))
    assert fps_fraction(29.97) == Fraction(30000, 1001)
    assert fps_fraction(30.0) == 30


def test_frame_slots_absorb_jitter_and_refuse_surplus() -> None:
    slots = FrameSlots(Fraction(30))
    assert [slots.place(t) for t in (0.0, 0.035, 0.064, 0.101)] == [0, 1, 2, 3]
    assert slots.place(0.102) is None  # a second frame for slot 3: surplus
    assert slots.place(0.12) == 4  # a little early for slot 4: moved onto it
    assert slots.place(0.30) == 9  # a stall: the gap is the caller's to fill
    assert slots.pts(9) == 27000
    assert FrameSlots(Fraction(30000, 1001)).pts(1) == 3003


def assembled(asm: AudioAssembler, final: bool = True) -> tuple[list[int], np.ndarray]:
    chunks = list(asm.chunks(final=final))
    return [p for p, _ in chunks], np.concatenate([c for _, c in chunks], axis=1)


def test_audio_blocks_are_cut_into_frames_on_the_sample_clock() -> None:
    asm = AudioAssembler(1, 1024, tolerance=960)
    ramp = np.arange(3000, dtype=np.float32)
    asm.add(ramp[:1000, None], 0)
    asm.add(ramp[1000:2500, None], 1000 + 300)  # jitter within tolerance: stays contiguous
    asm.add(ramp[2500:, None], 2500)
    pts, data = assembled(asm)
    assert pts == [0, 1024, 2048]
    assert np.array_equal(data[0], ramp)


def test_audio_lead_in_gap_and_overlap() -> None:
    asm = AudioAssembler(2, 1024, tolerance=100)
    asm.add(np.ones((500, 2), np.float32), 200)  # starts 200 samples in: silence before
    asm.add(np.ones((500, 2), np.float32), 1700)  # 1000-sample gap: silence
    asm.add(np.full((500, 2), 2, np.float32), 1900)  # overlaps by 300: head trimmed
    _, data = assembled(asm)
    assert data.shape == (2, 2400)
    assert not data[:, :200].any() and data[:, 200:700].all()
    assert not data[:, 700:1700].any()
    assert (data[:, 2200:] == 2).all() and (data[:, 1700:2200] == 1).all()
    c = asm.counters
    assert (c.samples_in, c.silence_inserted, c.samples_trimmed) == (1500, 1200, 300)


def test_audio_pad_to_when_nothing_arrived() -> None:
    asm = AudioAssembler(1, 1024, tolerance=0)
    asm.pad_to(2500)
    pts, data = assembled(asm)
    assert pts == [0, 1024, 2048] and data.shape == (1, 2500) and not data.any()
    assert list(asm.chunks(final=True)) == []
