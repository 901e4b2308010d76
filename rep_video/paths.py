"""Where RepVideo keeps things. `REP_VIDEO_HOME` puts config, data and cache under one folder
(tests and scripts); otherwise the platform's usual places (platformdirs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP = "RepVideo"
ADMIN_CONFIG_ENV = "REP_VIDEO_ADMIN_CONFIG"


def _home() -> Path | None:
    value = os.environ.get("REP_VIDEO_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def admin_config_file() -> Path:
    """The machine-wide config IT deploys; its settings win over the user's.

    Linux: /etc/xdg/RepVideo/admin.toml · macOS: /Library/Application Support/RepVideo/admin.toml
    · Windows: %PROGRAMDATA%\\RepVideo\\admin.toml. `REP_VIDEO_ADMIN_CONFIG` overrides it, and
    with `REP_VIDEO_HOME` set it is `<home>/admin/admin.toml`."""
    if value := os.environ.get(ADMIN_CONFIG_ENV):
        return Path(value).expanduser()
    home = _home()
    if home:
        return home / "admin" / "admin.toml"
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP / "admin.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP / "admin.toml"
    return Path(platformdirs.site_config_dir(APP, appauthor=False)) / "admin.toml"


def user_config_file() -> Path:
    return config_dir() / "config.toml"


def recordings_dir() -> Path:
    return data_dir() / "recordings"


def shares_dir() -> Path:
    """Staged share packages (video, poster, page) before and after upload."""
    return data_dir() / "shares"


def default_folder_target_dir() -> Path:
    """Where the built-in folder target publishes when no admin has configured one."""
    return data_dir() / "published"


def outbox_db() -> Path:
    return data_dir() / "outbox.sqlite3"
