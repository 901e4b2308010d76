"""Errors a user can meet: one line that says what happened and what to do (house rule 9)."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or setup. The CLI prints it and exits 2; the UI shows it
    in place. The message is one line: what is wrong, then what to do about it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Cancelled(Exception):
    """Long work was cancelled by the user; whatever it was writing has been cleaned up."""
