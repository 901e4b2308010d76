"""A small text file the rep names (a script, a caption file), read with every problem a
one-line error: missing, a folder, too large, unreadable, not UTF-8."""

from __future__ import annotations

from pathlib import Path

from rep_video.errors import UserError


def read_user_text(
    path: Path, *, max_bytes: int, what: str, error: type[UserError] = UserError
) -> str:
    """The text of `path` (UTF-8, a BOM allowed). `what` names the file in messages
    ("caption file"); `error` is the UserError subclass raised."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(
                f"{path.name} is {size // 1024} KB; a {what} is at most {max_bytes // 1024} KB."
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"no {what} at {path}; check the path.") from None
    except IsADirectoryError:
        raise error(f"{path} is a folder; give the {what} itself.") from None
    except OSError as exc:
        raise error(f"cannot read {path} ({exc.strerror}); check the file.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{path.name} is not UTF-8 text; save the {what} as UTF-8.") from None
