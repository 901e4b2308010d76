"""Whether a newer RepVideo is out, asked of the URL IT sets (`updates.url` in the admin
config; empty, the default: the app never asks, so nothing leaves a rep's laptop unless the
admin says so). The URL serves a small JSON document IT keeps with its installers:

    {"version": "0.2.0", "download": "https://it.acme.example/repvideo/", "notes": "..."}

The answer is kept for a day (`updates.json` in the cache folder), so the app asks at most
once a day however often it starts, and says nothing when IT's server cannot be reached."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rep_video import __version__, paths
from rep_video.errors import UserError
from rep_video.fileutil import atomic_write_text

CHECK_EVERY_SECONDS = 24 * 3600
TIMEOUT_SECONDS = 5.0
MAX_BYTES = 16 * 1024
_VERSION = re.compile(r"\d{1,6}(\.\d{1,6}){0,3}")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    download: str
    notes: str = ""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def is_newer(version: str, current: str = __version__) -> bool:
    """`version` is a later release than `current` (dotted numbers; 0.2 == 0.2.0)."""

    def padded(v: str) -> tuple[int, ...]:
        key = version_key(v)
        return key + (0,) * (4 - len(key))

    return padded(version) > padded(current)


def _web_address(text: str) -> bool:
    """An https:// address (http:// only on this machine, where IT may test a document)."""
    if len(text) > 2000:
        return False
    parts = urlsplit(text)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in _LOOPBACK


def parse_release(data: Any, source: str) -> Release:
    """The release a document describes; UserError naming what is wrong with it."""
    if not isinstance(data, dict):
        raise UserError(f"{source} did not answer with a JSON object; ask IT to check it.")
    version, download, notes = data.get("version"), data.get("download"), data.get("notes", "")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise UserError(f"{source}: 'version' must be dotted numbers such as \"0.2.0\".")
    if not isinstance(download, str) or not _web_address(download):
        raise UserError(f"{source}: 'download' must be an https:// address.")
    if not isinstance(notes, str) or len(notes) > 500:
        raise UserError(f"{source}: 'notes' must be text of at most 500 characters.")
    return Release(version, download, notes)


def check_url_problem(url: str) -> str | None:
    """Why `updates.url` cannot be used, or None."""
    if not _web_address(url):
        return "updates.url must be an https:// address (http only on 127.0.0.1)"
    return None


Fetch = Callable[[str], bytes]


def _fetch(url: str) -> bytes:
    import requests

    from rep_video.network import describe, session

    try:
        with session() as client, client.get(url, timeout=TIMEOUT_SECONDS, stream=True) as answer:
            if answer.status_code != 200:
                raise UserError(f"{url} answered HTTP {answer.status_code}; ask IT to check it.")
            body = answer.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise UserError(f"cannot ask {url} for updates: {describe(exc, url)}") from None
    if len(body) > MAX_BYTES:
        raise UserError(f"{url} answered with more than {MAX_BYTES} bytes; not an update notice.")
    return bytes(body)


def cache_file() -> Path:
    return paths.cache_dir() / "updates.json"


def newer_release(
    url: str, *, current: str = __version__, fetch: Fetch = _fetch, now: float | None = None
) -> Release | None:
    """The newer release `url` announces, or None (up to date, or `url` empty: checks off).
    Asks at most once a day; UserError (one line) when the answer cannot be used."""
    if not url:
        return None
    if problem := check_url_problem(url):
        raise UserError(problem)
    now = time.time() if now is None else now
    release = _cached(url, now)
    if release is None:
        try:
            release = parse_release(json.loads(fetch(url)), url)
        except (ValueError, UnicodeDecodeError):
            raise UserError(f"{url} did not answer with JSON; ask IT to check it.") from None
        _remember(url, release, now)
    return release if is_newer(release.version, current) else None


def _cached(url: str, now: float) -> Release | None:
    try:
        kept = json.loads(cache_file().read_text(encoding="utf-8"))
        if kept["url"] == url and 0 <= now - float(kept["checked_at"]) < CHECK_EVERY_SECONDS:
            return parse_release(kept["release"], "the kept answer")
    except (OSError, ValueError, KeyError, TypeError, UserError):
        pass  # no answer kept, or an unreadable one: ask again
    return None


def _remember(url: str, release: Release, now: float) -> None:
    path = cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        path, json.dumps({"url": url, "checked_at": now, "release": asdict(release)}) + "\n"
    )
