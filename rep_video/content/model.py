"""The approved-content catalog as values: items, their approval window, and the problems a
catalog file can have. Loading and validation live in `loader.py`; this module has no I/O
except the checksum check an item runs on its own file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rep_video.content.checksum import sha256_of
from rep_video.errors import UserError

KINDS = ("pdf", "link", "image")
FILE_KINDS = ("pdf", "image")


def in_language(
    texts: Iterable[tuple[str, str]], language: str, default: tuple[str, str]
) -> tuple[str, str]:
    """(text, its language) from `texts` ((language, text) pairs) for a share in
    `language`: the exact language first, else the first of the same base language ("de"
    serves "de-AT" and "de-AT" serves "de-CH"), else `default`."""
    pairs = tuple(texts)
    for code, text in pairs:
        if code == language:
            return text, code
    base = language.split("-")[0].lower()
    for code, text in pairs:
        if code.split("-")[0].lower() == base:
            return text, code
    return default


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether an item may be attached today, and if not, why (one short phrase)."""

    ok: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Audience:
    """Who the item was approved for. Empty tuples mean no restriction."""

    countries: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()

    def matches(self, country: str | None = None, specialty: str | None = None) -> bool:
        if country and self.countries and country.upper() not in self.countries:
            return False
        return not (
            specialty
            and self.specialties
            and specialty.casefold() not in {s.casefold() for s in self.specialties}
        )


@dataclass(frozen=True, slots=True)
class Approved:
    """What names one approved piece of content, in the catalog and in a share's manifest
    alike: the same fields in the same order, so the two cannot drift apart."""

    id: str
    title: str
    kind: str  # pdf | link | image
    approval_code: str
    version: str


@dataclass(frozen=True, slots=True)
class ContentItem(Approved):
    valid_from: date
    expires: date
    file: Path | None = None  # absolute (resolved against the catalog's folder)
    url: str | None = None
    sha256: str | None = None
    audience: Audience = field(default_factory=Audience)
    withdrawn: bool = False
    language: str = "en"  # what `title` is written in (the catalog's `language`)
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) in other languages

    def title_for(self, language: str) -> tuple[str, str]:
        """(title, the language it is in) for a share in `language`: the item's title in
        that language ("de" also matches "de-AT"), else its default title."""
        return in_language(self.titles, language, (self.title, self.language))

    def window_availability(self, today: date) -> Availability:
        """The approval window and withdrawal only (no file access)."""
        if self.withdrawn:
            return Availability(False, "withdrawn")
        if today < self.valid_from:
            return Availability(False, f"not valid until {self.valid_from.isoformat()}")
        if today > self.expires:
            return Availability(False, f"expired on {self.expires.isoformat()}")
        return Availability(True)

    def availability(self, today: date, *, check_file: bool = True) -> Availability:
        """May this item be attached on `today`? Checks withdrawal, the approval window and,
        for files, that the file still matches the sha256 it was approved with (cached by
        size and modification time, so calling it for a list is cheap)."""
        window = self.window_availability(today)
        if not window.ok or not check_file or self.file is None:
            return window
        try:
            actual = sha256_of(self.file)
        except FileNotFoundError:
            return Availability(False, "file missing")
        except OSError:
            return Availability(False, "file unreadable")
        if actual != self.sha256:
            return Availability(False, "file does not match its approved sha256")
        return Availability(True)


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    """One thing wrong with a catalog file. `item` is the item's id (or `items[3]` when it
    has none); `field` is the TOML key; both are None for file-level problems."""

    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.item:
            where += f" item '{self.item}'"
        if self.field:
            where += f" field '{self.field}'"
        return f"{where}: {self.message}"


class CatalogError(UserError):
    """A catalog that cannot be used. `problems` lists every problem found (for the UI); the
    message summarises them on one line (for the CLI)."""

    def __init__(self, path: Path, problems: list[CatalogProblem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        detail = "; ".join(f"{_short(p)}" for p in problems)
        super().__init__(
            f"the content catalog {path} has {count} {noun}: {detail}; "
            "fix the catalog file (see docs/CONTENT.md) and try again."
        )


def _short(p: CatalogProblem) -> str:
    where = []
    if p.item:
        where.append(f"item '{p.item}'")
    if p.field:
        where.append(f"field '{p.field}'")
    return f"{' '.join(where)}: {p.message}" if where else p.message
