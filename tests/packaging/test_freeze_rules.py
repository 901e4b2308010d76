"""The rules the PyInstaller spec applies (packaging/freeze_rules.py), checked without building:
what is collected, what is kept out, and that today's sources stay within the Qt modules the
build ships (so a screen importing QtWebEngine fails here, not in a rep's hands)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.packaging.support import ROOT, load_script

rules = load_script("freeze_rules.py")


def test_todays_sources_use_only_the_shipped_qt_modules() -> None:
    used = rules.qt_modules_used([ROOT / "ui", ROOT / "rep_video"])
    assert "QtWidgets" in used  # the scan sees the UI's imports at all
    rules.check_qt_modules([ROOT / "ui", ROOT / "rep_video"])  # raises SystemExit otherwise


def test_a_heavy_qt_import_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "screen.py").write_text(
        "from PySide6.QtWidgets import QWidget\n"
        "from PySide6 import (QtCore,\n    QtWebEngineWidgets)\n"
    )
    assert rules.qt_modules_used([tmp_path]) == {"QtWidgets", "QtCore", "QtWebEngineWidgets"}
    with pytest.raises(SystemExit, match="QtWebEngineWidgets"):
        rules.check_qt_modules([tmp_path])


def test_excluded_qt_modules_are_all_the_others() -> None:
    excluded = {m.split(".", 1)[1] for m in rules.qt_excludes()}
    assert "QtWebEngineCore" in excluded and "Qt3DCore" in excluded and "QtQml" in excluded
    assert not excluded & rules.QT_KEEP
    assert excluded | rules.QT_KEEP >= rules.pyside6_modules()


def test_own_packages_are_collected_from_their_files(tmp_path: Path) -> None:
    pkg = tmp_path / "rep_video"
    (pkg / "cli").mkdir(parents=True)
    for f in ("__init__.py", "cli/__init__.py", "cli/new_cmd.py", "cli/broken.py"):
        (pkg / f).write_text("")
    (pkg / "cli" / "broken.py").write_text("import not_installed_anywhere\n")
    assert rules.package_modules(pkg) == [
        "rep_video",
        "rep_video.cli",
        "rep_video.cli.broken",
        "rep_video.cli.new_cmd",
    ]
    real = rules.package_modules(ROOT / "rep_video")
    assert "rep_video.cli.send_cmd" in real and "rep_video.server.app" in real


def test_runtime_dependencies_become_hidden_imports() -> None:
    modules = set(rules.runtime_top_level_modules())
    assert {"av", "cv2", "uvicorn", "fastapi", "jinja2", "keyring"} <= modules
    assert "imageio_ffmpeg" not in modules and "imageio_ffmpeg" in rules.EXCLUDED_MODULES
    assert not {"PySide6", "pytest", "hypothesis", "playwright"} & modules


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("botocore/tests/x.py", True),
        ("moviepy.video.tests.helpers", True),
        ("numpy/testing/_private/utils.py", False),  # numpy imports it at run time
        ("rep_video/share/test_page.py", False),
        ("resources/share/page.html.j2", False),
        ("jinja2/tests.py", False),  # a module named tests, not a test suite
    ],
)
def test_test_payloads(dest: str, dropped: bool) -> None:
    assert rules.is_test_payload(dest) is dropped


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("botocore/data/ec2/2016-11-15/service-2.json.gz", True),
        ("botocore/data/dynamodb/2012-08-10/paginators-1.json", True),
        ("boto3/data/ec2/2016-11-15/resources-1.json", True),
        ("botocore/data/s3/2006-03-01/service-2.json.gz", False),
        ("botocore\\data\\s3\\2006-03-01\\service-2.json.gz", False),  # Windows separators
        ("botocore\\data\\ec2\\2016-11-15\\service-2.json.gz", True),
        ("botocore/data/sts/2011-06-15/service-2.json.gz", False),
        ("botocore/data/sso-oidc/2019-06-10/service-2.json.gz", False),
        ("botocore/data/endpoints.json", False),  # read for every client
        ("botocore/data/_retry.json", False),
        ("boto3/data/s3/2006-03-01/resources-1.json", False),
        ("other/data/ec2/x/y.json", False),
    ],
)
def test_only_the_s3_models_of_botocore_ship(dest: str, dropped: bool) -> None:
    assert rules.is_unused_aws_model(dest) is dropped


def test_an_s3_client_works_with_only_the_kept_models(tmp_path: Path) -> None:
    """Copy botocore's data as the frozen build keeps it and build a real s3 client from the
    copy alone: a file the client needs that the rule dropped fails here, not in the app."""
    import shutil

    import botocore
    import botocore.session

    src = Path(botocore.__file__).parent / "data"
    kept = 0
    for f in src.rglob("*"):
        rel = f.relative_to(src.parent.parent).as_posix()
        if f.is_file() and not rules.is_unused_aws_model(rel):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, tmp_path / rel)
            kept += 1
    assert 0 < kept < sum(1 for f in src.rglob("*") if f.is_file()) / 10
    session = botocore.session.get_session()
    session.set_config_variable("data_path", str(tmp_path / "botocore" / "data"))
    loader = session.get_component("data_loader")
    loader.search_paths[:] = [str(tmp_path / "botocore" / "data")]
    client = session.create_client(
        "s3", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    assert client.meta.service_model.service_name == "s3"
    with pytest.raises(Exception, match="ec2"):
        session.create_client("ec2", region_name="eu-west-1")


def test_the_page_and_app_languages_are_read_from_the_sources() -> None:
    from rep_video.share.page_i18n import LANGUAGES
    from ui.i18n import APP_LANGUAGES

    assert rules.page_languages() == frozenset(LANGUAGES)
    assert rules.app_languages() == frozenset(APP_LANGUAGES)


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("babel/locale-data/fr_CA.dat", True),
        ("babel/locale-data/nl.dat", True),
        ("babel\\locale-data\\pt_BR.dat", True),
        ("babel/locale-data/root.dat", False),  # every locale is merged onto it
        ("babel/locale-data/ja.dat", False),
        ("babel/locale-data/de.dat", False),
        ("babel/global.dat", False),  # likely subtags, time zones: read for every locale
        ("babel/locale-data/LICENSE.unicode", False),
    ],
)
def test_only_the_page_languages_of_babel_ship(dest: str, dropped: bool) -> None:
    assert rules.is_unused_babel_locale(dest, rules.page_languages()) is dropped


def test_dates_and_language_names_work_with_only_the_kept_babel_data(tmp_path: Path) -> None:
    """Babel's data as the frozen build keeps it, used from a fresh process: every page
    language writes a date and names another language."""
    import shutil
    import sys

    import babel

    src = Path(babel.__file__).parent
    shutil.copytree(src, tmp_path / "babel", ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "babel" / "locale-data"
    for f in data.iterdir():
        if rules.is_unused_babel_locale(f"babel/locale-data/{f.name}", rules.page_languages()):
            f.unlink()
    assert len(list(data.glob("*.dat"))) == len(rules.page_languages()) + 1
    code = (
        "import datetime, sys; from rep_video.share import page_i18n as i; import babel; "
        "assert babel.__file__.startswith(sys.argv[1]), babel.__file__; "
        "print('|'.join(i.long_date(datetime.date(2027, 3, 1), l) + ' ' "
        "+ i.language_name('nl', l) for l in i.LANGUAGES))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out.split("|") == [
        "March 1, 2027 Dutch",
        "1. März 2027 Niederländisch",
        "1 mars 2027 néerlandais",
        "1 de marzo de 2027 neerlandés",
        "1 marzo 2027 olandese",
        "2027年3月1日 オランダ語",
    ]


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/translations/qtbase_de.qm", False),  # with the app's own German
        ("PySide6/Qt/translations/qtbase_fr.qm", True),  # the app has no French catalog
        ("PySide6/Qt/translations/qt_de.qm", True),  # never loaded
        ("PySide6/Qt/translations/qtmultimedia_de.qm", True),
        ("PySide6/Qt/translations/qt_help_de.qm", True),
        ("resources/i18n/rep_video_de.qm", False),
    ],
)
def test_only_qts_catalogs_for_the_apps_languages_ship(dest: str, dropped: bool) -> None:
    assert rules.is_unused_qt_translation(dest, rules.app_languages()) is dropped


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
    ],
)
def test_qt_plugins(dest: str, dropped: bool) -> None:
    assert rules.is_dropped_qt_plugin(dest) is dropped


def test_libraries_only_a_dropped_plugin_needed_are_pruned(tmp_path: Path) -> None:
    def lib(name: str) -> str:
        path = tmp_path / name
        path.write_text(name)
        return str(path)

    qt_lib = tmp_path / "site-packages" / "PySide6" / "Qt" / "lib"
    qt_lib.mkdir(parents=True)

    def qt(name: str) -> str:
        path = qt_lib / name
        path.write_text(name)
        return str(path)

    ext = str(tmp_path / "site-packages" / "av_ext.so")
    Path(ext).write_text("ext")
    links = {
        ext: [("libz.so.1", lib("libz.so.1")), ("libQt6Gui.so.6", qt("libQt6Gui.so.6"))],
        qt("libQt6Gui.so.6"): [("libfontconfig.so.1", lib("libfontconfig.so.1"))],
        lib("libfontconfig.so.1"): [("libexpat.so.1", lib("libexpat.so.1")), ("x", None)],
        # Only the dropped GTK theme and PDF plugins linked these:
        lib("libgtk-3.so.0"): [("libpango.so", lib("libpango.so"))],
    }
    toc = [
        ("av/av_ext.so", ext, "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", qt("libQt6Gui.so.6"), "BINARY"),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", qt("libQt6Pdf.so.6"), "BINARY"),
        ("libz.so.1", lib("libz.so.1"), "BINARY"),
        ("libfontconfig.so.1", lib("libfontconfig.so.1"), "BINARY"),
        ("libexpat.so.1", lib("libexpat.so.1"), "BINARY"),
        ("libgtk-3.so.0", lib("libgtk-3.so.0"), "BINARY"),
        ("libpango.so", lib("libpango.so"), "BINARY"),
        ("libpython3.11.so.1.0", lib("libpython3.11.so.1.0"), "BINARY"),
    ]
    kept, dropped = rules.prune_unreachable_libs(toc, lambda p: links.get(p, []))
    assert sorted(d[0] for d in dropped) == [
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "libgtk-3.so.0",
        "libpango.so",
    ]
    assert len(kept) + len(dropped) == len(toc)
    symlinks = [
        ("libQt6Pdf.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    assert rules.drop_dangling_symlinks(symlinks, dropped) == symlinks[1:]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["rep-video"], []),
        (["rep-video", "doctor"], ["doctor"]),
        # a helper started as `sys.executable -m rep_video ...` (sys.executable is the app)
        (["rep-video", "-m", "rep_video", "outbox", "run"], ["outbox", "run"]),
        (["rep-video", "send", "-m", "rep_video"], ["send", "-m", "rep_video"]),
    ],
)
def test_frozen_entry_arguments(
    argv: list[str], expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = load_script("entry.py")
    monkeypatch.setattr("sys.argv", argv)
    assert entry._argv() == expected


def test_only_the_cascades_the_sources_name_ship() -> None:
    used = rules.cascades_used()
    assert used == {"haarcascade_frontalface_default.xml"}  # media/publish/poster.py
    assert rules.is_unused_cascade("cv2/data/haarcascade_eye.xml", used)
    assert rules.is_unused_cascade("cv2\\data\\haarcascade_smile.xml", used)
    assert not rules.is_unused_cascade("cv2/data/haarcascade_frontalface_default.xml", used)
    assert not rules.is_unused_cascade("cv2/data/__init__.py", used)
    assert not rules.is_unused_cascade("resources/catalog/a.xml", used)


def test_pillow_without_its_avif_and_tk_parts_still_writes_images(tmp_path: Path) -> None:
    """The build leaves out PIL._avif and PIL._imagingtk: Pillow imported with both blocked
    still opens and writes the formats the app uses."""
    import sys

    assert {"PIL._avif", "PIL._imagingtk"} <= set(rules.EXCLUDED_MODULES)
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('PIL._avif', 'PIL._imagingtk'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from PIL import Image, features\n"
        "img = Image.new('RGB', (64, 36), (200, 30, 30))\n"
        "for ext in ('png', 'jpg', 'gif', 'webp'):\n"
        "    img.save(sys.argv[1] + '/x.' + ext)\n"
        "    assert Image.open(sys.argv[1] + '/x.' + ext).size == (64, 36)\n"
        "assert not features.check('avif')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)


def _unstripped_extension() -> Path:
    """An ELF extension of the virtualenv that still carries its symbol table."""
    import av

    for path in sorted(Path(av.__file__).parent.rglob("*.so")):
        done = subprocess.run(["file", "-L", str(path)], capture_output=True, text=True)
        if "not stripped" in done.stdout:
            return path
    pytest.skip("no unstripped extension in this virtualenv")


def test_binaries_are_stripped_and_still_load(tmp_path: Path) -> None:
    import ctypes

    src = _unstripped_extension()
    toc = [
        ("av/x.so", str(src), "EXTENSION"),
        ("resources/a.txt", str(ROOT / "README.md"), "DATA"),
    ]
    stripped, kept_whole = rules.strip_binaries(toc, tmp_path / "out")
    assert kept_whole == [] and stripped[1] == toc[1]
    copy = Path(stripped[0][1])
    assert copy == tmp_path / "out" / "av" / "x.so"
    assert copy.stat().st_size < src.stat().st_size
    assert rules.loads_aligned(copy)
    ctypes.CDLL(str(copy))  # the dynamic loader takes it


def test_a_library_strip_would_misalign_ships_unstripped(tmp_path: Path) -> None:
    import struct

    good = tmp_path / "good.so"
    good.write_bytes(_unstripped_extension().read_bytes())
    assert rules.loads_aligned(good)
    # Move the first loadable segment's file offset off its page alignment, as `strip`
    # does to libraries patchelf rewrote.
    data = bytearray(good.read_bytes())
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        at = phoff + i * phentsize
        if struct.unpack_from("<I", data, at)[0] == 1:
            offset = struct.unpack_from("<Q", data, at + 8)[0]
            struct.pack_into("<Q", data, at + 8, offset + 0x10)
            break
    bad = tmp_path / "bad.so"
    bad.write_bytes(bytes(data))
    assert not rules.loads_aligned(bad)
    assert not rules.loads_aligned(ROOT / "README.md")
