#!/usr/bin/env python3
"""Generate THIRD_PARTY_NOTICES.txt: the licences of everything a RepVideo build ships.

    python packaging/licenses.py [--output FILE]

It walks the runtime dependency tree of the installed `rep-video` distribution (extras and
test tools excluded), and for each distribution writes its name, version, declared licence and
the text of every licence file it carries (dist-info `License-File`s and LICENSE/COPYING/NOTICE
files inside the package). Native components that are not Python distributions of their own —
the FFmpeg libraries inside PyAV's wheel (all the media work runs on them; no ffmpeg
executable ships), Qt, the Python runtime — get a section each, with the GPL/LGPL texts
from `packaging/license-texts/`.
The PyInstaller spec calls `build_notices()` so every frozen build carries the file.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
ROOT_DIST = "rep-video"
LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)([._-].*)?$", re.IGNORECASE)
RULE = "=" * 78


def _requirements(dist: md.Distribution) -> Iterable[str]:
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    env["extra"] = ""
    for raw in dist.requires or ():
        try:
            req = Requirement(raw)
        except InvalidRequirement:
            continue
        # Extras ("test", "postgres", "packaging") are not shipped in the app.
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        yield req.name


# Required by a dependency but left out of the build (freeze_rules.EXCLUDED_MODULES):
# moviepy requires imageio-ffmpeg for its ffmpeg executable, which the app never runs.
NOT_SHIPPED = frozenset({"imageio-ffmpeg"})


def runtime_distributions(root: str = ROOT_DIST) -> list[md.Distribution]:
    """`root` and everything it needs at run time, each once, sorted by name."""
    seen: dict[str, md.Distribution] = {}
    todo = [root]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # an optional dependency that is not installed is not shipped either
        seen[name] = dist
        todo.extend(_requirements(dist))
    seen.pop(canonicalize_name(root), None)  # the app itself is not third-party
    for name in NOT_SHIPPED:
        seen.pop(name, None)
    return sorted(seen.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def _meta(dist: md.Distribution, key: str) -> str:
    values = dist.metadata.get_all(key) or [""]
    return str(values[0]).strip()


def declared_license(dist: md.Distribution) -> str:
    for key in ("License-Expression", "License"):
        value = _meta(dist, key)
        # Some projects paste the whole licence text into `License`: keep the first line.
        if value and value.upper() != "UNKNOWN":
            first = value.splitlines()[0].strip()
            return first if len(first) <= 120 else first[:117] + "..."
    classifiers = [
        c.split("::")[-1].strip()
        for c in dist.metadata.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return "; ".join(classifiers) or "see the licence text below"


def license_files(dist: md.Distribution) -> list[tuple[str, str]]:
    """(relative path, text) of each licence file the distribution installed, deduplicated."""
    found: list[tuple[str, str]] = []
    digests: set[str] = set()
    for f in dist.files or ():
        name = Path(str(f)).name
        if not LICENSE_NAME.match(name) or name.endswith((".py", ".pyc", ".pyi")):
            continue
        path = Path(str(dist.locate_file(f)))
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        digest = hashlib.sha256(text.encode()).hexdigest()
        if text and digest not in digests:
            digests.add(digest)
            found.append((str(f), text))
    return found


def _ffmpeg_configuration() -> str:
    """The version and `configure` flags of the FFmpeg libraries in PyAV's wheel (which codecs
    they carry)."""
    try:
        import av

        meta = av._core.library_meta["libavcodec"]
        return f"FFmpeg {av.ffmpeg_version_info}\nconfiguration: {meta['configuration']}"
    except Exception as exc:  # the notice is still written, saying what could not be read
        return f"(could not read PyAV's FFmpeg configuration: {exc})"


def ffmpeg_licence(configuration: str) -> str:
    """The licence an FFmpeg build is under, from its configure flags (FFmpeg's own rules:
    --enable-gpl makes it GPL, --enable-version3 moves (L)GPL 2.1+ to version 3)."""
    gpl = "--enable-gpl" in configuration
    v3 = "--enable-version3" in configuration
    if gpl:
        return "GPL-3.0-or-later" if v3 else "GPL-2.0-or-later"
    return "LGPL-3.0-or-later" if v3 else "LGPL-2.1-or-later"


def gpl_encoders(configuration: str) -> list[str]:
    return [lib for lib in ("libx264", "libx265", "libxvid") if f"--enable-{lib}" in configuration]


def _pyav_native_libraries() -> list[str]:
    try:
        dist = md.distribution("av")
    except md.PackageNotFoundError:
        return []
    libs = sorted(
        {
            Path(str(f)).name
            for f in dist.files or ()
            if re.search(r"\.(so(\.\d+)*|dylib|dll)$", str(f)) and "libs" in str(f).lower()
        }
    )
    return libs


def _license_text(name: str) -> str:
    return (HERE / "license-texts" / f"{name}.txt").read_text(encoding="utf-8").strip()


def native_components_section() -> str:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    py_text_file = Path(sys.base_prefix) / "lib" / f"python{version}" / "LICENSE.txt"
    if not py_text_file.is_file():
        py_text_file = Path(sys.base_prefix) / "LICENSE.txt"  # Windows and python.org macOS
    py_text = (
        py_text_file.read_text(encoding="utf-8", errors="replace").strip()
        if py_text_file.is_file()
        else "PSF License Agreement: https://docs.python.org/3/license.html"
    )
    av_libs = _pyav_native_libraries()
    av_gpl = sorted(
        {lib.split("-")[0] for lib in av_libs if lib.startswith(("libx264", "libx265"))}
    )
    config = _ffmpeg_configuration()
    encoders = gpl_encoders(config)
    parts = [
        "NATIVE COMPONENTS",
        RULE,
        "",
        "FFmpeg libraries inside PyAV (av) — recording, trims, transcodes, previews, in process",
        "-" * 78,
        f"Licence of this build, from its configuration below: {ffmpeg_licence(config)}"
        + (f"; it includes {', '.join(encoders)} (GPL-2.0-or-later)." if encoders else "."),
        (
            "PyAV's wheel carries its own FFmpeg libraries, including "
            + ", ".join(av_gpl)
            + ": these libraries are distributed under the GNU GPL version 2 or later."
            if av_gpl
            else "PyAV's wheel carries its own FFmpeg libraries (no GPL encoder among them)."
        ),
        "Libraries: " + (", ".join(av_libs) if av_libs else "(none found)"),
        "Full licence texts are at the end of this file.",
        "Source: https://github.com/PyAV-Org/pyav-ffmpeg (build scripts and versions). Whoever",
        "distributes this build must also make the complete corresponding source available",
        "(docs/PACKAGING.md).",
        config,
        "",
        "Qt 6 and PySide6 (Qt for Python)",
        "-" * 78,
        "Used under the GNU Lesser General Public License version 3 (text at the end).",
        "Qt's libraries are shipped as separate, unmodified shared libraries in this build, so",
        "you may replace them with your own compatible build. Qt Multimedia's FFmpeg",
        "libraries (libavcodec etc. next to Qt's libraries) are an LGPL build.",
        "Source: https://download.qt.io/official_releases/ and",
        "https://code.qt.io/cgit/pyside/pyside-setup.git/",
        "",
        f"Python {version} runtime",
        "-" * 78,
        py_text,
    ]
    return "\n".join(parts)


def build_notices() -> str:
    dists = runtime_distributions()
    head = [
        "THIRD-PARTY SOFTWARE NOTICES AND INFORMATION",
        "RepVideo includes the software listed below. Each is used under its own licence.",
        "",
        "Summary",
        RULE,
    ]
    for d in dists:
        head.append(f"{d.metadata['Name']} {d.version} — {declared_license(d)}")
    head.append("")
    body: list[str] = []
    for d in dists:
        body += ["", RULE, f"{d.metadata['Name']} {d.version}", f"Licence: {declared_license(d)}"]
        if home := _meta(d, "Home-page"):
            body.append(f"Home page: {home}")
        files = license_files(d)
        if not files:
            body.append("(The distribution ships no licence file; see its declared licence.)")
        for rel, text in files:
            body += ["", f"--- {rel} ---", text]
    tail = [
        "",
        RULE,
        native_components_section(),
        "",
        RULE,
        "GNU GENERAL PUBLIC LICENSE, Version 2",
        RULE,
        _license_text("GPL-2"),
        "",
        RULE,
        "GNU GENERAL PUBLIC LICENSE, Version 3",
        RULE,
        _license_text("GPL-3"),
        "",
        RULE,
        "GNU LESSER GENERAL PUBLIC LICENSE, Version 3",
        RULE,
        _license_text("LGPL-3"),
        "",
        RULE,
        "GNU LESSER GENERAL PUBLIC LICENSE, Version 2.1",
        RULE,
        _license_text("LGPL-2.1"),
        "",
    ]
    return "\n".join(head + body + tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = build_notices()
    if args.output:
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
