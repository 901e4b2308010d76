#!/usr/bin/env python3
"""Render the app icon (`resources/icons/app.svg`) to PNGs at the freedesktop standard sizes.

    python packaging/icons.py OUT_DIR

writes `OUT_DIR/hicolor/<n>x<n>/apps/rep-video.png` for each size and
`OUT_DIR/hicolor/scalable/apps/rep-video.svg`: the layout of an icon theme, so the Linux
tarball's install step copies the tree as is into `~/.local/share/icons` or
`/usr/share/icons`; plus `OUT_DIR/rep-video.ico` (16–256 px) for Windows. macOS gets the
512 px PNG, which PyInstaller converts to .icns. Rendered by Qt's SVG renderer, offscreen.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "app.svg"
ICON_NAME = "rep-video"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(out_dir: Path, source: Path = SOURCE) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"icons.py: {source} is not a valid SVG")
    written: list[Path] = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        dst = out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".tmp.png")
        if not image.save(str(tmp)):  # the format follows the .png suffix
            raise SystemExit(f"icons.py: could not write {dst}")
        tmp.replace(dst)
        written.append(dst)
    written.append(_write_ico(out_dir, written))
    scalable = out_dir / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    written.append(scalable)
    return written


def _write_ico(out_dir: Path, pngs: list[Path]) -> Path:
    """A multi-size .ico for the Windows executables and installer (Pillow reads our PNGs)."""
    from PIL import Image

    dst = out_dir / f"{ICON_NAME}.ico"
    largest = Image.open(max(pngs, key=lambda p: int(p.parent.parent.name.split("x")[0])))
    sizes = [(s, s) for s in SIZES if s <= 256]
    largest.save(dst, format="ICO", sizes=sizes)
    return dst


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for path in render(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
