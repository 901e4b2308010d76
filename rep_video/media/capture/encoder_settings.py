"""The recorder's encoder settings (pure data): H.264 High in the mobile profile (docs/MEDIA.md) at
three speeds, and AAC-LC.

The recorder steps from one speed tier to the next *mid-recording*: down when the encoder falls
behind, back up once it has had headroom for a while (preset_control). It does that by opening
a fresh libx264 context and muxing its packets into the same MP4 track, which is only valid if
every tier writes byte-identical SPS/PPS (the MP4 `avcC` holds one set). So each tier is an
x264 preset plus overrides that pin every header-affecting choice (CABAC, 8×8 transform,
B-frames, reference count, weighted prediction, psy chroma offset, level); only the motion
search and analysis effort change. A unit test asserts the headers match."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from rep_video.media.x264 import x264_params

Content = Literal["camera", "screen"]
CONTENTS: tuple[Content, ...] = ("camera", "screen")

VIDEO_CODEC = "libx264"
AUDIO_CODEC = "aac"
PIX_FMT = "yuv420p"
VIDEO_TIME_BASE = Fraction(1, 90000)
AUDIO_BIT_RATE = 128_000
AUDIO_FRAME_SIZE = 1024  # AAC-LC codes 1024 samples per frame

# Slowest (best compression) first: the recorder starts at the first and moves one step at a
# time, right when it falls behind and left when it has headroom again (preset_control).
PRESETS: tuple[str, ...] = ("veryfast", "superfast", "ultrafast")

# Kept under the mobile profile's 3 Mb/s average at 720p, so Finalize only remuxes.
MAX_RATE_KBPS = 2500
BUFFER_KBITS = 5000
CRF = 23
LEVEL = "4.1"

# The fragmented file's muxer options: a fragment ends at every keyframe (1 s apart) and after
# half a second at most, so a crash loses at most the fragment being written; flush_packets
# pushes each fragment to the OS at once; a short interleave delta stops a silent audio stream
# from holding video back. delay_moov writes the (empty) moov with the first fragment instead
# of at open: by then the muxer knows the AAC encoder's priming (first audio pts −1024) and
# writes an edit list for it. Without it, fragmented output loses that offset and stretches
# the first video frame.
FRAGMENTED_MP4_OPTIONS: dict[str, str] = {
    "movflags": "frag_keyframe+empty_moov+delay_moov+default_base_moof",
    "frag_duration": "500000",
    "flush_packets": "1",
    "max_interleave_delta": "500000",
}
FASTSTART_MP4_OPTIONS: dict[str, str] = {"movflags": "faststart"}


@dataclass(frozen=True, slots=True)
class VideoEncoderSettings:
    preset: str
    options: dict[str, str]


def keyframe_interval(fps: Fraction) -> int:
    """Frames between keyframes: one a second (trims then re-encode at most a second)."""
    return max(1, round(fps))


def recording_x264_params(fps: Fraction) -> str:
    """x264 overrides shared by every tier; they fix the SPS/PPS (see module doc)."""
    gop = keyframe_interval(fps)
    params = {
        "keyint": gop,
        "min-keyint": gop,
        "scenecut": 0,
        "bframes": 0,  # no reordering: lower latency, no negative DTS, no edit list
        "ref": 1,
        "weightp": 0,
        "cabac": 1,
        "8x8dct": 1,
        "psy": 0,  # psy-rd shifts chroma_qp_offset in the PPS per preset
        "rc-lookahead": 0,
        "mbtree": 0,  # needs lookahead; without this x264 warns and turns it off itself
        "sync-lookahead": 0,
        "crf": CRF,
        "vbv-maxrate": MAX_RATE_KBPS,
        "vbv-bufsize": BUFFER_KBITS,
        # The RGB→YUV conversion uses BT.709; say so, or players guess BT.601 for small sizes.
        "colorprim": "bt709",
        "transfer": "bt709",
        "colormatrix": "bt709",
    }
    return x264_params(params)


def video_settings(preset: str, fps: Fraction, content: Content = "camera") -> VideoEncoderSettings:
    """The tier's libx264 options. Screen content uses x264's `stillimage` tune (weaker
    deblocking, stronger adaptive quantisation: text and slide edges stay sharp); what it
    would change in the headers (psy) is pinned by `recording_x264_params` like every other tier."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}")
    if content not in CONTENTS:
        raise ValueError(f"unknown content {content!r}")
    options = {"preset": preset, "x264-params": recording_x264_params(fps), "level": LEVEL}
    if content == "screen":
        options["tune"] = "stillimage"
    return VideoEncoderSettings(preset=preset, options=options)


def fps_fraction(fps: float) -> Fraction:
    """29.97 → 30000/1001; 30.0 → 30."""
    if fps <= 0:
        raise ValueError("fps must be positive")
    ntsc = round(fps * 1.001)
    if abs(fps - round(fps)) > 0.001 and abs(fps - ntsc / 1.001) < 0.005:
        return Fraction(ntsc * 1000, 1001)  # 23.976, 29.97, 59.94: the broadcast rates
    return Fraction(fps).limit_denominator(1000)
