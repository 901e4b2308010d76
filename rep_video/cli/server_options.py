"""The options every command that works on a share server's own data takes (`serve`,
`serve-token`, `admin ...`): `--data` and `--config`, read the same way as `serve` does."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rep_video.server.settings import ServerSettings


def add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, help="the server's data folder (as for `serve`)")
    p.add_argument("--config", type=Path, help="the server's TOML settings file")


def server_settings(args: argparse.Namespace, **overrides: Any) -> ServerSettings:
    """Defaults, then --config, then REP_VIDEO_SERVER_*, then --data and `overrides`."""
    from rep_video.server.settings import load_settings

    return load_settings(config_file=args.config, overrides={"data_dir": args.data, **overrides})


def existing_server_settings(args: argparse.Namespace) -> ServerSettings:
    """`server_settings`, for a command that needs the server's database to exist already
    (an SQLite file is made by `serve`; a mistyped --data must not create an empty one)."""
    from rep_video.errors import UserError

    settings = server_settings(args)
    if not settings.database_url and not settings.sqlite_path.exists():
        raise UserError(
            f"no database at {settings.sqlite_path}; check --data (or start the server once)"
        )
    return settings
