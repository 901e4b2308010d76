"""Just enough of an H.264 SPS parser to read the VUI timing (time base) of a stream from its
MP4 `avcC`: x264 writes num_units_in_tick = time base numerator and time_scale = 2 × its
denominator, and a re-encode must use the same time base to write the same SPS."""

from __future__ import annotations

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


def vui_time_base(sps_nal: bytes) -> Fraction | None:
    """The encoder time base recorded in the SPS VUI timing info, or None if absent."""
    try:
        bits = _Bits(_unescape(sps_nal[1:]))
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
        if not bits.u(1):  # vui_parameters_present_flag
            return None
        if bits.u(1) and bits.u(8) == 255:  # aspect_ratio_info
            bits.u(32)
        if bits.u(1):  # overscan_info_present
            bits.u(1)
        if bits.u(1):  # video_signal_type_present
            bits.u(4)
            if bits.u(1):
                bits.u(24)
        if bits.u(1):  # chroma_loc_info_present
            bits.ue()
            bits.ue()
        if not bits.u(1):  # timing_info_present_flag
            return None
        num_units_in_tick = bits.u(32)
        time_scale = bits.u(32)
    except (IndexError, ValueError):
        return None
    if num_units_in_tick <= 0 or time_scale <= 0:
        return None
    return Fraction(num_units_in_tick * 2, time_scale)
