"""Secrets (server API tokens, S3 secret keys) live in the OS keychain through `keyring`, never
in a file. With no usable keychain we say so and stop: falling back to a plain-text store on
our own would put a credential on disk behind the user's back (docs/ARCHITECTURE.md,
"Decisions"). The admin's own exception for headless machines, a server token in the
environment or an owner-only file, is share/targets/server_token.py."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from rep_video.errors import UserError

SERVICE = "RepVideo"
# Backends that store secrets readable by anyone with the file: never acceptable.
_PLAINTEXT_BACKENDS = ("keyrings.alt.file.PlaintextKeyring", "keyrings.alt.file.EncryptedKeyring")


class KeychainUnavailable(UserError):
    """No system keychain this app may use: the user must install or unlock one."""

    kind = "keychain"


# What keyring's class names mean to a person reading `rep-video doctor`.
_KNOWN_BACKENDS = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}
# The programs that answer as the Secret Service on a desktop session bus.
_SECRET_SERVICE_PROGRAMS = {
    "gnome-keyring-daemon": "GNOME Keyring",
    "kwalletd5": "KWallet",
    "kwalletd6": "KWallet",
    "ksecretd": "KWallet",
    "keepassxc": "KeePassXC",
}


def _name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    return not (
        isinstance(backend, fail.Keyring | null.Keyring | chainer.ChainerBackend)
        or _name(backend) in _PLAINTEXT_BACKENDS
    )


def _backend() -> keyring.backend.KeyringBackend:
    """The one keychain secrets go to and come from. keyring's chainer (chosen when several
    backends are installed) writes to its first backend but reads from all of them, a
    plain-text file included; resolving it to that first usable backend keeps every secret in
    the keychain `doctor` names."""
    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend):
        backend = next((b for b in backend.backends if _usable(b)), backend)
    if not _usable(backend):
        raise KeychainUnavailable(
            "No usable system keychain was found to store secrets; install/unlock one "
            "(e.g. GNOME Keyring or KWallet on Linux) and try again."
        )
    return backend


def keychain_description() -> str:
    """Which keychain holds the secrets, as `doctor` shows it: "Secret Service (GNOME
    Keyring) (keyring.backends.SecretService.Keyring)". Raises KeychainUnavailable."""
    backend = _backend()
    name = _name(backend)
    known = _KNOWN_BACKENDS.get(name)
    if known is None:
        return name
    if known.startswith("Secret Service") and (program := _secret_service_program()):
        known = f"{known}: {_SECRET_SERVICE_PROGRAMS.get(program, program)}"
    return f"{known} ({name})"


def _secret_service_program() -> str | None:
    """The program that owns org.freedesktop.secrets on the session bus, e.g.
    "gnome-keyring-daemon"; None when it cannot be told (no bus, not Linux, no jeepney)."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus = DBusAddress(
            "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )  # fmt: skip
        call = new_method_call(bus, "GetConnectionUnixProcessID", "s", ("org.freedesktop.secrets",))
        with open_dbus_connection(bus="SESSION") as conn:
            pid = conn.send_and_get_reply(call, timeout=2).body[0]
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except Exception:  # only a nicer name is lost; the backend is named anyway
        return None
    return Path(argv0.decode(errors="replace")).name or None


def keychain_usable() -> bool:
    """Whether a usable system keychain is there now (a failed send asks before a retry)."""
    try:
        _backend()
    except KeychainUnavailable:
        return False
    return True


def _user(target: str, what: str) -> str:
    return f"{target}:{what}"


def set_secret(target: str, what: str, value: str) -> None:
    """Store `what` ("api_token", "secret_access_key") for a target in the keychain."""
    if not value:
        raise UserError(f"The {what.replace('_', ' ')} for {target!r} is empty; paste it again.")
    try:
        _backend().set_password(SERVICE, _user(target, what), value)
    except keyring.errors.KeyringError as exc:
        raise UserError(
            f"The system keychain refused to store the secret ({exc}); unlock it."
        ) from exc


def get_secret(target: str, what: str) -> str | None:
    try:
        return _backend().get_password(SERVICE, _user(target, what))
    except keyring.errors.KeyringError as exc:
        raise UserError(
            f"The system keychain could not be read ({exc}); unlock it and retry."
        ) from exc


def require_secret(target: str, what: str, hint: str) -> str:
    value = get_secret(target, what)
    if not value:
        raise UserError(f"No {what.replace('_', ' ')} stored for target {target!r}; {hint}.")
    return value


def delete_secret(target: str, what: str) -> None:
    try:
        _backend().delete_password(SERVICE, _user(target, what))
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored: already in the state the caller wants
    except keyring.errors.KeyringError as exc:
        raise UserError(
            f"The system keychain refused to delete the secret ({exc}); unlock it."
        ) from exc
