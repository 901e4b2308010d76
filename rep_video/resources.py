"""Locate the files in `resources/` (share-page template, CSS, icons, sample catalog) from a
source checkout, an installed wheel or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data here
    if frozen_root:
        return Path(frozen_root) / "resources"
    packaged = _PACKAGE_DIR / "_resources"  # a wheel maps resources/ here (pyproject.toml)
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
