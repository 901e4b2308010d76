"""The frozen Linux build (packaging/build_linux.py) checked from the outside: it runs with no
Python on PATH, `doctor` passes with PyAV's FFmpeg libraries (no executable ships), a headless
`send` of a generated clip to a folder target makes a playable share, the embedded share server
starts, and the build carries what it must (Qt multimedia, FFmpeg, cascades, resources, notices)
and not what it must not (QtWebEngine, tkinter, test suites).

Which build is checked:
- REP_VIDEO_FROZEN_DIST=<folder containing rep-video>: that one;
- REP_VIDEO_TEST_FROZEN=1: a fresh build of this checkout into a temp folder (PyInstaller
  needed: `pip install -e ".[packaging]"`; ~2 min on 2 idle cores, see docs/PACKAGING.md);
- otherwise packaging/dist/rep-video if it is newer than the sources; else skipped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest

from tests.packaging.support import ROOT
from tests.support.clips import make_clip
from tests.support.server_process import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(2400),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks the Linux build"),
]

PREBUILT = ROOT / "packaging" / "dist" / "rep-video"


def _newest_source_mtime() -> float:
    newest = 0.0
    for folder in ("rep_video", "ui", "resources", "packaging"):
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and "dist" not in p.parts and "build" not in p.parts:
                newest = max(newest, p.stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if explicit := os.environ.get("REP_VIDEO_FROZEN_DIST"):
        folder = Path(explicit)
        assert (folder / "rep-video").is_file(), f"no rep-video executable in {folder}"
        return folder
    if os.environ.get("REP_VIDEO_TEST_FROZEN") == "1":
        if importlib.util.find_spec("PyInstaller") is None:
            pytest.fail('REP_VIDEO_TEST_FROZEN=1 needs PyInstaller: pip install -e ".[packaging]"')
        out = tmp_path_factory.mktemp("frozen")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "packaging" / "build_linux.py"),
                "--no-tarball",
                "--dist",
                str(out / "dist"),
                "--work",
                str(out / "work"),
            ],
            check=True,
            cwd=ROOT,
            timeout=2000,
        )
        return out / "dist" / "rep-video"
    if (PREBUILT / "rep-video").is_file():
        if (PREBUILT / "rep-video").stat().st_mtime < _newest_source_mtime():
            pytest.skip(
                "packaging/dist/rep-video is older than the sources: rebuild it "
                "(packaging/build_linux.py) or set REP_VIDEO_TEST_FROZEN=1"
            )
        return PREBUILT
    pytest.skip("no frozen build: set REP_VIDEO_TEST_FROZEN=1 or run packaging/build_linux.py")


@pytest.fixture
def bare_env(tmp_path: Path, rep_video_home: Path) -> dict[str, str]:
    """What a rep's session gives the app: no Python anywhere on PATH, no venv variables."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {
        "PATH": str(empty_bin),
        "HOME": str(tmp_path / "home"),
        "REP_VIDEO_HOME": str(rep_video_home),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp_path),
    }
    for name in ("python", "python3", "python3.11"):
        assert shutil.which(name, path=env["PATH"]) is None
    return env


def _run(
    app: Path, env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(app / "rep-video"), *args],
        env=env,
        cwd=env["HOME"] if Path(env["HOME"]).is_dir() else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_runs_without_python_and_as_its_own_helper(app_dir: Path, bare_env: dict[str, str]) -> None:
    out = _run(app_dir, bare_env, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("rep-video ")
    # Helpers are started as `sys.executable -m rep_video ...`: the frozen executable is
    # sys.executable and must accept that form too.
    helper = _run(app_dir, bare_env, "-m", "rep_video", "--version")
    assert helper.returncode == 0 and helper.stdout == out.stdout, helper.stderr


def test_doctor_passes_with_pyav_alone(app_dir: Path, bare_env: dict[str, str]) -> None:
    out = _run(app_dir, bare_env, "doctor", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["sending_works"] is True
    checks = {c["name"]: c for c in report["checks"]}
    assert "ffmpeg" not in checks  # no executable ships
    for name in ("pyav", "encoder libx264", "encoder aac", "encoder gif", "filters"):
        assert checks[name]["status"] == "ok", checks[name]


def test_headless_send_to_a_folder(app_dir: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", duration=4.0)
    out_dir = tmp_path / "published"
    out = _run(
        app_dir, bare_env,
        "send", str(clip), "--to", "Dr. Test", "--from-name", "Alex Rep",
        "--trim", "0.5:3.5", "--target", f"folder:{out_dir}",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    index = Path(out.stdout.strip().splitlines()[-1])
    assert index.name == "index.html" and index.is_file()
    assert index.is_relative_to(out_dir)
    assert "Dr. Test" in index.read_text(encoding="utf-8")
    videos = list(index.parent.glob("*.mp4"))
    assert len(videos) == 1
    with av.open(str(videos[0])) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        duration = float(container.duration or 0) / av.time_base
    assert 2.8 <= duration <= 3.2
    assert any(index.parent.glob("*.jpg")), "no poster"


@contextlib.contextmanager
def _frozen_server(app: Path, env: dict[str, str], data: Path) -> Iterator[str]:
    port = free_port()
    log = data.parent / "frozen-server.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [str(app / "rep-video"), "serve", "--port", str(port), "--data", str(data)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_embedded_share_server_starts(
    app_dir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    with _frozen_server(app_dir, bare_env, tmp_path / "srv") as url:
        assert httpx.get(f"{url}/s/{'x' * 22}", timeout=10).status_code == 404
        token = _run(
            app_dir, bare_env, "serve-token", "--data", str(tmp_path / "srv"), "--name", "a"
        )
        assert token.returncode == 0, token.stderr
        key = token.stdout.strip().splitlines()[-1]
        api = httpx.get(f"{url}/api/v1/shares", headers={"Authorization": f"Bearer {key}"})
        assert api.status_code == 200 and api.json() == []


def test_desktop_app_starts_and_stays_up(app_dir: Path, bare_env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [str(app_dir / "rep-video")],
        env=bare_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(8)
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate(timeout=10)
    text = output.decode(errors="replace")
    assert alive, text
    assert "Traceback" not in text and "could not load the Qt platform plugin" not in text


def test_build_carries_what_it_needs_and_nothing_it_must_not(app_dir: Path) -> None:
    internal = app_dir / "_internal"
    files = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    names = set(files)
    # Needed at run time.
    assert not any(f.startswith("imageio_ffmpeg/") for f in files), "no ffmpeg executable"
    assert any(f.startswith("av.libs/libx264") or f.startswith("av/") for f in files)
    assert "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so" in names
    assert "PySide6/Qt/plugins/platforms/libqxcb.so" in names
    assert "PySide6/Qt/plugins/platforms/libqwayland.so" in names
    assert any(f.endswith("haarcascade_frontalface_default.xml") for f in files)
    assert len([f for f in files if f.startswith("cv2/data/haarcascade_")]) == 1
    assert not [f for f in files if f.startswith(("PIL/_avif", "PIL/_imagingtk"))]
    # Babel's data for the page languages only, Qt's catalogs for the app's languages only.
    assert len([f for f in files if f.startswith("babel/locale-data/")]) <= 10
    assert not [f for f in files if f.startswith("PySide6/Qt/translations/qt_")]
    assert any(f.startswith("resources/share/") for f in files)
    assert any(f.startswith("resources/icons/") for f in files)
    # The app's German and Qt's own (file dialogs, standard buttons) for a German OS locale.
    assert "resources/i18n/rep_video_de.qm" in names
    assert "PySide6/Qt/translations/qtbase_de.qm" in names
    assert (app_dir / "THIRD_PARTY_NOTICES.txt").stat().st_size > 100_000
    assert (app_dir / "share" / "applications" / "rep-video.desktop").is_file()
    assert (
        app_dir / "share" / "icons" / "hicolor" / "256x256" / "apps" / "rep-video.png"
    ).is_file()
    # Kept out.
    for unwanted in ("QtWebEngine", "Qt6WebEngine", "Qt63D", "Qt6Quick3D", "Qt6Pdf", "Qt6Charts"):
        assert not [f for f in files if unwanted in f], unwanted
    assert not [f for f in files if "tkinter" in f or f.startswith(("tcl", "tk"))]
    assert not [f for f in files if "platformthemes/libqgtk3" in f]
    assert not [f for f in files if "/tests/" in f and not f.startswith(("numpy/", "PySide6/"))]
    for tool in ("pytest", "_pytest", "hypothesis", "playwright", "moto", "PyInstaller"):
        assert not (internal / tool).exists(), tool


def test_install_script_puts_launcher_menu_entry_and_icons(
    app_dir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "rep-home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    done = subprocess.run(
        ["sh", str(app_dir / "install.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    launcher = home / ".local" / "bin" / "rep-video"
    entry = home / ".local" / "share" / "applications" / "rep-video.desktop"
    icon = home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / "rep-video.png"
    assert launcher.is_symlink() and icon.is_file()
    assert f'Exec="{app_dir / "rep-video"}"' in entry.read_text(encoding="utf-8")
    # The launcher (a symlink) finds the folder it points into.
    out = subprocess.run([str(launcher), "--version"], env=bare_env, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("rep-video "), out.stderr
    removed = subprocess.run(
        ["sh", str(app_dir / "install.sh"), "--uninstall"], env=env, capture_output=True, timeout=60
    )
    assert removed.returncode == 0
    assert not launcher.exists() and not entry.exists() and not icon.exists()


def test_background_send_is_finished_by_a_worker_the_frozen_app_starts(
    app_dir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", duration=3.0)
    out_dir = tmp_path / "published"
    out = _run(
        app_dir, bare_env,
        "send", str(clip), "--to", "Dr. Later", "--from-name", "Alex Rep",
        "--target", f"folder:{out_dir}", "--background",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    index = Path(out.stdout.strip().splitlines()[-1])
    assert index.is_relative_to(out_dir)
    # The worker is the frozen executable started again (sys.executable) by the app.
    deadline = time.monotonic() + 120
    while not index.is_file():
        assert time.monotonic() < deadline, _run(app_dir, bare_env, "outbox", "list").stdout
        time.sleep(0.5)
    assert "Dr. Later" in index.read_text(encoding="utf-8")


def test_pages_in_every_shipped_language_write_their_dates(
    app_dir: Path, bare_env: dict[str, str], tmp_path: Path
) -> None:
    """Babel's data ships for the page languages only (packaging/freeze_rules.py): one send
    to a physician in each of them, each page writes its expiry date as that language does."""
    from datetime import UTC, datetime, timedelta

    from babel.dates import format_date

    from rep_video.share.page_i18n import LANGUAGES

    clip = make_clip(tmp_path / "clip.mp4", duration=2.0)
    recipients = tmp_path / "recipients.csv"
    rows = [f"Dr. {lang.upper()},,{lang}" for lang in LANGUAGES]
    recipients.write_text("name,email,language\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out_dir = tmp_path / "published"
    before = datetime.now(UTC)
    out = _run(
        app_dir, bare_env,
        "send", str(clip), "--recipients", str(recipients), "--from-name", "Alex Rep",
        "--target", f"folder:{out_dir}", "--expires-in", "30",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    days = {(t + timedelta(days=30)).date() for t in (before, datetime.now(UTC))}
    pages = {}
    for index in out_dir.rglob("index.html"):
        html = index.read_text(encoding="utf-8")
        lang = html.split('<html lang="', 1)[1].split('"', 1)[0]
        pages[lang] = html
    assert sorted(pages) == sorted(LANGUAGES)
    for lang, html in pages.items():
        assert f"Dr. {lang.upper()}" in html
        written = {format_date(day, format="long", locale=lang) for day in days}
        assert any(w in html for w in written), (lang, written)


_LOAD_ALL = """
import ctypes, os, sys
for dirpath, _dirs, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        if ".so" not in name or os.path.islink(path):
            continue
        with open(path, "rb") as f:
            if f.read(4) != b"\\x7fELF":
                continue
        try:
            ctypes.CDLL(path)
            print("ok", os.path.relpath(path, sys.argv[1]))
        except OSError as e:
            print("FAIL", os.path.relpath(path, sys.argv[1]), str(e).replace(chr(10), " "))
"""


def test_every_shared_library_in_the_build_loads(app_dir: Path) -> None:
    """The build's libraries are stripped (packaging/rep-video.spec): each still loads with
    the dynamic loader, next to the build's own libraries, in the Python the build froze."""
    internal = app_dir / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_ALL, str(internal)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("ok ") for line in lines) > 300
    # Qt's own FFmpeg takes OpenSSL from the stub its multimedia plugin loads first
    # (libQt6FFmpegStub-ssl); alone, those four cannot resolve RAND_bytes.
    failed = [line for line in lines if line.startswith("FAIL ")]
    unexpected = [
        line for line in failed
        if not (line.startswith("FAIL PySide6/Qt/lib/lib") and "OPENSSL_3" in line)
    ]  # fmt: skip
    assert not unexpected, unexpected
    assert len(failed) <= 4, failed


def test_opencv_uses_pyavs_ffmpeg_and_binds_every_symbol(app_dir: Path) -> None:
    """OpenCV's FFmpeg ships as links to PyAV's of the same version (packaging/shared_libs.py):
    with every symbol bound at load (LD_BIND_NOW), `cv2` finds all it imports in them."""
    internal = app_dir / "_internal"
    ffmpeg = sorted((internal / "opencv_python_headless.libs").glob("libavcodec-*"))
    assert ffmpeg and all(p.is_symlink() for p in ffmpeg)
    assert all(p.resolve().parent == (internal / "av.libs").resolve() for p in ffmpeg)
    assert not list((internal / "opencv_python_headless.libs").glob("libvpx-4*"))
    script = "import ctypes, sys; ctypes.CDLL(sys.argv[1]); print('bound')"
    done = subprocess.run(
        [sys.executable, "-c", script, str(internal / "cv2" / "cv2.abi3.so")],
        env=dict(os.environ, LD_BIND_NOW="1"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip() == "bound", done.stderr


def test_qts_trimmed_icu_data_serves_the_apps_languages(app_dir: Path) -> None:
    """Qt's ICU data holds the app's languages only (packaging/icu_data.py): what Qt asks of
    ICU (collation, time-zone names, case mapping, codecs) still answers in them."""
    from tests.packaging.icu_support import assert_app_languages_work, icu_answers

    qt_lib = app_dir / "_internal" / "PySide6" / "Qt" / "lib"
    assert next(qt_lib.glob("libicudata.so.*")).stat().st_size < 8 * 2**20
    assert_app_languages_work(icu_answers(qt_lib))
