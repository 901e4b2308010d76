"""The two size rules of the Linux build that rewrite libraries rather than leave files out:
Qt's ICU data trimmed to the app's languages (packaging/icu_data.py) and OpenCV's FFmpeg
linked to PyAV's (packaging/shared_libs.py). Checked without building, on the installed
wheels' own libraries."""

from __future__ import annotations

import glob
import os
import shutil
import struct
from pathlib import Path

import pytest

from tests.packaging.icu_support import assert_app_languages_work, icu_answers
from tests.packaging.support import load_script

icu = load_script("icu_data.py")
shared = load_script("shared_libs.py")
rules = load_script("freeze_rules.py")

LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "ja"})


def _qt_icu() -> Path:
    import PySide6

    found = glob.glob(os.path.join(os.path.dirname(PySide6.__file__), "Qt/lib/libicudata.so.*"))
    if not found or not shutil.which("ld"):
        pytest.skip("no Qt ICU data library (PySide6's Linux wheel) or no binutils here")
    return Path(found[0])


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("icudt73l/coll/de.res", True),
        ("icudt73l/coll/de__PHONEBOOK.res", True),
        ("icudt73l/coll/ja.res", True),
        ("icudt73l/coll/root.res", True),
        ("icudt73l/coll/ucadata.icu", True),  # the collation base every locale uses
        ("icudt73l/coll/zh.res", False),
        ("icudt73l/coll/zh__PINYIN.res", False),
        ("icudt73l/en_GB.res", True),
        ("icudt73l/yue.res", False),
        ("icudt73l/zone/pl.res", False),
        ("icudt73l/res_index.res", True),
        ("icudt73l/pool.res", True),
        ("icudt73l/zoneinfo64.res", True),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/cnvalias.icu", True),
        ("icudt73l/ibm-943_P15A-2003.cnv", False),  # Shift_JIS, a legacy codec
        ("icudt73l/brkitr/cjdict.dict", False),
        ("icudt73l/brkitr/word.brk", True),
        ("icudt73l/translit/root.res", False),
        ("icudt73l/rbnf/de.res", False),
    ],
)
def test_which_icu_items_stay(name: str, kept: bool) -> None:
    assert icu.item_needed(name, LANGUAGES) is kept


def test_keeping_every_item_rebuilds_the_package_byte_for_byte() -> None:
    symbol, package = icu._elf_data_symbol(_qt_icu())
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    assert icu.trim_package(package, lambda _name: True) == package
    with pytest.raises(ValueError):
        icu.trim_package(b"\x00" * 64, lambda _name: True)


def test_the_trimmed_library_answers_what_qt_asks_in_the_apps_languages(tmp_path: Path) -> None:
    src = _qt_icu()
    out = tmp_path / "lib" / src.name
    kept, before = icu.trim_library(src, out, LANGUAGES)
    assert 500 < kept < before / 2
    assert out.stat().st_size < src.stat().st_size / 4
    assert rules.loads_aligned(out)
    assert icu._elf_data_symbol(out)[0] == icu._elf_data_symbol(src)[0]
    for sibling in ("libicuuc", "libicui18n"):
        shutil.copy2(next(src.parent.glob(f"{sibling}.so.*")), out.parent)
    answers = icu_answers(out.parent)
    assert_app_languages_work(answers)
    # What went: another language's tailoring and zone names fall back to root; legacy codecs.
    assert answers["sv_a_umlaut_after_z"][1] == -1
    assert answers["tz_pl"] == [0, "Central European Standard Time"]
    assert answers["shift_jis"] == 4  # U_FILE_ACCESS_ERROR


def test_a_library_that_is_not_icu_data_ships_whole(tmp_path: Path) -> None:
    not_icu = tmp_path / "libicudata.so.73"
    not_icu.write_bytes(b"\x7fELF" + b"\x02\x01" + bytes(100))
    toc = [("PySide6/Qt/lib/libicudata.so.73", str(not_icu), "BINARY")]
    out, said = icu.trim_in_toc(toc, tmp_path / "out", LANGUAGES)
    assert out == toc and "ships whole" in said


def test_needed_names_are_the_direct_ones() -> None:
    names = shared.needed_names(str(_qt_icu().parent / "libicuuc.so.73"))
    assert "libicudata.so.73" in names and "libicui18n.so.73" not in names
    assert shared.needed_names(__file__) == []


A = "opencv_python_headless.libs"
B = "av.libs"
NEEDED = {
    "cv2/cv2.abi3.so": ["libavcodec-11111111.so.62.28.102", "libpng-33333333.so.16"],
    f"{A}/libavcodec-11111111.so.62.28.102": ["libvpx-22222222.so.11", "libdrm-44444444.so.2"],
    f"{A}/libvpx-22222222.so.11": [],
    f"{A}/libpng-33333333.so.16": [],
    f"{A}/libdrm-44444444.so.2": [],
    f"{A}/libavformat-55555555.so.62.12.102": ["libavcodec-11111111.so.62.28.102"],
    f"{B}/libavcodec-aaaaaaaa.so.62.28.102": ["libx264-bbbbbbbb.so.165", "libdrm-44444444.so.2"],
    f"{B}/libx264-bbbbbbbb.so.165": [],
    f"{B}/libdrm-44444444.so.2": [],
    f"{B}/libavformat-cccccccc.so.62.13.100": ["libavcodec-aaaaaaaa.so.62.28.102"],
    "av/_core.so": ["libavcodec-aaaaaaaa.so.62.28.102", "libavformat-cccccccc.so.62.13.100"],
}


def test_opencvs_ffmpeg_becomes_links_to_pyavs_of_the_same_version() -> None:
    toc = [(dest, "/src/" + dest, "BINARY") for dest in NEEDED]
    out, gone = shared.share_libraries(toc, needed_of=lambda src: NEEDED[src[len("/src/") :]])
    links = {dest: target for dest, target, kind in out if kind == "SYMLINK"}
    assert links == {
        f"{A}/libavcodec-11111111.so.62.28.102": f"../{B}/libavcodec-aaaaaaaa.so.62.28.102",
        # what PyAV's libavcodec needs, found through $ORIGIN = the link's folder
        f"{A}/libavcodec-aaaaaaaa.so.62.28.102": f"../{B}/libavcodec-aaaaaaaa.so.62.28.102",
        f"{A}/libx264-bbbbbbbb.so.165": f"../{B}/libx264-bbbbbbbb.so.165",
    }
    files = {dest for dest, _, kind in out if kind != "SYMLINK"}
    # Only OpenCV's libavcodec needed its libvpx; nothing needs its libavformat any more (and
    # PyAV's is another version, so no link); its libdrm is still what PyAV's libavcodec finds.
    assert gone == sorted(
        [f"{A}/libavcodec-11111111.so.62.28.102", f"{A}/libavformat-55555555.so.62.12.102",
         f"{A}/libvpx-22222222.so.11"]
    )  # fmt: skip
    assert {f"{A}/libpng-33333333.so.16", f"{A}/libdrm-44444444.so.2", "cv2/cv2.abi3.so"} <= files
    assert all(dest in files for dest in NEEDED if dest.startswith(B))


def test_nothing_changes_without_a_same_version_pair() -> None:
    toc = [(d, "/src/" + d, "BINARY") for d in NEEDED if not d.startswith(f"{B}/libavcodec")]
    out, gone = shared.share_libraries(toc, needed_of=lambda src: NEEDED[src[len("/src/") :]])
    assert (out, gone) == (toc, [])


def test_icu_package_header_is_checked() -> None:
    bad = bytearray(struct.pack("<HBB", 32, 0xDA, 0x27) + bytes(60))
    bad[12:16] = b"ToCP"
    with pytest.raises(ValueError):
        icu.trim_package(bytes(bad), lambda _name: True)
