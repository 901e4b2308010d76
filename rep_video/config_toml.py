"""Reading and writing the small TOML files RepVideo keeps its settings in.

Python ships a TOML reader (tomllib) but no writer; our files are two levels of tables holding
strings, numbers and booleans, so a small writer is enough and keeps dependencies down."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables, or {} when it does not exist. A broken file is a UserError that
    names it, so a typo never silently resets someone's settings."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise UserError(
            f"Settings file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    except OSError as exc:
        raise UserError(
            f"Cannot read settings file {path}: {exc.strerror}; check its permissions."
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"Settings file {path} is not valid TOML ({exc}); fix or delete it."
        ) from exc


def dumps(data: dict[str, Any]) -> str:
    """TOML text for `data`: scalars first, then one [table] per nested dict (recursively)."""
    lines: list[str] = []
    _emit(data, [], lines)
    return "\n".join(lines).strip() + "\n"


def write_toml(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, dumps(data))


def _emit(table: dict[str, Any], prefix: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in table.items() if isinstance(v, dict)}
    if prefix and (scalars or not tables):
        lines.append("")
        lines.append("[" + ".".join(_key(p) for p in prefix) + "]")
    for key, value in scalars.items():
        if value is None:
            continue  # TOML has no null: an absent key means "not set"
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, sub in tables.items():
        _emit(sub, [*prefix, key], lines)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string (same escapes), except for \u2028-style
        # characters, which json.dumps escapes anyway with ensure_ascii.
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
