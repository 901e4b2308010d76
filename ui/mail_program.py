"""Whether this computer has a mail program for mailto: links.

Asking the desktop to open a mailto: link with no mail program set up fails silently on Linux
(xdg-open starts nothing) and returns False on macOS and Windows; the rep must be told, not
left clicking a button that does nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys


def has_mail_program() -> bool | None:
    """True/False when the system can tell; None when it cannot (then trust openUrl)."""
    if not sys.platform.startswith("linux"):
        return None
    query = shutil.which("xdg-mime")
    if query is None:
        return None
    try:
        out = subprocess.run(
            [query, "query", "default", "x-scheme-handler/mailto"],
            capture_output=True, text=True, timeout=5, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return bool(out.stdout.strip())
