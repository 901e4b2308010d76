"""The frozen app's entry point: PyInstaller runs this file as `__main__`.

It is the `rep-video` command itself (`rep_video.cli.main`), so `rep-video`, `rep-video doctor`,
`rep-video send ...` and `rep-video serve ...` all work from the one executable."""

from __future__ import annotations

import multiprocessing
import sys


def _argv() -> list[str]:
    args = sys.argv[1:]
    # Code that starts a helper as `sys.executable -m rep_video ...` (right for a source
    # install) reaches the frozen executable with those two words first: drop them so the
    # same call works in both worlds.
    if args[:2] == ["-m", "rep_video"]:
        args = args[2:]
    # Finder may still pass a process serial number to an app bundle; it is not a command.
    return [a for a in args if not (sys.platform == "darwin" and a.startswith("-psn_"))]


if __name__ == "__main__":
    # A no-op unless something uses multiprocessing, which in a frozen app re-runs this file.
    multiprocessing.freeze_support()
    from rep_video.cli import main

    sys.exit(main(_argv()))
