"""House rule 1: the core never imports PySide6, not even indirectly."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
import rep_video
for mod in pkgutil.walk_packages(rep_video.__path__, "rep_video."):
    if not mod.name.endswith("__main__"):  # running it would start the app
        importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "shiboken6", "ui"})
print(",".join(bad))
"""


@pytest.mark.process
def test_importing_every_core_module_leaves_qt_out() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"rep_video pulled in: {out.stdout.strip()}"
