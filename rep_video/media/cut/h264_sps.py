"""Just enough of an H.264 SPS parser to rebuild an encoder that writes the same SPS: the
fields x264 derives from its settings (profile, level, id, reference frames, frame/field
coding, the VUI and its timing). x264 writes num_units_in_tick = time base numerator and
time_scale = 2 × its denominator, so a re-encode must use the same time base too."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def u(self, n: int) -> int:
        value = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            value = (value << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise ValueError("bad exp-Golomb code")
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)


def _unescape(nal: bytes) -> bytes:
    return nal.replace(b"\x00\x00\x03", b"\x00\x00")


def first_sps(avcc: bytes) -> bytes | None:
    """The first SPS NAL unit of an `avcC` record (None if it is not one)."""
    if len(avcc) < 8 or avcc[0] != 1 or (avcc[5] & 0x1F) == 0:
        return None
    length = int.from_bytes(avcc[6:8], "big")
    return avcc[8 : 8 + length] or None


def parameter_sets(extradata: bytes) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """(SPS NAL units, PPS NAL units) of a stream's extradata, either an MP4 `avcC` record (what
    a demuxer gives) or Annex B start-code form (what an encoder gives before muxing)."""
    nals: list[bytes] = []
    if extradata[:1] == b"\x01" and len(extradata) >= 7:
        at, count = 6, extradata[5] & 0x1F
        for kind in (0, 1):
            if kind:
                if at >= len(extradata):
                    break
                count, at = extradata[at], at + 1
            for _ in range(count):
                length = int.from_bytes(extradata[at : at + 2], "big")
                nals.append(extradata[at + 2 : at + 2 + length])
                at += 2 + length
    else:
        # A NAL unit starts and (its stop bit) ends with a non-zero byte: strip the zeros of
        # the 3- or 4-byte start codes around it.
        nals = [n.strip(b"\x00") for n in extradata.split(b"\x00\x00\x01")]
    sps = tuple(n for n in nals if n and n[0] & 0x1F == 7)
    pps = tuple(n for n in nals if n and n[0] & 0x1F == 8)
    return sps, pps


def _skip_scaling_list(bits: _Bits, size: int) -> None:
    last, nxt = 8, 8
    for _ in range(size):
        if nxt:
            nxt = (last + bits.se() + 256) % 256
        last = nxt or last


@dataclass(frozen=True, slots=True)
class Vui:
    """The VUI fields x264 writes from its settings; None where the SPS leaves them out."""

    sar: tuple[int, int] | None = None
    video_format: int | None = None
    full_range: bool | None = None
    colour: tuple[int, int, int] | None = None  # primaries, transfer, matrix (H.264 codes)
    chroma_loc: int | None = None
    time_base: Fraction | None = None
    overscan: bool = False  # overscan info present (x264 leaves it out unless asked)
    hrd: bool = False  # NAL or VCL HRD parameters present (x264's --nal-hrd)
    pic_struct: bool = False
    num_reorder_frames: int | None = None  # from the bitstream restriction, if present


@dataclass(frozen=True, slots=True)
class Sps:
    """The SPS fields that tell which encoder settings wrote it."""

    profile_idc: int
    level_idc: int
    sps_id: int
    chroma_format_idc: int
    bit_depth: int
    scaling_matrix: bool
    num_ref_frames: int
    frame_mbs_only: bool
    vui: Vui | None


_SAR_TABLE = {1: (1, 1), 2: (12, 11), 3: (10, 11), 4: (16, 11), 5: (40, 33), 6: (24, 11),
              7: (20, 11), 8: (32, 11), 9: (80, 33), 10: (18, 11), 11: (15, 11), 12: (64, 33),
              13: (160, 99), 14: (4, 3), 15: (3, 2), 16: (2, 1)}  # fmt: skip


def _read_sps(bits: _Bits) -> tuple[Sps, bool]:
    """Walk the SPS up to the VUI: (the fields, whether a VUI follows)."""
    profile_idc = bits.u(8)
    bits.u(8)  # constraint flags: x264 derives them from the profile
    level_idc = bits.u(8)
    sps_id = bits.ue()
    chroma_format_idc, bit_depth, scaling = 1, 8, False
    if profile_idc in _HIGH_PROFILES:
        chroma_format_idc = bits.ue()
        if chroma_format_idc == 3:
            bits.u(1)
        bit_depth = 8 + bits.ue()
        bits.ue()  # chroma bit depth
        bits.u(1)
        if bits.u(1):  # seq_scaling_matrix_present_flag
            scaling = True
            for i in range(8 if chroma_format_idc != 3 else 12):
                if bits.u(1):
                    _skip_scaling_list(bits, 16 if i < 6 else 64)
    bits.ue()  # log2_max_frame_num_minus4: x264 derives it from refs and B-frames
    poc_type = bits.ue()
    if poc_type == 0:
        bits.ue()
    elif poc_type == 1:
        bits.u(1)
        bits.se()
        bits.se()
        for _ in range(bits.ue()):
            bits.se()
    num_ref_frames = bits.ue()
    bits.u(1)
    bits.ue()
    bits.ue()
    frame_mbs_only = bool(bits.u(1))
    if not frame_mbs_only:
        bits.u(1)
    bits.u(1)
    if bits.u(1):  # frame_cropping_flag
        for _ in range(4):
            bits.ue()
    sps = Sps(profile_idc, level_idc, sps_id, chroma_format_idc, bit_depth, scaling,
              num_ref_frames, frame_mbs_only, None)  # fmt: skip
    return sps, bool(bits.u(1))


def _skip_hrd(bits: _Bits) -> None:
    count = bits.ue() + 1
    bits.u(8)  # bit_rate_scale, cpb_size_scale
    for _ in range(count):
        bits.ue()
        bits.ue()
        bits.u(1)
    bits.u(20)  # four 5-bit delay lengths


def _read_vui(bits: _Bits) -> Vui:
    sar = None
    if bits.u(1):  # aspect_ratio_info_present
        idc = bits.u(8)
        sar = (bits.u(16), bits.u(16)) if idc == 255 else _SAR_TABLE.get(idc)
    overscan = bool(bits.u(1))
    if overscan:
        bits.u(1)
    video_format = full_range = colour = None
    if bits.u(1):  # video_signal_type_present
        video_format = bits.u(3)
        full_range = bool(bits.u(1))
        if bits.u(1):
            colour = (bits.u(8), bits.u(8), bits.u(8))
    chroma_loc = None
    if bits.u(1):  # chroma_loc_info_present
        chroma_loc = bits.ue()
        bits.ue()
    time_base = None
    if bits.u(1):  # timing_info_present_flag
        num_units_in_tick, time_scale = bits.u(32), bits.u(32)
        bits.u(1)  # fixed_frame_rate_flag
        if num_units_in_tick > 0 and time_scale > 0:
            # x264 writes num_units_in_tick = time base numerator, time_scale = 2 × den.
            time_base = Fraction(num_units_in_tick * 2, time_scale)
    nal_hrd = bool(bits.u(1))
    if nal_hrd:
        _skip_hrd(bits)
    vcl_hrd = bool(bits.u(1))
    if vcl_hrd:
        _skip_hrd(bits)
    if nal_hrd or vcl_hrd:
        bits.u(1)  # low_delay_hrd_flag
    pic_struct = bool(bits.u(1))
    reorder = None
    if bits.u(1):  # bitstream_restriction_flag
        bits.u(1)
        for _ in range(4):  # max bytes/pic, bits/MB, log2 max MV length h and v
            bits.ue()
        reorder = bits.ue()
    return Vui(sar, video_format, full_range, colour, chroma_loc, time_base, overscan,
               nal_hrd or vcl_hrd, pic_struct, reorder)  # fmt: skip


def parse_sps(sps_nal: bytes) -> Sps | None:
    """The fields of an SPS NAL unit, or None if it cannot be read."""
    bits = _Bits(_unescape(sps_nal[1:]))
    try:
        sps, has_vui = _read_sps(bits)
        if has_vui:
            sps = replace(sps, vui=_read_vui(bits))
    except (IndexError, ValueError):
        return None
    return sps


def parse_vui(sps_nal: bytes) -> Vui | None:
    """The VUI of an SPS NAL unit, or None if it has none or cannot be read."""
    sps = parse_sps(sps_nal)
    return sps.vui if sps else None


def vui_time_base(sps_nal: bytes) -> Fraction | None:
    """The encoder time base recorded in the SPS VUI timing info, or None if absent."""
    vui = parse_vui(sps_nal)
    return vui.time_base if vui else None
