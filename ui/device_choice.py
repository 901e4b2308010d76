"""Which camera and microphone the app opens: one setting each, `devices.camera` and
`devices.microphone` in config.toml — the same ones Settings shows — under the admin's locks.
The Record screen reads them and remembers what the rep picks there (unless the admin locked
it). Older versions also kept the last devices in ui.ini, where they won over Settings and over
a lock; `migrate_ui_ini` moves such a value into config.toml once, then forgets it."""

from __future__ import annotations

import contextlib

from rep_video import config
from rep_video.config import Settings
from rep_video.errors import UserError
from ui.devices import DeviceInfo
from ui.state import ui_settings

KEYS = {"camera": "devices.camera", "microphone": "devices.microphone"}
_OLD_INI_KEYS = {"camera": "devices/camera", "microphone": "devices/microphone"}


def current() -> Settings:
    """The settings now; their defaults if the files cannot be read (Settings says why)."""
    try:
        return config.load_settings()
    except UserError:
        return config.default_settings()


def preferred(settings: Settings, kind: str) -> str:
    """The device to open first: its label (or an id, from a migrated ui.ini); "" for any."""
    return str(settings.get(KEYS[kind]) or "")


def locked(settings: Settings, kind: str) -> bool:
    return settings.is_locked(KEYS[kind])


def remember(settings: Settings, kind: str, device: DeviceInfo) -> None:
    """The rep picked `device` on the Record screen: the default from now on (by its label, as
    Settings keeps it). Nothing is written over an admin's lock."""
    key = KEYS[kind]
    if settings.is_locked(key) or settings.get(key) == device.label:
        return
    with contextlib.suppress(UserError):  # a broken config file: the choice holds this session
        config.set_value(key, device.label)


def migrate_ui_ini(settings: Settings) -> None:
    """Move the devices ui.ini remembered into config.toml, once: only where the rep has not
    chosen in Settings and the admin has not locked the key; then drop them from ui.ini."""
    ini = ui_settings()
    for kind, old in _OLD_INI_KEYS.items():
        value = str(ini.value(old, "") or "")
        if value and not settings.is_locked(KEYS[kind]) and not settings.get(KEYS[kind]):
            with contextlib.suppress(UserError):
                config.set_value(KEYS[kind], value)
        ini.remove(old)
    ini.sync()
