#!/usr/bin/env python3
"""RepVideo's two entry points for a fresh clone.

    python3 dev.py app    create .venv on first use, then launch the desktop app
    python3 dev.py test   lint (ruff), types (mypy), then the whole pytest suite
    python3 dev.py test --fast   lint, types, then the unit and server-API tests only
                          (the server in process, two pytest workers; no browser, no UI, no
                          slow or process tests)

Anything after the command is passed on (`dev.py app --demo-devices`, `dev.py test -k trim`).
Uses only the standard library so it runs before any dependency is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".rep-video-installed"
# The packaging extra (PyInstaller) lets the suite build and check the frozen app; the speech
# extra (faster-whisper) lets it test the recogniser adapter against the real library.
EXTRAS = ".[test,packaging,speech]"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


# The fast tier: what a change to the core or the server's API needs before a commit; CI still
# runs everything (`python3 dev.py test`). Two pytest workers (pytest-xdist, a module to a
# worker so each module's in-process server starts once). The capture tests run on them too:
# they feed the recorder as fast as it takes frames, and the one that dropped a frame beside
# the other worker (ten pauses in a row, docs/PERFORMANCE.md) is marked slow, so a run of its
# own, 2 s of start-up and 10 s with one core idle, bought nothing.
FAST_MARKS = ["-m", "not slow and not e2e and not gui and not process"]
FAST_RUNS = [["tests/unit", "tests/server", "-n", "2", "--dist", "loadscope"]]


def _want_stamp() -> str:
    # Reinstall whenever the declared dependencies change.
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()


def ensure_env() -> None:
    if not PY.exists():
        print("Creating .venv (first run only) ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _want_stamp():
        return
    print("Installing RepVideo and its dependencies into .venv ...", file=sys.stderr)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", EXTRAS],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(_want_stamp())


def run(argv: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(argv, cwd=ROOT, env=env).returncode


def cmd_app(args: list[str]) -> int:
    return run([str(BIN / "rep-video"), *args])


def cmd_test(args: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    steps = [
        [str(PY), "-m", "ruff", "check", "."],
        [str(PY), "-m", "ruff", "format", "--check", "."],
        [str(PY), "-m", "mypy"],
    ]
    for step in steps:
        print(
            "$",
            " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)),
            file=sys.stderr,
        )
        if (code := run(step, env)) != 0:
            return code
    if "--fast" in args:
        args = [a for a in args if a != "--fast"]
        # Fewer examples per property test in this tier (tests/support/examples.py).
        env["REP_VIDEO_TEST_TIER"] = "fast"
        # Keep the bytecode pytest writes of the test modules, assertions rewritten: with
        # PYTHONDONTWRITEBYTECODE set (as some shells and containers set it) every run and each
        # of its worker processes rewrote and compiled all 400-odd modules again, 5 s of CPU
        # a process. The cache is checked against each source file, so it never hides an edit.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return _first_failure(
            [run([str(PY), "-m", "pytest", *paths, *FAST_MARKS, *args], env) for paths in FAST_RUNS]
        )
    asked = [a for a in args if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    if asked:  # the paths asked for, as asked (an X display for an *_x11.py module alone)
        prefix, run_env = (
            _display_for(asked[0].split("::")[0], env) if len(asked) == 1 else ([], env)
        )
        return run([*prefix, str(PY), "-m", "pytest", *args], run_env)
    return _whole_suite(args, env)


def _whole_suite(args: list[str], env: dict[str, str]) -> int:
    """Everything but the UI tests in one pytest process, then each UI test module in a
    process of its own, as the app runs: one window in a fresh process. In one long process,
    dozens of windows made and destroyed one after another left Qt objects whose deferred
    deletion crashed the interpreter now and then (SIGSEGV in QObject::~QObject, from the
    event loop, in whichever window test came next); that is a defect of the test process's
    history, open in docs/APP.md, and one module at a time has not shown it.

    A module named *_x11.py needs a real X display (screen capture): it runs under its own
    `xvfb-run -a` with Qt's xcb platform, or, without xvfb-run, skips itself saying why."""
    runs = [["tests", "--ignore=tests/ui"]]
    runs += [[str(f.relative_to(ROOT))] for f in sorted((ROOT / "tests" / "ui").glob("test_*.py"))]
    codes = []
    for paths in runs:
        prefix, run_env = _display_for(paths[0], env)
        code = run([*prefix, str(PY), "-m", "pytest", *paths, *args], run_env)
        if code not in (0, 5):  # 5: nothing collected there (a -k that picks other modules)
            print(f"dev.py: pytest {' '.join(paths)} exited {code}", file=sys.stderr)
        codes.append(code)
    return _first_failure(codes)


def _first_failure(codes: list[int]) -> int:
    """One exit code for several pytest runs: the first failure's; else 0 if any ran a test;
    else 5 (nothing collected anywhere: a -k that picks nothing)."""
    failed = [c for c in codes if c not in (0, 5)]
    if failed:
        return failed[0]
    return 0 if 0 in codes else 5


def _display_for(path: str, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """What a test module runs under: an Xvfb display of its own for *_x11.py, at the largest
    size screen content is recorded at, said to be an X11 session (Qt lists capturable windows
    only when XDG_SESSION_TYPE says x11, as a desktop's login sets it)."""
    xvfb = shutil.which("xvfb-run")
    if not path.endswith("_x11.py") or xvfb is None:
        return [], env
    x11 = dict(env, QT_QPA_PLATFORM="xcb", XDG_SESSION_TYPE="x11")
    return [xvfb, "-a", "-s", "-screen 0 1920x1080x24"], x11


def main() -> int:
    commands = {"app": cmd_app, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_env()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
