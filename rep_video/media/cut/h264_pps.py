"""Just enough of an H.264 PPS parser to rebuild the encoder settings that wrote it: entropy
coder, reference counts, weighted prediction, the initial QP, chroma QP offset, constrained
intra prediction and the 8×8 transform."""

from __future__ import annotations

from dataclasses import dataclass

from rep_video.media.cut.h264_sps import _Bits, _skip_scaling_list, _unescape


@dataclass(frozen=True, slots=True)
class Pps:
    pps_id: int
    sps_id: int
    cabac: bool
    field_pic_order: bool
    slice_groups: int
    num_ref_idx_l0: int
    num_ref_idx_l1: int
    weighted_pred: bool
    weighted_bipred_idc: int
    pic_init_qp: int
    pic_init_qs: int
    chroma_qp_offset: int
    deblocking_control: bool
    constrained_intra: bool
    redundant_pic_cnt: bool
    transform_8x8: bool = False
    scaling_matrix: bool = False
    second_chroma_qp_offset: int | None = None


def _more_rbsp_data(bits: _Bits) -> bool:
    """True while payload bits remain before the rbsp_stop_one_bit (the last 1 bit)."""
    data = bits.data.rstrip(b"\x00")
    if not data:
        return False
    last = data[-1]
    stop = (len(data) - 1) * 8 + (7 - ((last & -last).bit_length() - 1))
    return bits.pos < stop


def parse_pps(pps_nal: bytes) -> Pps | None:
    """The fields of a PPS NAL unit, or None if it cannot be read (or uses slice groups,
    which only the Baseline-family extended tools write and x264 never does)."""
    bits = _Bits(_unescape(pps_nal[1:]))
    try:
        pps_id, sps_id = bits.ue(), bits.ue()
        cabac, field_order = bool(bits.u(1)), bool(bits.u(1))
        slice_groups = bits.ue()
        if slice_groups:
            return None
        l0, l1 = bits.ue() + 1, bits.ue() + 1
        weighted_pred, bipred = bool(bits.u(1)), bits.u(2)
        qp, qs = 26 + bits.se(), 26 + bits.se()
        chroma = bits.se()
        deblock, constrained, redundant = bool(bits.u(1)), bool(bits.u(1)), bool(bits.u(1))
        pps = Pps(pps_id, sps_id, cabac, field_order, slice_groups, l0, l1, weighted_pred,
                  bipred, qp, qs, chroma, deblock, constrained, redundant)  # fmt: skip
        if not _more_rbsp_data(bits):
            return pps
        transform_8x8 = bool(bits.u(1))
        scaling = bool(bits.u(1))
        if scaling:
            for i in range(6 + 2 * transform_8x8):  # 4:2:0 only (x264's yuv420p)
                if bits.u(1):
                    _skip_scaling_list(bits, 16 if i < 6 else 64)
        second = bits.se()
    except (IndexError, ValueError):
        return None
    return Pps(pps_id, sps_id, cabac, field_order, slice_groups, l0, l1, weighted_pred, bipred,
               qp, qs, chroma, deblock, constrained, redundant, transform_8x8, scaling,
               second)  # fmt: skip
