"""What a rep does when there is no usable system keychain, for their platform. RepVideo keeps
share tokens only there (never in a file), so without one the built-in server and every
target with a token cannot be used until it is fixed."""

from __future__ import annotations

import sys

from ui.i18n import QT_TRANSLATE_NOOP, translate

LINUX = QT_TRANSLATE_NOOP(
    "keychain_help",
    "RepVideo keeps its access tokens in the system keychain, and none is running. Install "
    "GNOME Keyring (for example: sudo apt install gnome-keyring) or KWallet, log out and in "
    "again so that it starts and unlocks with your login, then press Retry.",
)
MACOS = QT_TRANSLATE_NOOP(
    "keychain_help",
    "RepVideo keeps its access tokens in the macOS keychain, and it is locked. Open Keychain "
    "Access, unlock the “login” keychain (File → Unlock Keychain), then press Retry.",
)
WINDOWS = QT_TRANSLATE_NOOP(
    "keychain_help",
    "RepVideo keeps its access tokens in Windows Credential Manager, which is not available "
    "to this account. Sign in with your own Windows account (not a guest or kiosk account), "
    "then press Retry; your IT team can help if it stays unavailable.",
)


def keychain_steps(platform: str | None = None) -> str:
    platform = platform or sys.platform
    if platform == "darwin":
        return translate("keychain_help", MACOS)
    if platform.startswith("win"):
        return translate("keychain_help", WINDOWS)
    return translate("keychain_help", LINUX)
