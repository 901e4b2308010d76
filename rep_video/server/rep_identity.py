"""Who a share's page names as its sender: the identity an admin set for the account, never
what the rep's client wrote in the manifest (otherwise rep A could publish in rep B's name).

- The account has a display name: the page shows it, with the account's role, e-mail and
  phone (a field the admin left empty stays empty; the manifest's is not used).
- A rep's account without a display name: the account's own name, with no contact details
  (the admin chose that name too; `rep-video admin accounts list` shows who has none yet).
- An admin's account without a display name (the desktop app's own embedded server runs as
  one): the manifest's rep, as sent. An admin can set any account's identity, so this lets
  them claim nothing they could not claim already.

The identity is fixed when the manifest is stored (creation, `PUT .../files`): a page keeps
the identity it was sent with, as it keeps the attachments' versions."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from rep_video.share.manifest import Person, ShareManifest


class AccountIdentity(Protocol):
    """The share's owner: an `Account` row or the `Caller` made from it."""

    @property
    def name(self) -> str: ...
    @property
    def is_admin(self) -> bool: ...
    @property
    def display_name(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


def sender(owner: AccountIdentity, sent: Person) -> Person:
    if owner.display_name:
        return Person(owner.display_name, email=owner.email, phone=owner.phone, role=owner.role)
    if owner.is_admin:
        return sent
    return Person(owner.name)


def with_account_identity(owner: AccountIdentity, manifest: ShareManifest) -> ShareManifest:
    """`manifest` naming the owner's identity as its rep (see the module's rules)."""
    return replace(manifest, rep=sender(owner, manifest.rep))
