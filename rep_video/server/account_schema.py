"""What an admin may set for an account (`/api/v1/admin/accounts`, `rep-video admin accounts`):
the account's name and the identity pages show for its shares. Every field is checked here,
so a value the API accepts always renders on a page: one line of printable text within its
length, an e-mail address of the usual shape (ASCII: it becomes a mailto: link), a phone
number of digits and the usual separators (it becomes a tel: link)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from rep_video.server.strict_input import StrictModel

MAX_NAME = 200
MAX_EMAIL = 254
MAX_PHONE = 40
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_PHONE = re.compile(r"\+?[0-9 ()./-]+")


def line_problem(value: str) -> str | None:
    if not value.strip():
        return "must not be blank"
    if value != value.strip():
        return "must not start or end with spaces"
    if not value.isprintable():
        return "must be one line of printable text"
    return None


def account_name_problem(value: str) -> str | None:
    """Why `value` cannot name an account, or None. No '/': the name is part of API paths."""
    if len(value) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    if problem := line_problem(value):
        return problem
    if "/" in value:
        return "must not contain '/'"
    return None


def _check(problem: str | None, value: str) -> str:
    if problem:
        raise ValueError(problem)
    return value


def _account_name(value: str) -> str:
    return _check(account_name_problem(value), value)


def _line(value: str) -> str:
    return _check(line_problem(value), value)


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value) or ".." in value or value.startswith("."):
        raise ValueError("must be an e-mail address such as rita.rep@example.com")
    return value


def _phone(value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.fullmatch(value) or not 3 <= digits <= 20:
        raise ValueError(
            "must be a phone number: 3-20 digits, optionally a leading +, spaces and ()./-"
        )
    return value


AccountName = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_account_name)
]
DisplayName = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_line)]
Role = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_line)]
Email = Annotated[str, Field(min_length=3, max_length=MAX_EMAIL), AfterValidator(_email)]
Phone = Annotated[str, Field(min_length=3, max_length=MAX_PHONE), AfterValidator(_phone)]
Team = Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_line)]


class AccountIn(StrictModel):
    """A new account; the identity may be set now or later (`PATCH`)."""

    name: AccountName
    display_name: DisplayName | None = None
    role: Role | None = None
    email: Email | None = None
    phone: Phone | None = None
    team: Team | None = None  # for `admin report --team`; not shown on pages
    admin: bool = False


class AccountChange(StrictModel):
    """The fields to change; a field given as null is cleared, one left out stays."""

    display_name: DisplayName | None = None
    role: Role | None = None
    email: Email | None = None
    phone: Phone | None = None
    team: Team | None = None


class DisableIn(StrictModel):
    revoke_shares: bool = False  # also revoke every share of the account (its links stop)


class AccountOut(BaseModel):
    name: str
    display_name: str | None
    role: str | None
    email: str | None
    phone: str | None
    team: str | None
    admin: bool
    disabled: bool
    disabled_at: str | None
    created_at: str
    active_tokens: int


class DisabledOut(AccountOut):
    shares_revoked: int


class TokenOut(BaseModel):
    id: int
    account: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    state: str  # active | expired | revoked | disabled (the account is)
