"""What Qt asks of ICU, asked directly: run `ICU_CHECK` in a fresh Python with a folder holding
`libicuuc`, `libicui18n` and `libicudata` (whose `$ORIGIN` run path finds the data beside
them). Qt 6 calls ICU for collation, locale-aware case mapping, time-zone display names and
codecs (the `_73` imports of libQt6Core); the script prints one JSON object of the answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ICU_CHECK = r"""
import ctypes, glob, json, os, sys
folder = sys.argv[1]
uc_path = glob.glob(os.path.join(folder, "libicuuc.so.*"))[0]
v = uc_path.rsplit(".", 1)[1]
uc = ctypes.CDLL(uc_path)
i18n = ctypes.CDLL(os.path.join(folder, f"libicui18n.so.{v}"))
def fn(lib, name, res, *args):
    f = getattr(lib, f"{name}_{v}")
    f.restype, f.argtypes = res, list(args)
    return f
P, I = ctypes.c_void_p, ctypes.c_int
ucol_open = fn(i18n, "ucol_open", P, ctypes.c_char_p, ctypes.POINTER(I))
# UChar is UTF-16: pass strings as UTF-16 buffers.
def u16(s):
    b = s.encode("utf-16-le")
    return ctypes.create_string_buffer(b, len(b) + 2), len(b) // 2
ucol_strcoll = fn(i18n, "ucol_strcoll", I, P, P, I, P, I)
def order(loc, a, b):
    err = I(0)
    coll = ucol_open(loc.encode(), ctypes.byref(err))
    (ab, an), (bb, bn) = u16(a), u16(b)
    return err.value, ucol_strcoll(coll, ab, an, bb, bn)
def tz_name(loc):
    ucal_open = fn(i18n, "ucal_open", P, P, I, ctypes.c_char_p, I, ctypes.POINTER(I))
    name = fn(i18n, "ucal_getTimeZoneDisplayName", I, P, I, ctypes.c_char_p, P, I,
              ctypes.POINTER(I))
    err = I(0)
    zone, n = u16("Europe/Berlin")
    cal = ucal_open(zone, n, loc.encode(), 0, ctypes.byref(err))
    out = ctypes.create_string_buffer(256)
    length = name(cal, 0, loc.encode(), out, 128, ctypes.byref(err))  # UCAL_STANDARD
    return err.value, out.raw[: 2 * max(length, 0)].decode("utf-16-le")
def upper(loc, s):
    f = fn(uc, "u_strToUpper", I, P, I, P, I, ctypes.c_char_p, ctypes.POINTER(I))
    err = I(0)
    src, n = u16(s)
    out = ctypes.create_string_buffer(64)
    length = f(out, 32, src, n, loc.encode(), ctypes.byref(err))
    return out.raw[: 2 * length].decode("utf-16-le")
def codec(name):
    err = I(0)
    fn(uc, "ucnv_open", P, ctypes.c_char_p, ctypes.POINTER(I))(name.encode(), ctypes.byref(err))
    return err.value  # 0: opened; > 0: an error (4: its data is not there)
print(json.dumps({
    "de_a_umlaut_before_b": order("de", "\u00e4", "b"),  # German: ä sorts with a, before b
    "sv_a_umlaut_after_z": order("sv", "\u00e4", "z"),  # Swedish: after z (tailored)
    "ja_hiragana_order": order("ja", "\u3042", "\u3044"),
    "tz_de": tz_name("de"), "tz_ja": tz_name("ja"), "tz_pl": tz_name("pl"),
    "upper_de": upper("de", "stra\u00dfe"), "upper_tr": upper("tr", "i"),
    "utf8": codec("UTF-8"), "latin1": codec("ISO-8859-1"), "shift_jis": codec("Shift_JIS"),
}))
"""


def icu_answers(folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", ICU_CHECK, str(folder)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers: dict[str, Any] = json.loads(done.stdout)
    return answers


def assert_app_languages_work(answers: dict[str, Any]) -> None:
    """The app's languages collate, name time zones and map case with the trimmed data."""
    assert answers["de_a_umlaut_before_b"][0] <= 0 and answers["de_a_umlaut_before_b"][1] == -1
    assert answers["ja_hiragana_order"] == [0, -1]
    assert answers["tz_de"] == [0, "Mitteleuropäische Normalzeit"]
    assert answers["tz_ja"] == [0, "中央ヨーロッパ標準時"]
    assert answers["upper_de"] == "STRASSE" and answers["upper_tr"] == "İ"
    assert answers["utf8"] == 0 and answers["latin1"] == 0
