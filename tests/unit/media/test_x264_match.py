"""Parsers behind smart trim, on recorded tool output (tests/data): x264's SEI options and the
SPS VUI inside an MP4 avcC."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from rep_video.media.h264_sps import first_sps, parse_vui, vui_time_base
from rep_video.media.x264_match import sei_options, vui_params, x264_params

DATA = Path(__file__).parents[2] / "data"


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
    params = dict(p.split("=", 1) for p in x264_params(options).split(":"))
    assert params["bframes"] == "3" and params["b-pyramid"] == "2" and params["weightp"] == "1"
    assert params["crf"] == "23.0" and "bitrate" not in params
    assert params["deblock"] == "0,0"  # "1:0:0" in the SEI; ":" would split -x264-params
    assert params["direct"] == "spatial"
    assert params["psy"] == "0"  # psy-rd would move the chroma QP offset written in the PPS
    assert "analyse" not in params and "threads" not in params


def test_rate_control_kinds() -> None:
    assert "bitrate=2000" in x264_params({"rc": "abr", "bitrate": "2000", "crf": "23"})
    assert "crf" not in x264_params({"rc": "abr", "bitrate": "2000", "crf": "23"})
    assert "qp=20" in x264_params({"rc": "cqp", "qp": "20", "crf": "23"})
    assert "no-deblock=1" in x264_params({"deblock": "0:0:0"})


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
