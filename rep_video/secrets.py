"""Secrets (server API tokens, S3 secret keys) live in the OS keychain through `keyring`, never
in a file. With no usable keychain we say so and stop: falling back to a plain-text store on
our own would put a credential on disk behind the user's back (docs/ARCHITECTURE.md,
"Decisions")."""

from __future__ import annotations

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


def _backend() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    unusable = (
        isinstance(backend, fail.Keyring | null.Keyring)  # null: accepts and forgets
        or (isinstance(backend, chainer.ChainerBackend) and not backend.backends)
        or name in _PLAINTEXT_BACKENDS
    )
    if unusable:
        raise KeychainUnavailable(
            "No usable system keychain was found to store secrets; install/unlock one "
            "(e.g. GNOME Keyring or KWallet on Linux) and try again."
        )
    return backend


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
