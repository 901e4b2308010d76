#!/usr/bin/env python3
"""Build the Linux app: a folder that runs without Python, and a tarball of it.

    .venv/bin/pip install -e ".[packaging]"      # PyInstaller, once
    .venv/bin/python packaging/build_linux.py    # -> packaging/dist/rep-video/ + .tar.xz

Options: --dist DIR and --work DIR move the output and PyInstaller's work folder;
--no-tarball skips the archive (the frozen test does). The result:

    rep-video/rep-video                  the executable (GUI with no arguments; every CLI command)
    rep-video/_internal/                 Python, Qt, PyAV (its FFmpeg), OpenCV, resources, notices
    rep-video/THIRD_PARTY_NOTICES.txt    licences of everything shipped
    rep-video/share/applications/rep-video.desktop, rep-video/share/icons/hicolor/...
    rep-video/install.sh                 puts the launcher, menu entry and icons in place
    rep-video/size-report.txt            total size and the largest parts

Run it with the virtualenv's Python: PyInstaller freezes the interpreter that runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APP = "rep-video"


def app_version() -> str:
    text = (ROOT / "rep_video" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    return m.group(1) if m else "0"


def run_pyinstaller(dist: Path, work: Path) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "build_linux.py: PyInstaller is not installed in this Python; run "
            f'`{sys.executable} -m pip install -e ".[packaging]"` first.'
        ) from None
    argv = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(HERE / "rep-video.spec"),
    ]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # the spec renders icons with Qt
    started = time.monotonic()
    subprocess.run(argv, cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def add_desktop_integration(app_dir: Path, work: Path) -> None:
    work = work / APP  # PyInstaller's work folder for rep-video.spec (icons, notices)
    share = app_dir / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "linux" / "rep-video.desktop", share / "applications")
    if (share / "icons").exists():
        shutil.rmtree(share / "icons")
    shutil.copytree(work / "icons", share / "icons")
    shutil.copy2(HERE / "linux" / "install.sh", app_dir / "install.sh")
    (app_dir / "install.sh").chmod(0o755)
    shutil.copy2(work / "THIRD_PARTY_NOTICES.txt", app_dir / "THIRD_PARTY_NOTICES.txt")


def dir_size(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def size_report(app_dir: Path, top: int = 15) -> str:
    internal = app_dir / "_internal"
    parts: list[tuple[int, str]] = []
    for child in internal.iterdir():
        if child.is_symlink():
            continue
        size = dir_size(child) if child.is_dir() else child.stat().st_size
        parts.append((size, child.name))
    # The biggest folders hold several components each: list those one level deeper.
    for name in ("PySide6", "av.libs", "cv2", "opencv_python_headless.libs"):
        sub = internal / name
        if sub.is_dir():
            for child in sub.rglob("*"):
                if child.is_file() and child.stat().st_size > 20 * 2**20:
                    parts.append((child.stat().st_size, str(child.relative_to(internal))))
    parts.sort(reverse=True)
    lines = [f"total: {dir_size(app_dir) / 2**20:.0f} MiB ({app_dir.name}/)", "largest parts:"]
    lines += [f"  {size / 2**20:7.1f} MiB  {name}" for size, name in parts[:top]]
    return "\n".join(lines) + "\n"


def make_tarball(app_dir: Path) -> Path:
    """`rep-video-<version>-linux-<arch>.tar.xz`, xz preset 9 (Python's lzma: no tool needed).
    xz because it is the smallest of the three measured (30 % below gzip -6, 7 % below zstd
    -19 --long) and `tar xf` unpacks it on every desktop Linux, where zstd's tool is not
    always installed; figures in docs/PERFORMANCE.md, "Packaging"."""
    arch = os.uname().machine
    out = app_dir.parent / f"{APP}-{app_version()}-linux-{arch}.tar.xz"
    tmp = out.with_name(out.name + ".partial")
    with tarfile.open(tmp, "w:xz", preset=9) as tar:
        tar.add(app_dir, arcname=app_dir.name)
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the RepVideo Linux app folder and tarball.")
    parser.add_argument("--dist", type=Path, default=HERE / "dist")
    parser.add_argument("--work", type=Path, default=HERE / "build")
    parser.add_argument("--no-tarball", action="store_true")
    parser.add_argument(
        "--skip-pyinstaller",
        action="store_true",
        help="reuse the frozen folder of the last build; redo desktop files, report, tarball",
    )
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()

    seconds = 0.0 if args.skip_pyinstaller else run_pyinstaller(dist, work)
    app_dir = dist / APP
    add_desktop_integration(app_dir, work)
    report = f"pyinstaller: {seconds:.0f} s\n" + size_report(app_dir)
    (app_dir / "size-report.txt").write_text(report, encoding="utf-8")
    print(report, end="")
    if not args.no_tarball:
        started = time.monotonic()
        tarball = make_tarball(app_dir)
        print(
            f"tarball: {tarball} ({tarball.stat().st_size / 2**20:.0f} MiB, "
            f"{time.monotonic() - started:.0f} s)"
        )
    print(f"app: {app_dir / APP}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
