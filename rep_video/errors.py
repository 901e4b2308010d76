"""Errors a user can meet, as types: each says in one line what happened and what to do, and
its type (or its `kind`, where it was stored, as in the outbox) tells a front end which it is
without reading the text. See docs/ARCHITECTURE.md, "House rules"."""

from __future__ import annotations

from typing import ClassVar


class UserError(Exception):
    """A problem with the user's input or setup. The CLI prints it and exits 2; the UI shows it
    in place. The message is one line: what is wrong, then what to do about it."""

    kind: ClassVar[str] = "user"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Cancelled(Exception):
    """Long work was cancelled by the user; whatever it was writing has been cleaned up."""


class TransientError(OSError):
    """The network or the far side failed in a way that may pass: the outbox retries later."""

    kind: ClassVar[str] = "transient"


class TargetUnreachable(TransientError):
    """No connection to the target at all (refused, no route, a name that does not resolve,
    a timeout): typically the laptop is offline or the server is down."""

    kind: ClassVar[str] = "unreachable"


class TargetBusy(TransientError):
    """The target answered, but not now (a 5xx, 429, a publish it cannot finish yet)."""

    kind: ClassVar[str] = "busy"


class UnexpectedAnswer(TargetBusy):
    """The target answered 2xx, but not what the request expects (JSON of another shape, a
    web page, no Location): not a share server at that URL, or one of another version. It may
    pass (a captive portal, a deploy half done), so the outbox keeps the send and retries
    later, but not within one try; the CLI says it in one line and exits 2 (the URL or the
    server is the user's to check)."""


class TargetRefused(UserError):
    """The target refused for good (credentials, a share it no longer has): the user's to fix."""

    kind: ClassVar[str] = "refused"


class StillQueued(UserError):
    """The send is safe in the outbox but not through yet; the outbox keeps retrying.
    `cause` is the kind of the last failure (see `error_kind`), `reason` its message."""

    kind: ClassVar[str] = "queued"

    def __init__(self, entry_id: int, cause: str | None, reason: str | None) -> None:
        self.entry_id = entry_id
        self.cause = cause
        self.reason = reason
        super().__init__(
            f"not sent yet ({(reason or 'the target could not be reached').rstrip('.')}); it "
            f"stays in the outbox and is retried (`rep-video outbox retry {entry_id}`)."
        )


def error_kind(exc: BaseException) -> str:
    """A short name for the kind of `exc`, fit to store beside its message."""
    if isinstance(exc, UserError | TransientError):
        return exc.kind
    if isinstance(exc, OSError):
        return "transient"  # a socket or file error raised below our own code
    return "unexpected"


def one_line(exc: BaseException) -> str:
    """The exception as one line (at most 500 characters) for a log or a stored error."""
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:500]
