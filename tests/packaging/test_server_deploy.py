"""The share server's deployment files: the systemd unit and its nginx-accel drop-in
(systemd-analyze when available; the server started as the unit starts it serves media), the
container recipe's user, settings and health check, and the server requirements the image
installs — checked by importing the server with every desktop-only package blocked."""

from __future__ import annotations

import contextlib
import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.packaging.support import PACKAGING, ROOT, load_script

SERVER = PACKAGING / "server"
UNIT = SERVER / "rep-video-server.service"
ACCEL_DROP_IN = SERVER / "rep-video-server.service.d" / "nginx-accel.conf"
DOCKERFILE = SERVER / "Dockerfile"


def _unit_values(key: str, path: Path = UNIT) -> list[str]:
    return re.findall(rf"^{key}=(.*)$", path.read_text(encoding="utf-8"), re.M)


def test_unit_runs_unprivileged_and_hardened() -> None:
    assert _unit_values("User") == ["rep-video"]
    assert _unit_values("NoNewPrivileges") == ["yes"]
    assert _unit_values("ProtectSystem") == ["strict"]
    assert _unit_values("CapabilityBoundingSet") == [""]
    assert _unit_values("StateDirectory") == ["rep-video"]
    env = dict(v.split("=", 1) for v in _unit_values("Environment"))
    assert env["REP_VIDEO_SERVER_HOST"] == "127.0.0.1"  # behind nginx on the same host
    assert env["REP_VIDEO_SERVER_DATA_DIR"] == "/var/lib/rep-video"
    # Without nginx in front, X-Accel-Redirect would answer every media request with an empty
    # body: the unit streams media, and only the nginx-accel drop-in turns the hand-over on.
    assert "REP_VIDEO_SERVER_ACCEL_REDIRECT" not in env


def test_the_accel_drop_in_sets_the_hand_over_and_nothing_else() -> None:
    lines = [
        ln
        for ln in ACCEL_DROP_IN.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert lines == ["[Service]", "Environment=REP_VIDEO_SERVER_ACCEL_REDIRECT=/_rv_blobs/"]


def _systemd_verify(tmp_path: Path, drop_in: str) -> subprocess.CompletedProcess[str]:
    unit = tmp_path / "rep-video-server.service"
    # The unit names the venv of a real install; point it at this Python for the check.
    unit.write_text(
        UNIT.read_text(encoding="utf-8").replace("/opt/rep-video/venv/bin/python", sys.executable)
    )
    (tmp_path / "rep-video-server.service.d").mkdir()
    (tmp_path / "rep-video-server.service.d" / "nginx-accel.conf").write_text(drop_in)
    # The unit path makes systemd read the drop-in folder beside the unit, as in /etc.
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{tmp_path}:"}
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def _problems(out: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        ln
        for ln in (out.stdout + out.stderr).splitlines()
        if "rep-video-server.service" in ln and "Failed to" not in ln.split(":", 1)[0]
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_unit_and_its_drop_in(tmp_path: Path) -> None:
    out = _systemd_verify(tmp_path, ACCEL_DROP_IN.read_text(encoding="utf-8"))
    assert out.returncode == 0 and not _problems(out), out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_reads_the_drop_in(tmp_path: Path) -> None:
    # The check above can fail: a broken line in the drop-in is reported.
    out = _systemd_verify(tmp_path, '[Service]\nEnvironment=REP_VIDEO_SERVER_ACCEL_REDIRECT="\n')
    assert any("nginx-accel.conf" in ln for ln in _problems(out)), out.stdout + out.stderr


def _as_the_unit_starts_it(data_dir: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """ExecStart and the environment of the unit alone (no drop-in), this checkout in place
    of /opt/rep-video/src and a temp folder in place of /var/lib/rep-video."""
    env = {"PATH": os.environ["PATH"]}  # systemd starts services with a clean environment
    for assignment in _unit_values("Environment"):
        key, value = assignment.split("=", 1)
        value = value.replace("/var/lib/rep-video", str(data_dir))
        env[key] = value.replace("/opt/rep-video/src", str(ROOT))
    env["REP_VIDEO_SERVER_PORT"] = str(port)
    (exec_start,) = _unit_values("ExecStart")
    argv = exec_start.split()
    assert argv[0] == "/opt/rep-video/venv/bin/python"
    return [sys.executable, *argv[1:]], env


@pytest.mark.process  # the unit's own ExecStart and environment
def test_the_server_started_as_the_unit_starts_it_serves_media_bytes(tmp_path: Path) -> None:
    # No proxy in front: the video and an attachment must come with their bytes (Range too),
    # not as an empty hand-over to an nginx that is not there.
    from tests.server.helpers import attachment, create_and_publish, manifest
    from tests.support.catalog_push import push_catalog
    from tests.support.clips import make_clip
    from tests.support.server_process import free_port

    data_dir = tmp_path / "var-lib-rep-video"
    data_dir.mkdir(mode=0o750)
    argv, env = _as_the_unit_starts_it(data_dir, free_port())
    assert env["REP_VIDEO_SERVER_DATA_DIR"] == str(data_dir)
    base = f"http://127.0.0.1:{env['REP_VIDEO_SERVER_PORT']}"
    video = make_clip(tmp_path / "clip.mp4", duration=2.0, size=(320, 180))
    # A standalone server attaches only its own catalog's items: the sample catalog, pushed.
    catalog = ROOT / "resources" / "catalog" / "sample-catalog.toml"
    leaflet = catalog.parent / "files" / "patient-support-program.pdf"
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd="/", env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(proc, base, log_path)

        def new_token(*flags: str) -> str:
            return subprocess.run(
                [sys.executable, "-m", "rep_video", "serve-token", *flags],
                cwd="/", env=env, capture_output=True, text=True, timeout=60, check=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip

        push_catalog(base, new_token("--name", "it", "--admin"), catalog)
        token = new_token("--name", "rita")
        item = attachment("patient-support-program.pdf", id="patient-support")
        share = create_and_publish(base, token, {"video.mp4": video}, manifest(attachments=(item,)))
        path = share["url"].split("/s/", 1)[1]
        url = f"{base}/s/{path}/media/video.mp4"
        data = video.read_bytes()
        full = httpx.get(url, timeout=30)
        assert full.status_code == 200 and full.content == data
        assert "x-accel-redirect" not in full.headers
        probe = httpx.get(url, headers={"Range": "bytes=0-1"}, timeout=30)
        assert probe.status_code == 206 and probe.content == data[:2]
        assert probe.headers["content-range"] == f"bytes 0-1/{len(data)}"
        middle = httpx.get(url, headers={"Range": "bytes=1000-4999"}, timeout=30)
        assert middle.status_code == 206 and middle.content == data[1000:5000]
        tail = httpx.get(url, headers={"Range": "bytes=-100"}, timeout=30)
        assert tail.status_code == 206 and tail.content == data[-100:]
        doc = httpx.get(f"{base}/s/{path}/media/files/patient-support-program.pdf", timeout=30)
        assert doc.status_code == 200 and doc.content == leaflet.read_bytes()
        # The bytes came from the unit's data folder (the one nginx's alias names).
        assert (data_dir / "blobs" / "shares" / share["id"] / "video.mp4").read_bytes() == data
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"the server did not start as the unit starts it:\n{log.read_text()}")


def test_container_runs_as_a_non_root_user_with_a_health_check() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    final_stage = text.split("\nFROM ")[-1]
    users = re.findall(r"^USER (\S+)", final_stage, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "useradd --system --uid 10001" in final_stage
    assert re.search(r"^HEALTHCHECK .*\n?.*?/healthz", final_stage, re.M)
    assert 'CMD ["python", "-m", "rep_video", "serve"]' in final_stage
    # Settings come from the environment; no public URL is baked in.
    assert "REP_VIDEO_SERVER_HOST=0.0.0.0" in final_stage
    assert "REP_VIDEO_SERVER_PUBLIC_URL" not in final_stage.split("ENV ", 1)[1].split("USER")[0]


def test_container_settings_without_public_url_refuse_to_start(tmp_path: Path) -> None:
    # The image listens on 0.0.0.0: started without REP_VIDEO_SERVER_PUBLIC_URL it must stop
    # with a one-line message (exit 2), not serve links that phones cannot open.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REP_VIDEO_SERVER_")}
    env.update(
        REP_VIDEO_SERVER_HOST="0.0.0.0",
        REP_VIDEO_SERVER_PORT="8765",
        REP_VIDEO_SERVER_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    out = subprocess.run(
        [sys.executable, "-m", "rep_video", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "REP_VIDEO_SERVER_PUBLIC_URL" in out.stderr
    assert "Traceback" not in out.stderr


def test_server_requirements_leave_out_the_desktop_stack() -> None:
    reqs = load_script("server/server_requirements.py").server_requirements(ROOT / "pyproject.toml")
    names = {re.split(r"[<>=!~\[;\s]", r, maxsplit=1)[0].lower() for r in reqs}
    assert {"fastapi", "uvicorn", "sqlalchemy", "av", "jinja2", "psycopg"} <= names
    assert not {"pyside6-essentials", "pyside6-addons", "opencv-python-headless", "moviepy"} & names


BLOCKER = """
import importlib.abc, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("desktop-only module " + name + " is not in the server image")
sys.meta_path.insert(0, Block())
import rep_video.server.app
from rep_video.cli import build_parser
build_parser().parse_args(["serve", "--help"])
"""


def test_server_runs_with_only_the_server_requirements() -> None:
    # Import the server and build the whole command line (as `python -m rep_video serve`
    # does in the image) while every package the image leaves out is unimportable.
    desktop_only = load_script("server/server_requirements.py").DESKTOP_ONLY
    blocked = {
        module
        for module, dists in md.packages_distributions().items()
        if any(d.lower().replace("_", "-") in desktop_only for d in dists)
    }
    # What those pull in and the server does not install either.
    blocked |= {"shiboken6", "imageio", "proglog", "tinydb"}
    assert {"PySide6", "cv2", "moviepy"} <= blocked
    out = subprocess.run(
        [sys.executable, "-c", BLOCKER.format(blocked=blocked)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "--public-url" in out.stdout


def test_build_context_admits_exactly_what_the_image_copies() -> None:
    copied = {
        src.rstrip("/")
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for src in line.split()[1:-1]
    }
    ignore = (SERVER / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    admitted = {ln[1:].rstrip("/") for ln in ignore if ln.startswith("!")}
    assert "*" in ignore  # everything else (.venv, builds, tests) stays out
    assert copied == admitted
    for path in copied:
        assert (ROOT / path).exists(), path
