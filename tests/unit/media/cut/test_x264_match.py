"""Parsers behind smart trim and the intro card, on recorded tool output (tests/data): x264's
SEI options, the SPS/PPS inside an MP4 avcC; and the settings read back from SPS/PPS, checked
against the real libx264."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import pytest

from rep_video.media.cut.h264_pps import parse_pps
from rep_video.media.cut.h264_sps import (
    first_sps,
    parameter_sets,
    parse_sps,
    parse_vui,
    vui_time_base,
)
from rep_video.media.cut.x264_match import header_params, sei_options, sei_params, vui_params

DATA = Path(__file__).parents[3] / "data"


def _avcc(name: str) -> bytes:
    return bytes.fromhex((DATA / name).read_text().strip())


def test_sei_options_from_a_recorder_stream() -> None:
    packet = b"\x00\x00\x01\x06\x05" + (DATA / "x264_sei_recorder.txt").read_bytes().strip()
    options = sei_options(packet + b"\x00\x80")
    assert options is not None
    assert options["cabac"] == "1" and options["bframes"] == "0" and options["keyint"] == "30"
    assert options["vbv_maxrate"] == "2500" and options["rc"] == "crf"
    assert sei_options(b"\x00\x00\x01\x65 not x264") is None


def test_params_rebuild_header_settings_and_drop_psy() -> None:
    options = sei_options((DATA / "x264_sei_ffmpeg_cli.txt").read_bytes())
    assert options is not None
    params = dict(p.split("=", 1) for p in sei_params(options).split(":"))
    assert params["bframes"] == "3" and params["b-pyramid"] == "2" and params["weightp"] == "1"
    assert params["crf"] == "23.0" and "bitrate" not in params
    assert params["deblock"] == "0,0"  # "1:0:0" in the SEI; ":" would split -x264-params
    assert params["direct"] == "spatial"
    assert params["psy"] == "0"  # psy-rd would move the chroma QP offset written in the PPS
    assert "analyse" not in params and "threads" not in params


def test_rate_control_kinds() -> None:
    assert "bitrate=2000" in sei_params({"rc": "abr", "bitrate": "2000", "crf": "23"})
    assert "crf" not in sei_params({"rc": "abr", "bitrate": "2000", "crf": "23"})
    assert "qp=20" in sei_params({"rc": "cqp", "qp": "20", "crf": "23"})
    assert "no-deblock=1" in sei_params({"deblock": "0:0:0"})


def test_vui_of_an_ffmpeg_cli_stream() -> None:
    sps = first_sps(_avcc("avcc_ffmpeg_cli_30fps.hex"))
    assert sps is not None and sps[0] & 0x1F == 7  # an SPS NAL unit
    vui = parse_vui(sps)
    assert vui is not None
    assert vui.sar == (1, 1) and vui.colour is None
    assert vui.time_base == Fraction(1, 30)
    assert vui_params(vui) == {"sar": "1/1"}


def test_vui_of_a_recorder_stream() -> None:
    sps = first_sps(_avcc("avcc_pyav_recorder_90k.hex"))
    assert sps is not None
    assert vui_time_base(sps) == Fraction(1, 90000)
    vui = parse_vui(sps)
    assert vui is not None and vui.colour == (1, 1, 1) and vui.full_range is False
    assert vui_params(vui) == {"videoformat": "undef", "range": "tv", "colorprim": "bt709",
                               "transfer": "bt709", "colormatrix": "bt709"}  # fmt: skip


def test_garbage_is_not_an_sps() -> None:
    assert first_sps(b"\x00\x01") is None
    assert parse_vui(b"\x67\xff") is None


def test_parameter_sets_of_a_recorded_avcc() -> None:
    avcc = _avcc("avcc_ffmpeg_cli_30fps.hex")
    sps_list, pps_list = parameter_sets(avcc)
    assert sps_list == (first_sps(avcc),) and len(pps_list) == 1
    sps, pps = parse_sps(sps_list[0]), parse_pps(pps_list[0])
    assert sps is not None and pps is not None
    assert (sps.sps_id, pps.sps_id, sps.frame_mbs_only, sps.bit_depth) == (0, 0, True, 8)
    assert sps.vui is not None and sps.vui.time_base == Fraction(1, 30)
    # The same sets in Annex B form (what an encoder gives before muxing).
    annex_b = b"".join(b"\x00\x00\x00\x01" + n for n in (*sps_list, *pps_list))
    assert parameter_sets(annex_b) == (sps_list, pps_list)


_SETTINGS = [
    "cabac=0:8x8dct=0:ref=1:bframes=0",  # Constrained Baseline, like x264's ultrafast
    "cabac=1:8x8dct=1:ref=3:bframes=3:b-pyramid=normal:weightp=2:weightb=1",
    "cabac=1:8x8dct=0:ref=2:bframes=1:b-pyramid=none:weightp=1:chroma-qp-offset=-2",
    "cabac=1:8x8dct=1:ref=4:bframes=0:constrained-intra=1:crf=18:sps-id=3:sar=4/3",
    "cabac=1:8x8dct=1:ref=1:bitrate=900:vbv-maxrate=1200:vbv-bufsize=2400",
]


def _x264_headers(params: str, level: str = "3.1") -> tuple[tuple[bytes, ...], ...]:
    """What libx264 (the one PyAV ships) writes as SPS/PPS with these settings."""
    with av.open(io.BytesIO(), "w", format="mp4") as out:
        vs = out.add_stream("libx264", rate=30)
        cc = vs.codec_context
        cc.width, cc.height, cc.pix_fmt = 640, 360, "yuv420p"
        cc.options = {"x264-params": params, "level": level}
        cc.open()
        return parameter_sets(bytes(cc.extradata or b""))


@pytest.mark.parametrize("settings", _SETTINGS)
def test_settings_read_back_from_sps_pps_write_the_same_headers(settings: str) -> None:
    """Round trip through the real encoder: headers → settings → the same headers."""
    sps_list, pps_list = _x264_headers(settings)
    sps, pps = parse_sps(sps_list[0]), parse_pps(pps_list[0])
    assert sps is not None and pps is not None
    candidates = header_params(sps, pps)
    assert candidates
    assert any(_x264_headers(c) == (sps_list, pps_list) for c in candidates)


def test_headers_no_x264_setting_writes_give_no_candidates() -> None:
    sps_list, pps_list = _x264_headers("cabac=1:interlaced=1:bframes=0")
    sps, pps = parse_sps(sps_list[0]), parse_pps(pps_list[0])
    assert sps is not None and pps is not None and not sps.frame_mbs_only
    assert header_params(sps, pps) == []
    assert parse_pps(b"\x68") is None  # truncated
