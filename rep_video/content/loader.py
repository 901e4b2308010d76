"""Parse and validate a catalog TOML file. Every problem is collected (file, item, field,
message) before anything is raised, so an admin fixes the whole file in one pass.

The accepted keys are declared once here (`CATALOG_FIELDS`, `ITEM_FIELDS`,
`AUDIENCE_FIELDS`, `RESTRICTED_FIELDS`, `TEMPLATE_FIELDS`, which `[[scripts]]` share); a test
checks each is documented in docs/CONTENT.md."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from rep_video.content.model import (
    FILE_KINDS,
    KINDS,
    Audience,
    CatalogError,
    CatalogProblem,
    ContentItem,
)
from rep_video.content.restricted import RestrictedTerm
from rep_video.content.restricted_loader import restricted_list
from rep_video.content.templates import FIELDS, MessageTemplate, unknown_fields

CATALOG_FIELDS = (
    "page_approval_code", "language", "items", "restricted", "templates", "scripts",
)  # fmt: skip
ITEM_FIELDS = (
    "id",
    "title",
    "titles",
    "kind",
    "file",
    "url",
    "sha256",
    "approval_code",
    "version",
    "valid_from",
    "expires",
    "audience",
    "withdrawn",
)
AUDIENCE_FIELDS = ("country", "specialty")
TEMPLATE_FIELDS = (
    "id", "title", "text", "texts", "approval_code", "valid_from", "expires", "audience",
)  # fmt: skip
MAX_TEMPLATE_CHARS = 2000
MAX_SCRIPT_CHARS = 10000  # a teleprompter script: a few minutes of speech

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]{1,63}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True, slots=True)
class ParsedCatalog:
    page_approval_code: str
    items: tuple[ContentItem, ...]
    restricted: tuple[RestrictedTerm, ...] = ()
    templates: tuple[MessageTemplate, ...] = ()
    scripts: tuple[MessageTemplate, ...] = ()  # approved teleprompter scripts


def parse_catalog(path: Path) -> tuple[str, tuple[ContentItem, ...]]:
    """(page_approval_code, items) from a catalog file; CatalogError listing every problem."""
    parsed = parse_catalog_file(path)
    return parsed.page_approval_code, parsed.items


def parse_catalog_file(path: Path) -> ParsedCatalog:
    """Everything in a catalog file; CatalogError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            path, [CatalogProblem(str(path), None, None, "file not found")]
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CatalogError(
            path, [CatalogProblem(str(path), None, None, f"cannot read it ({reason})")]
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CatalogError(
            path, [CatalogProblem(str(path), None, None, "not UTF-8 text")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(
            path, [CatalogProblem(str(path), None, None, f"not valid TOML ({exc})")]
        ) from None
    checker = _Checker(path)
    result = checker.catalog(data)
    if checker.problems:
        raise CatalogError(path, checker.problems)
    return result


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.base = path.resolve().parent
        self.problems: list[CatalogProblem] = []
        self.language = "en"  # the catalog's `language`: what `title` is written in

    def add(self, item: str | None, field: str | None, message: str) -> None:
        self.problems.append(CatalogProblem(str(self.path), item, field, message))

    def catalog(self, data: dict[str, Any]) -> ParsedCatalog:
        for key in data:
            if key not in CATALOG_FIELDS:
                self.add(None, key, "unknown setting (a typo?)")
        code = data.get("page_approval_code")
        page_code = ""
        if code is None:
            self.add(None, "page_approval_code", "missing; the share page's own approval code")
        elif not isinstance(code, str) or not _CODE_RE.match(code):
            self.add(None, "page_approval_code", "must be an approval code like PP-ONC-US-0123")
        else:
            page_code = code
        language = data.get("language", "en")
        if not isinstance(language, str) or not _LANGUAGE_RE.match(language):
            self.add(None, "language", "must be a language code such as en or de")
            language = "en"
        self.language = language
        raw_items = data.get("items", [])
        if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
            self.add(None, "items", "must be a list of [[items]] tables")
            raw_items = []
        items: list[ContentItem] = []
        seen: set[str] = set()
        for index, raw in enumerate(raw_items):
            item = self.item(index, raw)
            if item is None:
                continue
            if item.id in seen:
                self.add(item.id, "id", "used by more than one item; ids must be unique")
                continue
            seen.add(item.id)
            items.append(item)
        restricted = restricted_list(self, data.get("restricted", []))
        templates = self.templates(data, "templates", MAX_TEMPLATE_CHARS)
        scripts = self.templates(data, "scripts", MAX_SCRIPT_CHARS)
        return ParsedCatalog(page_code, tuple(items), restricted, templates, scripts)

    def templates(
        self, data: dict[str, Any], section: str, limit: int
    ) -> tuple[MessageTemplate, ...]:
        """`[[templates]]` (messages) or `[[scripts]]` (teleprompter scripts): the same
        fields, approved wording with {hcp_name}/{rep_name}; `limit` characters a text."""
        value = data.get(section, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.add(None, section, f"must be a list of [[{section}]] tables")
            return ()
        found: list[MessageTemplate] = []
        for index, raw in enumerate(value):
            template = self.template(f"{section}[{index}]", raw, limit)
            if template is None:
                continue
            if any(t.id == template.id for t in found):
                self.add(template.id, "id", f"used twice in [[{section}]]; ids must be unique")
                continue
            found.append(template)
        return tuple(found)

    def entry_label(self, where: str, raw: dict[str, Any], fields: Collection[str]) -> str:
        """The name an entry's problems go under (its id, else `where`), after noting its
        unknown fields and a missing or malformed id."""
        raw_id = raw.get("id")
        label = raw_id if isinstance(raw_id, str) and raw_id else where
        for key in raw:
            if key not in fields:
                self.add(label, key, "unknown field (a typo?)")
        if not isinstance(raw_id, str) or not _ID_RE.match(raw_id):
            self.add(label, "id", "required: lowercase letters, digits, '.', '_' or '-'")
        return label

    def template(self, where: str, raw: dict[str, Any], limit: int) -> MessageTemplate | None:
        before = len(self.problems)
        raw_id = raw.get("id")
        label = self.entry_label(where, raw, TEMPLATE_FIELDS)
        title = self.text(label, raw, "title", required=True)
        text = self.template_text(label, "text", raw.get("text"), limit)
        texts: list[tuple[str, str]] = []
        other = raw.get("texts", {})
        if not isinstance(other, dict):
            self.add(label, "texts", 'must be a table of language = "text"')
            other = {}
        for code, value in other.items():
            if not _LANGUAGE_RE.match(code):
                self.add(label, f"texts.{code}", "is not a language code such as de or pt-BR")
            elif translated := self.template_text(label, f"texts.{code}", value, limit):
                texts.append((code, translated))
        approval_code = raw.get("approval_code")
        if not isinstance(approval_code, str) or not _CODE_RE.match(approval_code):
            self.add(label, "approval_code", "required: an approval code like PP-ONC-US-0123")
        valid_from = self.date(label, raw, "valid_from")
        expires = self.date(label, raw, "expires")
        if valid_from and expires and expires < valid_from:
            self.add(label, "expires", "is before valid_from")
        audience = self.audience(label, raw.get("audience"))
        if len(self.problems) > before:
            return None
        assert isinstance(raw_id, str) and isinstance(approval_code, str)
        assert valid_from is not None and expires is not None
        return MessageTemplate(
            id=raw_id, title=title, text=text, approval_code=approval_code,
            valid_from=valid_from, expires=expires, audience=audience,
            language=self.language, texts=tuple(texts),
        )  # fmt: skip

    def template_text(self, label: str, key: str, value: Any, limit: int) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(label, key, "required, the text (a multi-line string)")
            return ""
        if len(value) > limit:
            self.add(label, key, f"has {len(value)} characters; at most {limit}")
        if unknown := unknown_fields(value):
            known = ", ".join("{" + f + "}" for f in FIELDS)
            self.add(label, key, f"unknown field {{{unknown[0]}}}; the fields are {known}")
        return value.strip()

    def item(self, index: int, raw: dict[str, Any]) -> ContentItem | None:
        before = len(self.problems)
        raw_id = raw.get("id")
        label = self.entry_label(f"items[{index}]", raw, ITEM_FIELDS)
        title = self.text(label, raw, "title", required=True)
        titles = self.titles(label, raw.get("titles"))
        kind = raw.get("kind")
        if kind not in KINDS:
            self.add(label, "kind", f"must be one of {', '.join(KINDS)}")
        approval_code = raw.get("approval_code")
        if not isinstance(approval_code, str) or not _CODE_RE.match(approval_code):
            self.add(label, "approval_code", "required: an approval code like PP-ONC-US-0123")
        version = raw.get("version")
        if not isinstance(version, str) or not version.strip():
            self.add(label, "version", 'required, as a quoted string (version = "2.1")')
        valid_from = self.date(label, raw, "valid_from")
        expires = self.date(label, raw, "expires")
        if valid_from and expires and expires < valid_from:
            self.add(label, "expires", "is before valid_from")
        withdrawn = raw.get("withdrawn", False)
        if not isinstance(withdrawn, bool):
            self.add(label, "withdrawn", "must be true or false")
        audience = self.audience(label, raw.get("audience"))
        file_path, url, sha = self.source(label, raw, kind)
        if len(self.problems) > before:
            return None
        assert isinstance(raw_id, str) and isinstance(kind, str)
        assert isinstance(approval_code, str) and isinstance(version, str)
        assert valid_from is not None and expires is not None
        return ContentItem(
            id=raw_id,
            title=title,
            kind=kind,
            approval_code=approval_code,
            version=version.strip(),
            valid_from=valid_from,
            expires=expires,
            file=file_path,
            url=url,
            sha256=sha,
            audience=audience,
            withdrawn=bool(withdrawn),
            language=self.language,
            titles=titles,
        )

    def titles(self, label: str, value: Any) -> tuple[tuple[str, str], ...]:
        """`titles = { de = "…", fr = "…" }`: the title in other languages."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.add(label, "titles", 'must be a table of language = "title"')
            return ()
        found: list[tuple[str, str]] = []
        for code in value:
            if not isinstance(code, str) or not _LANGUAGE_RE.match(code):
                self.add(label, f"titles.{code}", "is not a language code such as de or pt-BR")
                continue
            if text := self.text(label, value, code, required=True):
                found.append((code, text))
        return tuple(found)

    def text(self, label: str, raw: dict[str, Any], key: str, *, required: bool) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(label, key, "required, a non-empty string")
            return ""
        if "\n" in value or len(value) > 200:
            self.add(label, key, "must be one line of at most 200 characters")
        return value.strip()

    def date(self, label: str, raw: dict[str, Any], key: str) -> date | None:
        value = raw.get(key)
        if isinstance(value, datetime):  # a datetime is a date subclass: refuse the time part
            self.add(label, key, "must be a date without a time (2026-01-31)")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.add(label, key, "required, a date like 2026-01-31")
        return None

    def audience(self, label: str, value: Any) -> Audience:
        if value is None:
            return Audience()
        if not isinstance(value, dict):
            self.add(label, "audience", "must be a table with country and/or specialty lists")
            return Audience()
        for key in value:
            if key not in AUDIENCE_FIELDS:
                self.add(label, f"audience.{key}", "unknown field (a typo?)")
        countries = self.str_list(label, value, "country")
        for c in countries:
            if not _COUNTRY_RE.match(c):
                self.add(label, "audience.country", f"'{c}' is not a two-letter country code")
        specialties = self.str_list(label, value, "specialty")
        return Audience(countries=tuple(countries), specialties=tuple(specialties))

    def str_list(self, label: str, table: dict[str, Any], key: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.add(label, f"audience.{key}", "must be a list of strings")
            return []
        return list(value)

    def source(
        self, label: str, raw: dict[str, Any], kind: Any
    ) -> tuple[Path | None, str | None, str | None]:
        file_value, url_value, sha_value = raw.get("file"), raw.get("url"), raw.get("sha256")
        if kind == "link":
            if file_value is not None:
                self.add(label, "file", "a link has a url, not a file")
            if sha_value is not None:
                self.add(label, "sha256", "a link has no file to check")
            if not isinstance(url_value, str) or not url_value.startswith("https://"):
                self.add(label, "url", "required for a link: an https:// address")
                return None, None, None
            if any(ch.isspace() for ch in url_value) or len(url_value) > 2000:
                self.add(label, "url", "must be one address without spaces")
            return None, url_value, None
        if kind not in FILE_KINDS:
            return None, None, None  # the kind problem is already reported
        if url_value is not None:
            self.add(label, "url", f"a {kind} has a file, not a url")
        sha = None
        if not isinstance(sha_value, str) or not _SHA_RE.match(sha_value.lower()):
            self.add(label, "sha256", "required for a file: 64 hex digits")
        else:
            sha = sha_value.lower()
        if not isinstance(file_value, str) or not file_value.strip():
            self.add(label, "file", "required: a path relative to the catalog file")
            return None, None, sha
        if PurePosixPath(file_value).is_absolute() or PureWindowsPath(file_value).is_absolute():
            self.add(label, "file", "must be relative to the catalog file, not absolute")
            return None, None, sha
        return (self.base / file_value).resolve(), None, sha
