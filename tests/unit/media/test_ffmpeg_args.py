"""The argv builders are pure: lists of strings, nothing started, options where they belong."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from tests.support import ffmpeg_commands as fa

FF = "ffmpeg-bin"
SRC, DST = Path("in put.mov"), Path("out.mp4")


def _settings(**kw: object) -> fa.TranscodeSettings:
    base: dict[str, object] = dict(width=1280, height=720, fps=30.0, change_fps=False,
                                   scale=True, maxrate=2_800_000)  # fmt: skip
    base.update(kw)
    return fa.TranscodeSettings(**base)  # type: ignore[arg-type]


def _all_str(argv: list[str]) -> None:
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv)
    assert argv[0] == FF


def _after(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def test_base_args_report_progress_and_never_read_stdin() -> None:
    argv = fa.base_args(FF)
    assert argv[0] == FF
    assert "-nostdin" in argv and _after(argv, "-progress") == "pipe:1"


def test_finalize_transcode_args() -> None:
    argv = fa.finalize_args(FF, SRC, DST, video=_settings(change_fps=True, fps=25.0),
                            audio="encode", channels=6)  # fmt: skip
    _all_str(argv)
    assert str(SRC) in argv  # a path with a space stays one argument
    assert _after(argv, "-c:v") == "libx264"
    assert _after(argv, "-profile:v") == "high" and _after(argv, "-level:v") == "4.1"
    assert _after(argv, "-maxrate") == "2800000" and _after(argv, "-bufsize") == "5600000"
    assert _after(argv, "-g") == "25"
    assert _after(argv, "-vf") == "fps=25,scale=1280:720:flags=bicubic:out_range=tv,format=yuv420p"
    assert _after(argv, "-c:a") == "aac" and _after(argv, "-ar") == "48000"
    assert _after(argv, "-ac") == "2"
    assert _after(argv, "-movflags") == "+faststart"
    assert _after(argv, "-map_metadata") == "-1"
    assert argv[-1] == str(DST)


def test_remux_copies_and_drops_audio_when_none() -> None:
    argv = fa.remux_args(FF, SRC, DST, audio=False)
    assert _after(argv, "-c:v") == "copy"
    assert "0:a:0" not in argv and "-c:a" not in argv
    with_audio = fa.remux_args(FF, SRC, DST, audio=True)
    assert _after(with_audio, "-c:a") == "copy"


def test_encode_segment_matches_source_settings() -> None:
    enc = fa.MatchedEncoder(x264_params="cabac=1:ref=3", level=31,
                            time_base=Fraction(1, 90000), timescale=90000)  # fmt: skip
    argv = fa.encode_segment_args(FF, SRC, DST, seek=9.5, start=0.0167, end=0.5, encoder=enc)
    _all_str(argv)
    assert _after(argv, "-ss") == "9.500000" and argv.index("-ss") < argv.index("-i")
    assert _after(argv, "-x264-params") == "cabac=1:ref=3"
    assert _after(argv, "-level:v") == "3.1"
    assert _after(argv, "-enc_time_base:v") == "1/90000"
    assert _after(argv, "-video_track_timescale") == "90000"
    assert _after(argv, "-vf") == "trim=start=0.016700:end=0.500000,setpts=PTS-STARTPTS"
    assert "-an" in argv


def test_exact_trim_cuts_video_and_audio_separately() -> None:
    cut = fa.ExactCut(1.0, video=(0.48, 2.48), audio=(0.5, 2.5))
    argv = fa.exact_trim_args(FF, SRC, DST, cut, _settings(scale=False))
    assert _after(argv, "-vf").startswith("trim=start=0.480000:end=2.480000,setpts=PTS-STARTPTS,")
    assert _after(argv, "-af") == "atrim=start=0.500000:end=2.500000,asetpts=PTS-STARTPTS"


def test_exact_trim_without_an_audio_span_maps_no_audio() -> None:
    argv = fa.exact_trim_args(FF, SRC, DST, fa.ExactCut(0.0, (0.0, 1.0), None), _settings())
    assert "0:a:0" not in argv and "-af" not in argv


def test_concat_list_escapes_quotes(tmp_path: Path) -> None:
    text = fa.concat_list([tmp_path / "card.mp4", tmp_path / "it's.mp4"])
    lines = text.splitlines()
    assert lines[0] == f"file '{(tmp_path / 'card.mp4').resolve()}'"
    assert lines[1].endswith("it'\\''s.mp4'")


def test_transcode_x264_params_only_when_given() -> None:
    assert "-x264-params" not in fa.transcode_video_args(_settings())
    argv = fa.transcode_video_args(_settings(preset="ultrafast", x264_params="cabac=1:8x8dct=1"))
    assert _after(argv, "-preset") == "ultrafast"
    assert _after(argv, "-x264-params") == "cabac=1:8x8dct=1"
