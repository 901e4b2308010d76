"""The Linux menu entry and icons: a valid .desktop file (desktop-file-validate when installed,
and our own checks always), icons rendered at the standard sizes from the app's SVG."""

from __future__ import annotations

import configparser
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.support import PACKAGING, ROOT

DESKTOP = PACKAGING / "linux" / "rep-video.desktop"
REGISTERED_MAIN_CATEGORIES = {
    "AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
    "Network", "Office", "Science", "Settings", "System", "Utility",
}  # fmt: skip


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return parser["Desktop Entry"]


def test_desktop_entry_has_what_menus_need() -> None:
    entry = _entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "RepVideo"
    assert entry["Exec"].split()[0] == "rep-video"
    assert entry["Icon"] == "rep-video"  # the icon theme name install.sh puts in place
    assert entry["Terminal"] == "false"
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert REGISTERED_MAIN_CATEGORIES & set(categories.rstrip(";").split(";"))
    assert entry["Keywords"].endswith(";")


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed"
)
def test_desktop_file_validate_accepts_it() -> None:
    out = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_icons_rendered_at_standard_sizes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(PACKAGING / "icons.py"), str(tmp_path)],
        check=True,
        cwd=ROOT,
        timeout=120,
        capture_output=True,
    )
    from PIL import Image

    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "rep-video.png"
        with Image.open(png) as im:
            assert im.size == (size, size)
            assert im.mode == "RGBA"
            # Drawn, not blank: the corner is transparent and the middle is opaque.
            assert im.getpixel((0, 0))[3] == 0
            assert im.getpixel((size // 2, size // 2))[3] == 255
    svg = tmp_path / "hicolor" / "scalable" / "apps" / "rep-video.svg"
    assert svg.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    with Image.open(tmp_path / "rep-video.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]


def test_install_script_is_valid_posix_sh() -> None:
    script = PACKAGING / "linux" / "install.sh"
    out = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert script.stat().st_mode & 0o111, "install.sh must be executable"


def test_app_names_its_desktop_file() -> None:
    # Wayland compositors and GNOME match a window to its launcher (icon, name, pinning) by
    # the app id Qt takes from desktopFileName: it must be the .desktop file's base name.
    code = "from ui.main import make_app; print(make_app().desktopFileName())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == DESKTOP.stem


def _unpacked(folder: Path) -> Path:
    """What the tarball unpacks to, as far as install.sh reads it (the app itself a stub)."""
    app = folder / "rep-video"
    (app / "share" / "applications").mkdir(parents=True)
    shutil.copy(PACKAGING / "linux" / "install.sh", app / "install.sh")
    shutil.copy(DESKTOP, app / "share" / "applications" / "rep-video.desktop")
    (app / "rep-video").write_text("#!/bin/sh\necho rep-video stub\n")
    (app / "rep-video").chmod(0o755)
    for size in ["16", "22", "24", "32", "48", "64", "128", "256", "512"]:
        icons = app / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icons.mkdir(parents=True)
        (icons / "rep-video.png").write_bytes(b"png")
    scalable = app / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    (scalable / "rep-video.svg").write_text("<svg/>")
    return app


def test_install_script_installs_under_a_prefix_unattended_and_uninstalls(tmp_path: Path) -> None:
    app = _unpacked(tmp_path / "unpacked")
    prefix = tmp_path / "usr-local"
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    run = functools.partial(
        subprocess.run,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    done = run(["sh", str(app / "install.sh"), "--prefix", str(prefix)])
    assert done.returncode == 0, done.stderr
    launcher = prefix / "bin" / "rep-video"
    assert launcher.resolve() == (prefix / "lib" / "rep-video" / "rep-video").resolve()
    assert run([str(launcher)]).stdout == "rep-video stub\n"
    entry = (prefix / "share" / "applications" / "rep-video.desktop").read_text()
    assert f'Exec="{prefix}/lib/rep-video/rep-video"' in entry
    assert (prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "rep-video.png").exists()
    assert not (tmp_path / "home").exists()  # nothing in the user's home
    gone = run(["sh", str(app / "install.sh"), f"--prefix={prefix}", "--uninstall"])
    assert gone.returncode == 0, gone.stderr
    assert not launcher.exists() and not (prefix / "lib" / "rep-video").exists()
    assert not (prefix / "share" / "applications" / "rep-video.desktop").exists()
    wrong = run(["sh", str(app / "install.sh"), "--prefix"])
    assert wrong.returncode == 2 and "--prefix needs a folder" in wrong.stderr
