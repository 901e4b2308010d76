"""`pip install .` (not editable) must give a working app: the wheel carries resources/ as
rep_video/_resources, and the explicit package list in pyproject.toml misses no package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _declared_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(config["packages"])


def test_every_source_package_is_listed() -> None:
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("rep_video", "ui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    in_resources = {
        ".".join(("rep_video", "_resources", *d.relative_to(ROOT / "resources").parts))
        for d in [ROOT / "resources", *(p for p in (ROOT / "resources").rglob("*") if p.is_dir())]
        if "__pycache__" not in d.parts
    }
    assert _declared_packages() == in_tree | in_resources


@pytest.mark.slow
def test_wheel_carries_resources_and_finds_them(tmp_path: Path) -> None:
    # Built from a copy: setuptools writes build/ and *.egg-info next to the sources.
    src = tmp_path / "src"
    for part in ("rep_video", "ui", "resources"):
        shutil.copytree(ROOT / part, src / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / part, src / part)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "--disable-pip-version-check", "-w", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("rep_video-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    shipped = {
        "rep_video/_resources/" + p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file()
    }
    assert shipped <= names, sorted(shipped - names)
    # The installed copy, run without the checkout on its path, finds its own resources.
    probe = (
        "from rep_video.resources import resource_path; "
        "p = resource_path('share', 'page.html.j2'); print(p.is_file(), p)"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, 'site'); {probe}"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out[0] == "True"
    assert Path(out[1]).is_relative_to(tmp_path / "site")
