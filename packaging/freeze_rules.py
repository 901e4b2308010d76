"""What goes into the frozen app and what stays out: the rules `rep-video.spec` applies.

Kept apart from the spec so that they are plain, testable Python. Everything here is derived
from what is installed and from `pyproject.toml`, so a dependency or a screen added later is
picked up without editing the packaging.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Qt modules the app may use. Every other PySide6 module is excluded, and `check_qt_modules`
# turns an import of one of them in `ui/` into a build error rather than a broken frozen app.
QT_KEEP = frozenset(
    {
        "QtCore",
        "QtGui",
        "QtWidgets",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtSvg",
        "QtSvgWidgets",
        "QtNetwork",
    }
)

# Python modules never shipped: GUI toolkits we do not use, and the dev/test tools that share
# the build's virtualenv. PostgreSQL drivers are for scaled-out servers, which run from the
# container image (packaging/server/Dockerfile), not from the desktop app.
EXCLUDED_MODULES = (
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "pydoc_data",
    "lib2to3",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "playwright",
    "moto",
    "mypy",
    "ruff",
    "IPython",
    "matplotlib",
    "PyInstaller",
    "psycopg",
    "psycopg_binary",
    "psycopg2",
    # moviepy's dependency: its ffmpeg executable (165 MiB) runs nowhere in the app, and the
    # intro card imports moviepy without it (media/publish/intro.py).
    "imageio_ffmpeg",
    # Pillow's AVIF codec (with libavif, 4.9 MiB) and Tk bridge: the app reads and writes no
    # AVIF and has no Tk; Pillow treats either as absent when it cannot import it.
    "PIL._avif",
    "PIL._imagingtk",
)

# Qt plugins that would drag in large parts of Qt or of the build machine's desktop stack:
# the virtual keyboard (QML + Qt Quick), the GTK3 theme (the whole GTK stack of the build
# machine), PDF-as-image (Qt PDF), and the platforms and input drivers for embedded devices
# (EGLFS, linuxfb, VNC).
# xcb, wayland, offscreen and minimal remain; the xdg-desktop-portal theme gives native
# file dialogs on GNOME and KDE.
DROPPED_QT_PLUGINS = re.compile(
    r"plugins/(platforminputcontexts/libqtvirtualkeyboardplugin"
    r"|platformthemes/libqgtk3"
    r"|imageformats/libqpdf"
    r"|platforms/libq(eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc)"
    r"|egldeviceintegrations/"
    r"|generic/)"
)

# The AWS service models shipped: botocore carries one for each of ~400 services (≈ 18 MiB
# frozen); the app and the server make only `s3` clients. STS and SSO stay because the default
# credential chain builds those clients itself for a profile with `role_arn` or `sso_*` in
# ~/.aws/config. The files beside the service folders (endpoints, partitions, retry rules,
# default configuration) are read for every client and always stay.
AWS_MODELS_KEPT = frozenset({"s3", "sts", "sso", "sso-oidc"})
_AWS_DATA = (("botocore", "data"), ("boto3", "data"))

# Babel's CLDR data is one file per locale (≈ 1,150 files, 34 MiB frozen). The app reads it only
# to write the share page in the page's languages (dates, language names), so only those ship,
# with `root`, the data every locale is merged onto. A catalog title in another language is
# named from the page language's own list (rep_video/share/page_i18n.language_name).
_BABEL_LOCALE_DATA = ("babel", "locale-data")

# Qt's own catalogs (≈ 130 files, 7.4 MiB): the app loads `qtbase_<lang>` only for a language it
# has a catalog of itself (ui/i18n.install_translators), and never the others (qt_, qt_help_,
# qtmultimedia_).
_QT_TRANSLATIONS = "PySide6/Qt/translations/"

# Packages whose own test suites are shipped inside their wheels; numpy.testing is imported by
# numpy itself at run time, and our own packages are never filtered.
_TEST_DIRS = {"tests", "test", "testing"}
_NEVER_FILTER = ("rep_video", "ui", "resources", "PySide6", "numpy")


def pyside6_modules() -> set[str]:
    """Every Qt binding module the installed PySide6 provides (QtCore, QtWebEngineCore, ...)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return set()
    names: set[str] = set()
    for location in spec.submodule_search_locations:
        for f in Path(location).iterdir():
            if m := re.match(r"^(Qt\w+)\.(abi3\.so|pyd|cpython.*\.so)$", f.name):
                names.add(m.group(1))
    return names


_QT_IMPORT = re.compile(r"PySide6\.(Qt\w+)|from\s+PySide6\s+import\s+\(?([\w\s,]+)\)?")


def qt_modules_used(roots: Iterable[Path]) -> set[str]:
    """Qt modules named by imports in the sources under `roots`."""
    used: set[str] = set()
    for root in roots:
        for src in root.rglob("*.py"):
            text = src.read_text(encoding="utf-8", errors="replace")
            for m in _QT_IMPORT.finditer(text):
                if m.group(1):
                    used.add(m.group(1))
                else:
                    used.update(re.findall(r"\bQt\w+", m.group(2)))
    return used


def check_qt_modules(roots: Iterable[Path]) -> None:
    unexpected = qt_modules_used(roots) - QT_KEEP
    if unexpected:
        raise SystemExit(
            f"rep-video.spec: the app imports Qt modules that the build excludes: "
            f"{sorted(unexpected)}. If they are really needed, add them to QT_KEEP in "
            "packaging/freeze_rules.py and record the size change in docs/PERFORMANCE.md."
        )


def qt_excludes() -> list[str]:
    return [f"PySide6.{m}" for m in sorted(pyside6_modules() - QT_KEEP)]


def runtime_top_level_modules(dist_name: str = "rep-video") -> list[str]:
    """Import names of the app's direct runtime dependencies (extras left out).

    Many are imported lazily (inside a function, by name, or only by a sub-command), which
    static analysis may miss; naming the top-level packages lets each package's own hook
    collect the rest."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    env["extra"] = ""
    wanted: set[str] = set()
    for raw in md.distribution(dist_name).requires or ():
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate(env):
            wanted.add(canonicalize_name(req.name))
    modules: set[str] = set()
    for module, dists in md.packages_distributions().items():
        if module.startswith("_") or not module.isidentifier():
            continue
        if module in ("PySide6", "Shiboken", "shiboken6"):
            continue  # Qt modules are chosen by QT_KEEP, never wholesale
        if any(canonicalize_name(d) in wanted for d in dists) and importlib.util.find_spec(module):
            modules.add(module)
    return sorted(modules)


def package_modules(package_dir: Path) -> list[str]:
    """Every module of one of our own packages, found from its files (not by importing them):
    a sub-command module that fails to import on the build machine, or that appeared a
    minute ago, is still frozen, and the frozen app reports its real error at run time."""
    base = package_dir.parent
    modules = []
    for src in sorted(package_dir.rglob("*.py")):
        rel = src.relative_to(base).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if all(p.isidentifier() for p in parts):
            modules.append(".".join(parts))
    return modules


def is_test_payload(dest: str) -> bool:
    """A file inside a test-suite folder, or a module inside a test-suite package. Only the
    containing folders/packages count: `jinja2.tests` (template tests) is a real module."""
    is_path = "/" in dest or "\\" in dest
    parts = re.split(r"[\\/]", dest) if is_path else dest.split(".")
    return not dest.startswith(_NEVER_FILTER) and any(p in _TEST_DIRS for p in parts[:-1])


def is_unused_aws_model(dest: str) -> bool:
    """A file of an AWS service model (botocore's or boto3's `data/<service>/...`) for a service
    not in AWS_MODELS_KEPT."""
    parts = dest.replace("\\", "/").split("/")
    return len(parts) > 3 and tuple(parts[:2]) in _AWS_DATA and parts[2] not in AWS_MODELS_KEPT


def page_languages() -> frozenset[str]:
    """The share page's languages (rep_video/share/page_i18n.LANGUAGES), read from the source
    (not imported: the rules load without the app's dependencies)."""
    text = (ROOT / "rep_video" / "share" / "page_i18n.py").read_text(encoding="utf-8")
    m = re.search(r"^LANGUAGES = \(([^)]*)\)", text, re.M)
    if not m:
        raise SystemExit("freeze_rules.py: no LANGUAGES tuple in rep_video/share/page_i18n.py")
    return frozenset(re.findall(r'"([\w-]+)"', m.group(1)))


def is_unused_babel_locale(dest: str, kept: frozenset[str]) -> bool:
    """A Babel locale-data file (`babel/locale-data/fr_CA.dat`) for a locale not in `kept`;
    `root` always stays."""
    parts = dest.replace("\\", "/").split("/")
    if len(parts) != 3 or tuple(parts[:2]) != _BABEL_LOCALE_DATA or not parts[2].endswith(".dat"):
        return False
    return parts[2][: -len(".dat")] not in kept | {"root"}


def cascades_used(roots: Iterable[Path] = (ROOT / "rep_video", ROOT / "ui")) -> frozenset[str]:
    """The Haar cascade files the sources name (`haarcascade_frontalface_default.xml`)."""
    names: set[str] = set()
    for root in roots:
        for src in root.rglob("*.py"):
            text = src.read_text(encoding="utf-8", errors="replace")
            names.update(re.findall(r"haarcascade_\w+\.xml", text))
    return frozenset(names)


def is_unused_cascade(dest: str, used: frozenset[str]) -> bool:
    """One of OpenCV's 17 Haar cascades (9.4 MiB) that no source names."""
    parts = dest.replace("\\", "/").split("/")
    return parts[:2] == ["cv2", "data"] and parts[-1].endswith(".xml") and parts[-1] not in used


def app_languages(i18n_dir: Path = ROOT / "resources" / "i18n") -> frozenset[str]:
    """The languages the app has a catalog of (resources/i18n/rep_video_<lang>.qm)."""
    return frozenset(p.stem.removeprefix("rep_video_") for p in i18n_dir.glob("rep_video_*.qm"))


def is_unused_qt_translation(dest: str, languages: frozenset[str]) -> bool:
    dest = dest.replace("\\", "/")
    if not dest.startswith(_QT_TRANSLATIONS) or not dest.endswith(".qm"):
        return False
    name = dest[len(_QT_TRANSLATIONS) : -len(".qm")]
    return name not in {f"qtbase_{lang}" for lang in languages}


def is_dropped_qt_plugin(dest: str) -> bool:
    return bool(DROPPED_QT_PLUGINS.search(dest.replace("\\", "/")))


Toc = list[tuple[str, str, str]]


def prune_unreachable_libs(
    binaries: Toc, get_imports: Callable[[str], Iterable[tuple[str, str | None]]]
) -> tuple[Toc, Toc]:
    """Drop shared libraries that nothing left in the build links to: once a Qt plugin is
    dropped, the libraries only it needed must go too (the GTK stack for the GTK3 theme, Qt
    PDF, the virtual keyboard). Candidates are the build machine's libraries (outside
    site-packages) and Qt's own libraries; Python extensions, plugins and other wheels'
    libraries are the roots and always stay. Returns (kept, dropped). Linux only: elsewhere
    the platform provides the system libraries and PyInstaller does not collect them."""

    def candidate(entry: tuple[str, str, str]) -> bool:
        dest, src, typecode = entry
        if typecode == "SYMLINK":
            return False  # follows its target: see drop_dangling_symlinks
        dest = dest.replace("\\", "/")
        from_build_machine = not any(m in src for m in ("site-packages", "dist-packages"))
        return (from_build_machine and "/" not in dest) or dest.startswith("PySide6/Qt/lib/")

    by_real = {os.path.realpath(e[1]) for e in binaries if e[2] != "SYMLINK"}
    reached: set[str] = set()
    todo = [os.path.realpath(e[1]) for e in binaries if e[2] != "SYMLINK" and not candidate(e)]
    while todo:
        path = todo.pop()
        if path in reached:
            continue
        reached.add(path)
        for _name, full in get_imports(path):
            if full:
                real = os.path.realpath(full)
                if real in by_real and real not in reached:
                    todo.append(real)
    kept: Toc = []
    dropped: Toc = []
    for entry in binaries:
        unreached = candidate(entry) and os.path.realpath(entry[1]) not in reached
        # libpython is loaded by the bootloader, not linked by anything in the TOC.
        if unreached and not entry[0].startswith("libpython"):
            dropped.append(entry)
        else:
            kept.append(entry)
    return kept, dropped


def drop_dangling_symlinks(toc: Toc, dropped: Toc) -> Toc:
    """Symlink entries (`libQt6Pdf.so.6 -> PySide6/Qt/lib/libQt6Pdf.so.6`) whose target went."""
    gone = {d[0] for d in dropped}
    return [e for e in toc if not (e[2] == "SYMLINK" and e[1] in gone)]


def strip_binaries(binaries: Toc, out_dir: Path) -> tuple[Toc, list[str]]:
    """Linux: the binaries with their symbol tables and debug sections stripped (copies in
    `out_dir`). The build machine's libpython and many wheels' extensions carry debug symbols
    nothing reads at run time (libpython 17 of its 23 MiB, uvloop 12 of 13: ≈ 90 MiB in all).
    PyInstaller's own `strip=True` is not used: on libraries whose segments patchelf moved
    (auditwheel's numpy.libs, Qt's FFmpeg) `strip` writes loadable segments off their page
    alignment and the loader refuses them. Each stripped copy is checked and the original
    shipped where the check fails. Returns (toc, destinations kept unstripped)."""
    import shutil
    import subprocess

    toc: Toc = []
    kept_whole: list[str] = []
    for dest, src, typecode in binaries:
        if typecode not in ("BINARY", "EXTENSION") or not _is_elf(src):
            toc.append((dest, src, typecode))
            continue
        copy = out_dir / dest
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, copy)
        done = subprocess.run(["strip", str(copy)], capture_output=True)
        if done.returncode == 0 and loads_aligned(copy):
            toc.append((dest, str(copy), typecode))
        else:
            kept_whole.append(dest)
            toc.append((dest, src, typecode))
    return toc, kept_whole


def _is_elf(path: str | Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def loads_aligned(path: Path) -> bool:
    """Whether every loadable segment of a 64-bit little-endian ELF file has its file offset
    and address congruent modulo its alignment, as the dynamic loader requires ("ELF load
    command address/offset not page-aligned" otherwise). Other ELF classes: False."""
    import struct

    with open(path, "rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4:6] != b"\x02\x01":
            return False
        (phoff,) = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    if len(table) < phentsize * phnum or phentsize < 56:
        return False
    for i in range(phnum):
        p_type, _, offset, vaddr, _, _, _, align = struct.unpack_from(
            "<IIQQQQQQ", table, i * phentsize
        )
        if p_type == 1 and align > 1 and (offset - vaddr) % align:  # PT_LOAD
            return False
    return True


def is_linux() -> bool:
    return sys.platform.startswith("linux")
