"""One FFmpeg for OpenCV and PyAV in the frozen app: OpenCV's copies become links to PyAV's.

opencv-python-headless and PyAV each bring an FFmpeg, renamed by auditwheel
(`libavcodec-57aca189.so.62.28.102` beside `libavcodec-5e6b81c2.so.62.28.102`). Where both
are the same FFmpeg release (the version after `.so.` is the library's full major.minor.micro,
so the same API and ABI) OpenCV's file ships as a symbolic link to PyAV's, and the libraries
only OpenCV's FFmpeg needed (its libvpx, dav1d, OpenSSL) go with it: ≈ 34 MiB. `cv2` links
FFmpeg only for `VideoCapture`/`VideoWriter`, which the app does not call; with PyAV's
libraries both still work (tests/packaging/test_frozen_build.py binds every symbol `cv2`
imports). One copy is mapped when both are imported: the loader matches the second request by
soname or by inode.

The dynamic loader expands `$ORIGIN` to the folder of the path it opened, the link's, so PyAV's
libraries that the linked ones need (x264, swresample, ...) get links in OpenCV's folder too.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable

Toc = list[tuple[str, str, str]]

# auditwheel's names: the library, an 8-digit hash of the original, the full version.
_RENAMED = re.compile(r"^(lib[\w+]+?)-[0-9a-f]{8}\.so\.(\d+\.\d+\.\d+)$")
FFMPEG = frozenset({"libavcodec", "libavformat", "libavutil", "libswscale", "libswresample"})


def _folder(dest: str) -> str:
    return os.path.dirname(dest.replace("\\", "/"))


def _link(dest: str, target: str) -> tuple[str, str, str]:
    return dest, os.path.relpath(target, _folder(dest)), "SYMLINK"


def needed_names(path: str) -> list[str]:
    """The DT_NEEDED names of a 64-bit little-endian ELF file, in order (not transitive, unlike
    PyInstaller's `get_imports`); [] for anything else."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] != b"\x7fELF" or raw[4:6] != b"\x02\x01":
        return []
    phoff = struct.unpack_from("<Q", raw, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", raw, 54)
    heads = [struct.unpack_from("<IIQQQQQQ", raw, phoff + i * phentsize) for i in range(phnum)]
    loads = [(h[3], h[2], h[5]) for h in heads if h[0] == 1]  # (vaddr, offset, filesz)
    dynamic = next((h for h in heads if h[0] == 2), None)
    if dynamic is None:
        return []
    entries = [struct.unpack_from("<qQ", raw, dynamic[2] + i) for i in range(0, dynamic[5], 16)]
    strtab = next((v for tag, v in entries if tag == 5), None)
    if strtab is None:
        return []
    at = next((o + strtab - va for va, o, size in loads if va <= strtab < va + size), None)
    if at is None:
        return []
    names = []
    for tag, value in entries:
        if tag == 0:
            break
        if tag == 1:
            names.append(raw[at + value : raw.index(b"\0", at + value)].decode())
    return names


def share_libraries(
    binaries: Toc,
    needed_of: Callable[[str], list[str]] = needed_names,
    taker: str = "opencv_python_headless.libs",
    donor: str = "av.libs",
    families: frozenset[str] = FFMPEG,
) -> tuple[Toc, list[str]]:
    """The TOC with `taker`'s libraries of `families` linked to `donor`'s of the same name
    and version, links for what those need, and `taker`'s libraries nothing reaches any more
    left out. Returns (toc, destinations that became links or were left out)."""
    files = {e[0].replace("\\", "/"): e for e in binaries if e[2] != "SYMLINK"}

    def in_folder(folder: str) -> dict[str, str]:
        return {os.path.basename(d): d for d in files if _folder(d) == folder}

    takers, donors = in_folder(taker), in_folder(donor)
    donor_by_version = {
        (m.group(1), m.group(2)): dest
        for name, dest in donors.items()
        if (m := _RENAMED.match(name)) and m.group(1) in families
    }
    linked: dict[str, str] = {}  # taker destination -> donor destination
    for name, dest in takers.items():
        m = _RENAMED.match(name)
        if m and (target := donor_by_version.get((m.group(1), m.group(2)))):
            linked[dest] = target
    if not linked:
        return binaries, []

    cache: dict[str, list[str]] = {}

    def needed(dest: str) -> list[str]:
        if dest not in cache:
            cache[dest] = needed_of(files[dest][1]) if dest in files else []
        return cache[dest]

    # PyAV's libraries the linked ones need, transitively: each gets a link beside them.
    closure: set[str] = set()
    todo = list(linked.values())
    while todo:
        dest = todo.pop()
        if dest not in closure:
            closure.add(dest)
            todo += [donors[n] for n in needed(dest) if n in donors]
    links = {f"{taker}/{os.path.basename(d)}": d for d in closure}
    links = {k: v for k, v in links.items() if k not in files or k in linked}
    links.update(linked)

    # What the rest of the build still reaches among `taker`'s own files.
    by_name: dict[str, list[str]] = {}
    for dest in files:
        by_name.setdefault(os.path.basename(dest), []).append(dest)
    reached: set[str] = set()
    todo = [d for d in files if _folder(d) != taker]
    while todo:
        dest = todo.pop()
        if dest in reached:
            continue
        reached.add(dest)
        for name in needed(dest):
            todo += [links.get(d, d) for d in by_name.get(name, [])]
    out: Toc = []
    gone: list[str] = []
    for entry in binaries:
        dest = entry[0].replace("\\", "/")
        if dest in links or (_folder(dest) == taker and dest not in reached):
            gone.append(dest)
        else:
            out.append(entry)
    out += [_link(dest, target) for dest, target in sorted(links.items())]
    return out, sorted(gone)
