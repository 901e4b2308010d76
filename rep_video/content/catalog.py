"""The approved-content catalog a rep attaches from: load it, look items up, and refuse
anything that may not be sent today (expired, not yet valid, withdrawn, or a file that no
longer matches the checksum it was approved with)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from rep_video.content.loader import parse_catalog_file
from rep_video.content.model import Availability, ContentItem
from rep_video.content.restricted import RestrictedTerm
from rep_video.content.templates import MessageTemplate
from rep_video.errors import UserError
from rep_video.resources import resource_path

SAMPLE_CATALOG = ("catalog", "sample-catalog.toml")


@dataclass(frozen=True, slots=True)
class Catalog:
    path: Path
    page_approval_code: str
    items: tuple[ContentItem, ...]
    restricted: tuple[RestrictedTerm, ...] = ()  # the admin's restricted-word list
    templates: tuple[MessageTemplate, ...] = ()  # approved message templates
    # Approved teleprompter scripts: the same shape as a template (fields, approval code,
    # validity, audience, texts per language).
    scripts: tuple[MessageTemplate, ...] = ()
    # The share server's policy, when the catalog is the server's; None: the local settings.
    message_mode: str | None = None

    def get(self, item_id: str) -> ContentItem | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def template(self, template_id: str) -> MessageTemplate | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def script(self, script_id: str) -> MessageTemplate | None:
        return next((t for t in self.scripts if t.id == script_id), None)

    def available(self, today: date) -> list[ContentItem]:
        """Items that may be attached today (for pickers)."""
        return [i for i in self.items if i.availability(today).ok]

    def for_audience(self, country: str | None, specialty: str | None) -> list[ContentItem]:
        return [i for i in self.items if i.audience.matches(country, specialty)]

    def resolve_for_attach(self, ids: Iterable[str], today: date) -> list[ContentItem]:
        """The items for `ids`, in order, each checked for today. UserError naming every
        unknown or refused item and why."""
        items: list[ContentItem] = []
        refused: list[str] = []
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                continue
            seen.add(item_id)
            item = self.get(item_id)
            if item is None:
                refused.append(f"'{item_id}' is not in the catalog")
                continue
            state: Availability = item.availability(today)
            if not state.ok:
                refused.append(f"'{item_id}' ({item.approval_code}) is {state.reason}")
                continue
            items.append(item)
        if refused:
            raise UserError(
                f"cannot attach: {'; '.join(refused)}; "
                "pick another item (rep-video content list shows what is available)."
            )
        return items


def load_catalog(path: Path) -> Catalog:
    """Load and validate a catalog file; CatalogError (a UserError) listing every problem."""
    path = Path(path)
    parsed = parse_catalog_file(path)
    # Every part the file holds, as parsed (a part added to the file format arrives here too).
    return Catalog(path, **{f.name: getattr(parsed, f.name) for f in fields(parsed)})


def default_catalog_path() -> Path:
    """The catalog configured in settings, else the sample shipped in resources/."""
    configured = _configured_catalog()
    return configured if configured is not None else resource_path(*SAMPLE_CATALOG)


def _configured_catalog() -> Path | None:
    # Imported here: settings are read at the moment of use, never cached at import time.
    from rep_video.config import load_settings

    return load_settings().catalog_path
