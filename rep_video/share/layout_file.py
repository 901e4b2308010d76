"""A package's video as a layout (media/mp4/layout.py), kept beside it as layout.json while the
package waits for its upload: the server target composes the video from it (server_compose.py)
instead of receiving the whole file, also after a crash or a restart. Spans name the rep's
recording (an absolute path, only ever read) or a new piece inside the package (a path
relative to it, so the package may move)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from rep_video.fileutil import atomic_write_text
from rep_video.media.mp4.layout import Data, FileLayout, Part, Span

LAYOUT_NAME = "layout.json"
PIECES_DIR = ".pieces"  # the re-encoded GOPs and the intro card the layout reads


def save_layout(layout: FileLayout, folder: Path) -> None:
    """Write `layout` as folder/layout.json (temp + rename)."""
    folder = Path(folder)
    parts: list[dict[str, Any]] = []
    for part in layout.parts:
        if isinstance(part, Data):
            parts.append({"data": base64.b64encode(part.data).decode("ascii")})
            continue
        path = part.path
        where = str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)
        parts.append({"path": where, "offset": part.offset, "length": part.length})
    body = {"size": layout.size, "sha256": layout.known_sha256, "parts": parts}
    atomic_write_text(folder / LAYOUT_NAME, json.dumps(body))


def load_layout(folder: Path) -> FileLayout | None:
    """The package's layout; None when it has none, or when a file it reads is gone or shorter
    than it says (the recording deleted since: the video in the package is sent instead)."""
    folder = Path(folder)
    try:
        body = json.loads((folder / LAYOUT_NAME).read_text(encoding="utf-8"))
        parts: list[Part] = []
        for raw in body["parts"]:
            if "data" in raw:
                parts.append(Data(base64.b64decode(raw["data"])))
                continue
            span = Span(folder / raw["path"], int(raw["offset"]), int(raw["length"]))
            if span.path.stat().st_size < span.end:
                return None
            parts.append(span)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    known = body.get("sha256")
    layout = FileLayout(tuple(parts), known if isinstance(known, str) else None)
    return layout if layout.size == body.get("size") else None
