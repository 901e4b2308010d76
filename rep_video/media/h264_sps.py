"""Just enough of an H.264 SPS parser to read the VUI timing (time base) of a stream from its
MP4 `avcC`: x264 writes num_units_in_tick = time base numerator and time_scale = 2 × its
denominator, and a re-encode must use the same time base to write the same SPS."""

from __future__ import annotations

from dataclasses import dataclass
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


_SAR_TABLE = {1: (1, 1), 2: (12, 11), 3: (10, 11), 4: (16, 11), 5: (40, 33), 6: (24, 11),
              7: (20, 11), 8: (32, 11), 9: (80, 33), 10: (18, 11), 11: (15, 11), 12: (64, 33),
              13: (160, 99), 14: (4, 3), 15: (3, 2), 16: (2, 1)}  # fmt: skip


def _skip_to_vui(bits: _Bits) -> bool:
    """Walk the SPS up to the VUI; False when it has none."""
    profile_idc = bits.u(8)
    bits.u(16)  # constraint flags, level_idc
    bits.ue()  # seq_parameter_set_id
    if profile_idc in _HIGH_PROFILES:
        chroma_format_idc = bits.ue()
        if chroma_format_idc == 3:
            bits.u(1)
        bits.ue()
        bits.ue()
        bits.u(1)
        if bits.u(1):  # seq_scaling_matrix_present_flag
            for i in range(8 if chroma_format_idc != 3 else 12):
                if bits.u(1):
                    _skip_scaling_list(bits, 16 if i < 6 else 64)
    bits.ue()  # log2_max_frame_num_minus4
    poc_type = bits.ue()
    if poc_type == 0:
        bits.ue()
    elif poc_type == 1:
        bits.u(1)
        bits.se()
        bits.se()
        for _ in range(bits.ue()):
            bits.se()
    bits.ue()  # max_num_ref_frames
    bits.u(1)
    bits.ue()
    bits.ue()
    if not bits.u(1):  # frame_mbs_only_flag
        bits.u(1)
    bits.u(1)
    if bits.u(1):  # frame_cropping_flag
        for _ in range(4):
            bits.ue()
    return bool(bits.u(1))


def parse_vui(sps_nal: bytes) -> Vui | None:
    """The VUI of an SPS NAL unit, or None if it has none or cannot be read."""
    bits = _Bits(_unescape(sps_nal[1:]))
    try:
        if not _skip_to_vui(bits):
            return None
        sar = None
        if bits.u(1):  # aspect_ratio_info_present
            idc = bits.u(8)
            sar = (bits.u(16), bits.u(16)) if idc == 255 else _SAR_TABLE.get(idc)
        if bits.u(1):  # overscan_info_present
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
            if num_units_in_tick > 0 and time_scale > 0:
                # x264 writes num_units_in_tick = time base numerator, time_scale = 2 × den.
                time_base = Fraction(num_units_in_tick * 2, time_scale)
    except (IndexError, ValueError):
        return None
    return Vui(sar, video_format, full_range, colour, chroma_loc, time_base)


def vui_time_base(sps_nal: bytes) -> Fraction | None:
    """The encoder time base recorded in the SPS VUI timing info, or None if absent."""
    vui = parse_vui(sps_nal)
    return vui.time_base if vui else None
