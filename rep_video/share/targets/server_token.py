"""Where a server target's API token comes from. The OS keychain is the default and the rule;
machines without one (a scheduled export, a kiosk, a test rig) may instead give the token in
the environment, `REP_VIDEO_TARGET_<NAME>_TOKEN`, or in a file only its owner can read (the
target's `token_file`). docs/ADMIN.md, "Headless machines"."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from rep_video import secrets
from rep_video.config import TargetConfig
from rep_video.errors import UserError


class TokenFileRefused(UserError):
    """A token file that others could read, or that cannot be read at all."""


def env_name(target: str) -> str:
    """`REP_VIDEO_TARGET_ACME_EU_TOKEN` for the target `acme-eu`."""
    return f"REP_VIDEO_TARGET_{re.sub(r'[^A-Z0-9]', '_', target.upper())}_TOKEN"


def read_token_file(path: Path) -> str:
    """The token in `path` (its first line), refused unless only its owner can read it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise TokenFileRefused(f"token file {path} does not exist; write the token there") from None
    except OSError as exc:
        raise TokenFileRefused(f"token file {path} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise TokenFileRefused(f"token file {path} is not a regular file; point at the file")
    # POSIX permissions only: on Windows the folder's ACL decides, as for the user's config.
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode & 0o077:
        raise TokenFileRefused(
            f"token file {path} can be read by others (mode {mode:04o}); "
            f"run `chmod 600 {path}` and keep it owned by the user that sends"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise TokenFileRefused(f"token file {path} cannot be read ({reason})") from None
    token = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not token:
        raise TokenFileRefused(f"token file {path} is empty; write the API token in it")
    return token


def server_token(config: TargetConfig, environ: Mapping[str, str] | None = None) -> str:
    """The target's token: its environment variable if set, else its token file if it has
    one, else the keychain. Neither of the first two touches the keychain."""
    environ = os.environ if environ is None else environ
    name = env_name(config.name)
    if name in environ:
        if not (value := environ[name].strip()):
            raise UserError(f"{name} is set but empty; put the API token in it or unset it")
        return value
    if file := config.param("token_file"):
        return read_token_file(Path(file).expanduser())
    return secrets.require_secret(
        config.name,
        "api_token",
        f"store it with `rep-video targets secret {config.name} --token-stdin`",
    )


def token_source(config: TargetConfig, environ: Mapping[str, str] | None = None) -> str:
    """Where the token would come from, for `targets list`: "api token from ...", "api token
    stored" or "api token missing" (a missing keychain says so as an error)."""
    environ = os.environ if environ is None else environ
    name = env_name(config.name)
    if name in environ:
        return f"api token from {name}"
    if file := config.param("token_file"):
        return f"api token from {file}"
    stored = secrets.get_secret(config.name, "api_token")
    return f"api token {'stored' if stored else 'missing'}"
