"""The share server's deployment files: the systemd unit (systemd-analyze when available), the
container recipe's user, settings and health check, and the server requirements the image
installs — checked by importing the server with every desktop-only package blocked."""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.support import PACKAGING, ROOT, load_script

SERVER = PACKAGING / "server"
UNIT = SERVER / "rep-video-server.service"
DOCKERFILE = SERVER / "Dockerfile"


def _unit_values(key: str) -> list[str]:
    return re.findall(rf"^{key}=(.*)$", UNIT.read_text(encoding="utf-8"), re.M)


def test_unit_runs_unprivileged_and_hardened() -> None:
    assert _unit_values("User") == ["rep-video"]
    assert _unit_values("NoNewPrivileges") == ["yes"]
    assert _unit_values("ProtectSystem") == ["strict"]
    assert _unit_values("CapabilityBoundingSet") == [""]
    assert _unit_values("StateDirectory") == ["rep-video"]
    env = dict(v.split("=", 1) for v in _unit_values("Environment"))
    assert env["REP_VIDEO_SERVER_HOST"] == "127.0.0.1"  # behind nginx on the same host
    assert env["REP_VIDEO_SERVER_DATA_DIR"] == "/var/lib/rep-video"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    unit = tmp_path / "rep-video-server.service"
    # The unit names the venv of a real install; point it at this Python for the check.
    unit.write_text(
        UNIT.read_text(encoding="utf-8").replace("/opt/rep-video/venv/bin/python", sys.executable)
    )
    out = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        ln
        for ln in (out.stdout + out.stderr).splitlines()
        if "rep-video-server.service" in ln and "Failed to" not in ln.split(":", 1)[0]
    ]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr


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
