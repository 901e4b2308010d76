"""Which keychain the secrets go to, and what `doctor` names: keyring's chainer (picked when
several backends are installed) is resolved to the one backend that stores, and a plain-text
file backend in the chain is never read or written. Keychain stand-ins only (the standards'
one allowed fake), named as keyring's real classes are."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer

from rep_video import secrets
from rep_video.cli.doctor_cmd import _keyring


class _Store(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def _named(module: str, name: str) -> _Store:
    cls = type(name, (_Store,), {"__module__": module})
    store: _Store = cls()
    return store


class _Chain(chainer.ChainerBackend):
    priority = 10  # type: ignore[assignment]  # keyring computes it from every installed backend

    def __init__(self, *backends: keyring.backend.KeyringBackend) -> None:
        super().__init__()
        self._chain = list(backends)

    @property
    def backends(self) -> list[keyring.backend.KeyringBackend]:  # type: ignore[override]
        return self._chain


Use = Callable[[keyring.backend.KeyringBackend], None]


@pytest.fixture
def use() -> Iterator[Use]:
    previous = keyring.get_keyring()

    def set_backend(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield set_backend
    keyring.set_keyring(previous)


def test_a_chain_stores_in_the_keychain_and_never_reads_the_plain_text_file(use: Use) -> None:
    gnome = _named("keyring.backends.SecretService", "Keyring")
    plain = _named("keyrings.alt.file", "PlaintextKeyring")
    use(_Chain(gnome, plain))
    plain.store[("RepVideo", "acme:api_token")] = "from-a-file"
    assert secrets.get_secret("acme", "api_token") is None  # the file is not a keychain
    secrets.set_secret("acme", "api_token", "tok")
    assert gnome.store == {("RepVideo", "acme:api_token"): "tok"}
    assert plain.store == {("RepVideo", "acme:api_token"): "from-a-file"}

    (check,) = _keyring()
    assert check.status == "ok"
    assert check.detail.startswith("Secret Service")
    assert "(keyring.backends.SecretService.Keyring)" in check.detail
    assert "Plaintext" not in check.detail and "Chainer" not in check.detail


def test_a_chain_of_file_backends_only_is_no_keychain(use: Use) -> None:
    use(_Chain(_named("keyrings.alt.file", "PlaintextKeyring")))
    with pytest.raises(secrets.KeychainUnavailable):
        secrets.set_secret("acme", "api_token", "tok")
    (check,) = _keyring()
    assert check.status == "warn"
    assert "keyrings.alt.file.PlaintextKeyring" in check.detail
    assert "uninstall keyrings.alt" in check.detail


@pytest.mark.parametrize(
    ("module", "name", "shown"),
    [
        ("keyring.backends.macOS", "Keyring", "macOS Keychain"),
        ("keyring.backends.Windows", "WinVaultKeyring", "Windows Credential Manager"),
        ("keyring.backends.kwallet", "DBusKeyring", "KWallet"),
    ],
)
def test_doctor_names_the_platform_keychain(use: Use, module: str, name: str, shown: str) -> None:
    use(_named(module, name))
    (check,) = _keyring()
    assert check.status == "ok"
    assert check.detail == f"{shown} ({module}.{name})"


def test_no_keychain_points_headless_targets_at_their_exception(use: Use) -> None:
    from keyring.backends import fail

    use(fail.Keyring())
    (check,) = _keyring()
    assert check.status == "warn"
    assert "REP_VIDEO_TARGET_<NAME>_TOKEN" in check.detail
