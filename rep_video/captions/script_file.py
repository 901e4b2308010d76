"""The script a rep read, as text: checked and read from a file. Light on purpose (no audio,
no numpy): the CLI and the send request check scripts before any media work starts."""

from __future__ import annotations

from pathlib import Path

from rep_video.captions.textfile import read_user_text
from rep_video.errors import UserError

MAX_SCRIPT_CHARS = 20_000


def check_script(script: str) -> None:
    if not script.strip():
        raise UserError("the script is empty; give the text the rep read (a .txt file).")
    if len(script) > MAX_SCRIPT_CHARS:
        raise UserError(
            f"the script has {len(script)} characters; a script is at most "
            f"{MAX_SCRIPT_CHARS} (about 20 minutes of speech)."
        )


def read_script(path: Path) -> str:
    """A script file's text (UTF-8, a BOM allowed); UserError naming what is wrong."""
    text = read_user_text(path, max_bytes=MAX_SCRIPT_CHARS * 4, what="script file")
    check_script(text)
    return text
