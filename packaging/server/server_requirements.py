#!/usr/bin/env python3
"""Print the share server's requirements, one per line, for `pip install -r`.

    python3 packaging/server/server_requirements.py pyproject.toml > server-requirements.txt

They are the project's runtime dependencies minus those only the desktop app uses (Qt,
OpenCV, moviepy, ffmpeg, the upload client), plus the PostgreSQL driver for scaled-out
servers. Read from pyproject.toml, so a dependency added there reaches the container image and
the systemd install without editing packaging. Standard library only (runs before any install).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

DESKTOP_ONLY = frozenset(
    {
        "pyside6-essentials",
        "pyside6-addons",
        "opencv-python-headless",
        "moviepy",
        "imageio-ffmpeg",
        "tuspy",
        "segno",
    }
)


def server_requirements(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = [*project["dependencies"], *project.get("optional-dependencies", {}).get("postgres", [])]
    keep = []
    for req in reqs:
        name = re.split(r"[<>=!~\[;\s]", req, maxsplit=1)[0].lower().replace("_", "-")
        if name not in DESKTOP_ONLY:
            keep.append(req)
    return keep


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml")
    print("\n".join(server_requirements(path)))
