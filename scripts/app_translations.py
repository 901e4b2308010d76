#!/usr/bin/env python3
"""Bring the app's translation files up to date with the source:

    .venv/bin/python scripts/app_translations.py

pyside6-lupdate collects every `translate("context", "text")` and `QT_TRANSLATE_NOOP` in ui/
into resources/i18n/rep_video_<lang>.ts (new strings arrive as unfinished, removed ones are
dropped; no source locations, so moving code does not churn the files), then
pyside6-lrelease compiles each into the .qm the app loads. Translate the unfinished entries
(Qt Linguist: `.venv/bin/pyside6-linguist resources/i18n/rep_video_de.ts`) and run it again.
tests/unit/test_app_translations.py fails while a .ts is out of date, has an unfinished entry
or its .qm is not the compiled .ts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
I18N = ROOT / "resources" / "i18n"


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").glob("*.py"))


def lupdate(ts: Path) -> None:
    cmd = [str(BIN / "pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources()]
    subprocess.run([*cmd, "-ts", str(ts)], cwd=ROOT, check=True, capture_output=True)


def lrelease(ts: Path, qm: Path) -> None:
    cmd = [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)]
    subprocess.run(cmd, cwd=ROOT, check=True)


def main() -> int:
    from ui.i18n import APP_LANGUAGES, CATALOG_PREFIX

    I18N.mkdir(parents=True, exist_ok=True)
    for lang in APP_LANGUAGES:
        ts = I18N / f"{CATALOG_PREFIX}{lang}.ts"
        lupdate(ts)
        lrelease(ts, ts.with_suffix(".qm"))
        unfinished = ts.read_text(encoding="utf-8").count('type="unfinished"')
        print(f"{ts.relative_to(ROOT)}: {unfinished} unfinished")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
