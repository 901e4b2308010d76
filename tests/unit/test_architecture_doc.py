"""docs/ARCHITECTURE.md stays true to the tree: every file it names exists, the README links
it, and nothing in the code or docs cites a design file that is not in the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
# A path in backticks: `rep_video/share/send.py`, `ui/tasks.py`, `tests/data/`, …
NAMED = re.compile(r"`((?:rep_video|ui|tests|docs|packaging|resources|scripts)/[\w./-]*)`")
# A module named on its own, `send.py` or `capture/`, in a line that names its package first.
SHORT = re.compile(r"`([\w]+(?:/[\w]+)*(?:\.py|/))`")


def named_paths(text: str) -> list[str]:
    """Every path the document names, a short name resolved against its line's package."""
    found: set[str] = set()
    for line in text.splitlines():
        full = NAMED.findall(line)
        found.update(full)
        base = next((f for f in full if f.endswith("/")), None)
        if base is not None:
            found.update(
                base + short for short in SHORT.findall(line) if not NAMED.match(f"`{short}`")
            )
    return sorted(found)


def test_every_module_the_architecture_names_exists() -> None:
    named = named_paths(DOC.read_text(encoding="utf-8"))
    assert len(named) > 60, named  # the doc names the modules it describes
    missing = [n for n in named if not (ROOT / n).exists()]
    assert missing == []


def test_the_readme_links_the_architecture() -> None:
    assert "(docs/ARCHITECTURE.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_citation_points_outside_the_repository() -> None:
    out = subprocess.run(
        ["git", "grep", "-n", "-I", "-e", "DESIGN.md", "-e", "house rule", "--",
         "rep_video", "ui", "docs", "tests", "README.md", "packaging", "scripts", ".ci",
         "dev.py", "pyproject.toml"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode == 128:  # not a git checkout (an unpacked sdist): read the files
        hits = [
            f"{p}: {line}"
            for top in ("rep_video", "ui", "docs", "tests")
            for p in (ROOT / top).rglob("*.py")
            for line in p.read_text(encoding="utf-8").splitlines()
            if "DESIGN.md" in line or "house rule" in line
        ]
    else:
        hits = out.stdout.splitlines()
    # Only this test and the architecture document itself may say the words.
    allowed = ("docs/ARCHITECTURE.md:", "tests/unit/test_architecture_doc.py:")
    assert [h for h in hits if not h.startswith(allowed)] == []
