"""Re-encode a few frames so they can sit between stream-copied frames of the same track.

An MP4 track carries one set of H.264 parameter sets (SPS/PPS in `avcC`). Frames we re-encode
at a cut are only valid next to copied frames if our encoder writes the same parameter sets.
x264 records its settings in an SEI message of the first frame; from it we rebuild the
options that decide the headers (CABAC, 8×8 transform, references, B-frames, weighted
prediction, chroma QP offset, rate-control kind, GOP length). The caller still compares the
resulting `avcC` byte for byte and falls back to a full re-encode when they differ."""

from __future__ import annotations

import re

from rep_video.media.cut.h264_pps import Pps
from rep_video.media.cut.h264_sps import Sps, Vui
from rep_video.media.x264 import x264_params

_SEI_MARK = b"x264 - core "
_OPTIONS_MARK = "options: "

# SEI name → x264 parameter name, for the options that shape SPS/PPS or the GOP structure.
_PASS_THROUGH = {
    "cabac": "cabac",
    "ref": "ref",
    "8x8dct": "8x8dct",
    "bframes": "bframes",
    "b_pyramid": "b-pyramid",
    "b_adapt": "b-adapt",
    "weightb": "weightb",
    "weightp": "weightp",
    "open_gop": "open-gop",
    "keyint": "keyint",
    "keyint_min": "min-keyint",
    "scenecut": "scenecut",
    "intra_refresh": "intra-refresh",
    "constrained_intra": "constrained-intra",
    "interlaced": "interlaced",
    "bluray_compat": "bluray-compat",
    "sliced_threads": "sliced-threads",
    "chroma_qp_offset": "chroma-qp-offset",
    "rc_lookahead": "rc-lookahead",
    "vbv_maxrate": "vbv-maxrate",
    "vbv_bufsize": "vbv-bufsize",
    "crf": "crf",
    "qp": "qp",
    "bitrate": "bitrate",
}
_DIRECT = {"0": "none", "1": "spatial", "2": "temporal", "3": "auto"}
# x264's names for the H.264 VUI codes (index = code), as its --colorprim etc. take them.
_VIDEO_FORMATS = ("component", "pal", "ntsc", "secam", "mac", "undef")
_PRIMARIES = ("", "bt709", "undef", "", "bt470m", "bt470bg", "smpte170m", "smpte240m", "film",
              "bt2020", "smpte428", "smpte431", "smpte432")  # fmt: skip
_TRANSFERS = ("", "bt709", "undef", "", "bt470m", "bt470bg", "smpte170m", "smpte240m", "linear",
              "log100", "log316", "iec61966-2-4", "bt1361e", "iec61966-2-1", "bt2020-10",
              "bt2020-12", "smpte2084", "smpte428", "arib-std-b67")  # fmt: skip
_MATRICES = ("GBR", "bt709", "undef", "", "fcc", "bt470bg", "smpte170m", "smpte240m", "YCgCo",
             "bt2020nc", "bt2020c", "smpte2085", "chroma-derived-nc", "chroma-derived-c",
             "ICtCp")  # fmt: skip


def _name(table: tuple[str, ...], code: int) -> str | None:
    return table[code] if 0 <= code < len(table) and table[code] else None


def vui_params(vui: Vui | None) -> dict[str, str]:
    """x264 options that write the same VUI (aspect ratio, colour, chroma siting) as the
    source's SPS; ffmpeg and PyAV otherwise fill these from the frames, which differ."""
    if vui is None:
        return {}
    params: dict[str, str] = {}
    if vui.sar is not None:
        params["sar"] = f"{vui.sar[0]}/{vui.sar[1]}"  # "/" because ":" separates options
    if vui.video_format is not None and (fmt := _name(_VIDEO_FORMATS, vui.video_format)):
        params["videoformat"] = fmt
    if vui.full_range is not None:
        params["range"] = "pc" if vui.full_range else "tv"
    if vui.colour is not None:
        for key, table, code in zip(("colorprim", "transfer", "colormatrix"),
                                    (_PRIMARIES, _TRANSFERS, _MATRICES), vui.colour,
                                    strict=True):  # fmt: skip
            if name := _name(table, code):
                params[key] = name
    if vui.chroma_loc is not None:
        params["chromaloc"] = str(vui.chroma_loc)
    return params


def sei_options(first_packet: bytes) -> dict[str, str] | None:
    """The `key=value` options x264 wrote into the stream, or None if it was not x264."""
    at = first_packet.find(_SEI_MARK)
    if at < 0:
        return None
    end = first_packet.find(b"\x00", at)
    text = first_packet[at : end if end > 0 else len(first_packet)].decode("latin-1")
    if _OPTIONS_MARK not in text:
        return None
    opts = text.split(_OPTIONS_MARK, 1)[1]
    return {m.group(1): m.group(2) for m in re.finditer(r"(\w+)=(\S+)", opts)}


def sei_params(options: dict[str, str], vui: Vui | None = None) -> str:
    """An `x264-params` value that reproduces the source's headers. psy is switched off so
    x264 keeps the chroma QP offset we pass (psy-rd would shift it again)."""
    params: dict[str, str] = {}
    for sei, name in _PASS_THROUGH.items():
        if sei in options:
            params[name] = options[sei]
    deblock = options.get("deblock", "1:0:0").split(":")
    if deblock[0] == "0":
        params["no-deblock"] = "1"
    elif len(deblock) == 3:
        params["deblock"] = f"{deblock[1]},{deblock[2]}"  # ":" separates -x264-params pairs
    if options.get("direct") in _DIRECT:
        params["direct"] = _DIRECT[options["direct"]]
    if options.get("cqm", "0") != "0":
        params["cqm"] = "jvt"
    params["psy"] = "0"
    rc = options.get("rc", "crf")
    if rc == "cqp":
        params.pop("crf", None)
    elif rc in ("abr", "cbr", "2pass"):
        params.pop("crf", None)
        params.pop("qp", None)
        params.setdefault("bitrate", options.get("bitrate", "2500"))
    else:
        params.pop("qp", None)
        params.pop("bitrate", None)
    params.update(vui_params(vui))
    return x264_params(params)


def header_params(sps: Sps, pps: Pps) -> list[str]:
    """Candidate `x264-params` values that make x264 write this SPS/PPS, for a stream whose
    settings SEI is gone (a copy trim drops the first GOP, which carried it) or was never
    there. Each header field maps back to the setting x264 derives it from; where two settings
    write the same field (weightp 1 or 2, how many B-frames) the first candidate is x264's
    default. Empty when no x264 setting writes these headers (interlaced, 4:2:2, 10-bit,
    custom matrices, HRD): the caller then re-encodes instead. Callers compare the result."""
    vui = sps.vui
    if (
        not sps.frame_mbs_only
        or sps.chroma_format_idc != 1
        or sps.bit_depth != 8
        or sps.scaling_matrix
        or pps.scaling_matrix
        or pps.field_pic_order
        or not pps.deblocking_control
        or pps.redundant_pic_cnt
        or pps.sps_id != sps.sps_id
        or (vui is not None and (vui.hrd or vui.pic_struct or vui.overscan))
    ):
        return []
    reorder = (vui.num_reorder_frames if vui else None) or 0
    params: dict[str, str] = {
        "cabac": str(int(pps.cabac)),
        "8x8dct": str(int(pps.transform_8x8)),
        "ref": str(pps.num_ref_idx_l0),
        # x264 writes one reorder frame for plain B-frames, two with a B-pyramid.
        "bframes": "0" if reorder == 0 else ("1" if reorder == 1 else "3"),
        "b-pyramid": "normal" if reorder >= 2 else "none",
        "weightb": str(int(pps.weighted_bipred_idc == 2)),
        "constrained-intra": str(int(pps.constrained_intra)),
        "chroma-qp-offset": str(pps.chroma_qp_offset),
        # x264's initial QP is its CRF (or 26 for a bit-rate target): same PPS either way.
        "crf": str(pps.pic_init_qp),
        "psy": "0",
        "sps-id": str(sps.sps_id),
    }
    params.update(vui_params(vui))
    weightp = ("2", "1") if pps.weighted_pred else ("0",)
    return [x264_params({**params, "weightp": w}) for w in weightp]
