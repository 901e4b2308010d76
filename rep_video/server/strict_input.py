"""What every request body model of the server shares: unknown keys are refused, and lists
whose entries are referred to by a key must not name one twice."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    # Unknown keys are refused: a misspelt field would otherwise vanish without a word.
    model_config = ConfigDict(extra="forbid")


def require_unique(values: Iterable[str], what: str) -> None:
    """ValueError "`what` must be unique" (pydantic turns it into a 422) when a value
    repeats."""
    seen = list(values)
    if len(set(seen)) != len(seen):
        raise ValueError(f"{what} must be unique")
