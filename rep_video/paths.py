"""Where RepVideo keeps things. `REP_VIDEO_HOME` puts config, data and cache under one folder
(tests and scripts); otherwise the platform's usual places (platformdirs)."""

from __future__ import annotations

import os
import stat
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
    """The machine-wide config IT deploys; every key it sets wins over the user's and is locked.

    Linux: /etc/xdg/RepVideo/admin.toml · macOS: /Library/Application Support/RepVideo/admin.toml
    · Windows: the ProgramData known folder + RepVideo\\admin.toml. Neither `REP_VIDEO_HOME` nor
    `XDG_CONFIG_DIRS` nor `PROGRAMDATA` moves it: a rep who could point the app at a file of
    their own would unlock every setting. `REP_VIDEO_ADMIN_CONFIG` is honoured only for a file
    the user cannot write (`admin_override_problem`)."""
    if value := os.environ.get(ADMIN_CONFIG_ENV):
        override = Path(value).expanduser()
        if admin_override_problem(override) is None:
            return override
    return system_admin_config_file()


def system_admin_config_file() -> Path:
    if sys.platform == "win32":
        return _program_data() / APP / "admin.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP / "admin.toml"
    return Path("/etc/xdg") / APP / "admin.toml"


def admin_override_problem(path: Path) -> str | None:
    """Why `REP_VIDEO_ADMIN_CONFIG=path` is ignored, or None when it is honoured: the file and
    every folder above it must belong to root and be writable by no one else (a folder with
    the sticky bit, such as /tmp, may be world-writable: others cannot replace root's file in
    it). That is a file a rep cannot write. Windows has no such simple test, so there the
    system location is the only one."""
    if sys.platform == "win32":
        return "ignored on Windows; deploy the file to the ProgramData folder"
    try:
        real = path.resolve(strict=True)
        info = real.stat()
    except OSError:
        return f"{path} does not exist"
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a file"
    if info.st_uid != 0 or info.st_mode & 0o022:
        return f"{path} can be changed by users (it must belong to root, mode 644)"
    for folder in real.parents:
        meta = folder.stat()
        sticky = bool(meta.st_mode & stat.S_ISVTX)
        if meta.st_uid != 0 or (meta.st_mode & 0o022 and not sticky):
            return f"{path} is in {folder}, which users can change (it must belong to root)"
    return None


def _program_data() -> Path:
    """FOLDERID_ProgramData from the shell, not from the PROGRAMDATA variable a user sets."""
    import ctypes
    import uuid
    from ctypes import wintypes

    guid = uuid.UUID("{62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}")
    buffer = ctypes.c_wchar_p()
    shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
    raw = ctypes.create_string_buffer(guid.bytes_le)
    if shell32.SHGetKnownFolderPath(raw, wintypes.DWORD(0), None, ctypes.byref(buffer)) != 0:
        return Path(r"C:\ProgramData")
    try:
        return Path(str(buffer.value))
    finally:
        ctypes.windll.ole32.CoTaskMemFree(buffer)  # type: ignore[attr-defined]


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


def draft_file() -> Path:
    """The app's unsent draft (ui/draft_store.py); the app's purge never takes its video."""
    return config_dir() / "draft.json"


def outbox_db() -> Path:
    return data_dir() / "outbox.sqlite3"
