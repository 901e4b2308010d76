"""THIRD_PARTY_NOTICES.txt (packaging/licenses.py): every shipped distribution with its licence
text, the GPL/LGPL native parts named, nothing from the test tools."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.packaging.support import PACKAGING, ROOT, load_script


@pytest.fixture(scope="module")
def notices(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("notices") / "THIRD_PARTY_NOTICES.txt"
    subprocess.run(
        [sys.executable, str(PACKAGING / "licenses.py"), "--output", str(out)],
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    # Written through a temp file that is renamed into place.
    assert not list(out.parent.glob("*.tmp"))
    return out.read_text(encoding="utf-8")


def _summary(text: str) -> list[str]:
    head = text.split("Summary", 1)[1]
    return [ln for ln in head.split("\n\n", 1)[0].splitlines() if " — " in ln]


def test_lists_the_key_shipped_packages_with_versions(notices: str) -> None:
    names = {re.split(r" ", ln, maxsplit=1)[0].lower() for ln in _summary(notices)}
    for wanted in (
        "pyside6_essentials",
        "pyside6_addons",
        "shiboken6",
        "av",
        "opencv-python-headless",
        "numpy",
        "moviepy",
        "fastapi",
        "uvicorn",
        "jinja2",
        "keyring",
        "sqlalchemy",
        "boto3",
    ):
        assert wanted in names, wanted
    assert re.search(r"^av \d+\.\d+.* — BSD", notices, re.M)
    # moviepy requires imageio-ffmpeg, but its ffmpeg executable is not in the build
    assert "imageio-ffmpeg" not in names


def test_leaves_out_test_and_build_tools(notices: str) -> None:
    names = {re.split(r" ", ln, maxsplit=1)[0].lower() for ln in _summary(notices)}
    for unwanted in ("pytest", "hypothesis", "playwright", "moto", "mypy", "ruff", "pyinstaller"):
        assert unwanted not in names, unwanted
    assert "rep-video" not in names  # the app itself is not third-party


def test_carries_licence_texts_and_the_gpl_ffmpeg_facts(notices: str) -> None:
    # Licence files of the distributions, not only their names.
    assert "--- opencv_python_headless" in notices or "LICENSE-3RD-PARTY" in notices
    assert "Apache License" in notices
    # PyAV's FFmpeg: with x264 (GPL), and the configuration line of the real libraries.
    assert "configuration: " in notices and "--enable-libx264" in notices
    assert re.search(r"libx264[-\w.]*\.so", notices), "PyAV's bundled libx264 is not named"
    # Full texts of the GNU licences the native parts are under.
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007" in notices
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991" in notices
    assert "GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3" in notices
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in notices


@pytest.mark.parametrize(
    ("flags", "licence"),
    [
        ("--enable-gpl --enable-version3 --enable-libx264", "GPL-3.0-or-later"),
        ("--enable-gpl --enable-libx264", "GPL-2.0-or-later"),
        ("--enable-version3 --disable-doc", "LGPL-3.0-or-later"),
        ("--disable-doc", "LGPL-2.1-or-later"),
    ],
)
def test_ffmpeg_licence_follows_the_configure_flags(flags: str, licence: str) -> None:
    licenses = load_script("licenses.py")
    assert licenses.ffmpeg_licence(f"configuration: {flags}") == licence
    assert licenses.gpl_encoders(flags) == (["libx264"] if "x264" in flags else [])
