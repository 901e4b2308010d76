"""Read the top-level boxes ("atoms") of an MP4/MOV file: the major brand, whether `moov`
comes before `mdat` (faststart: a phone can start playing before the whole file arrives),
whether the file is fragmented, and whether it ends inside a box (truncated)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_KNOWN_TOP = {
    b"ftyp",
    b"moov",
    b"mdat",
    b"free",
    b"skip",
    b"wide",
    b"uuid",
    b"moof",
    b"mfra",
    b"styp",
    b"sidx",
    b"pdin",
    b"meta",
    b"udta",
    b"prft",
    b"emsg",
}


@dataclass(frozen=True, slots=True)
class Mp4Layout:
    brand: str | None
    boxes: tuple[str, ...]
    faststart: bool
    fragmented: bool
    truncated: bool


def read_layout(path: Path) -> Mp4Layout | None:
    """The top-level box list, or None when the file is not ISO-BMFF (MKV, AVI, ...)."""
    size = path.stat().st_size
    boxes: list[str] = []
    brand: str | None = None
    truncated = False
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 8 or head[4:8] not in _KNOWN_TOP:
            return None
        offset = 0
        while offset + 8 <= size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                truncated = True
                break
            box_size, kind = struct.unpack(">I4s", header[:8])
            if box_size == 1:
                if len(header) < 16:
                    truncated = True
                    break
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:  # runs to the end of the file
                box_size = size - offset
            if box_size < 8:
                truncated = True
                break
            name = kind.decode("latin-1")
            boxes.append(name)
            if kind == b"ftyp" and brand is None:
                f.seek(offset + 8)
                brand = f.read(4).decode("latin-1")
            offset += box_size
        if offset > size:
            truncated = True
    moov = boxes.index("moov") if "moov" in boxes else None
    mdat = boxes.index("mdat") if "mdat" in boxes else None
    return Mp4Layout(
        brand=brand,
        boxes=tuple(boxes),
        faststart=moov is not None and (mdat is None or moov < mdat),
        fragmented="moof" in boxes,
        truncated=truncated or moov is None,
    )
