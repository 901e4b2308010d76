"""`rep-video ARGS` run in the test's own process: the command's own code, its exit code, stdout
and stderr, with extra environment variables for the run (an uncaught exception — what would be
a traceback — fails the test). The fast tier has no time for a fresh interpreter per command;
a test about the process itself starts one (tests/support/server_process.py)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess

from rep_video.cli import main


def rep_video(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse refusing the command line
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["rep-video", *args], code, out.getvalue(), err.getvalue())
