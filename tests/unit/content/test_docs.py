"""Documented settings are tested to be documented (docs/ARCHITECTURE.md, rule 10): every key the
catalog loader accepts appears in a table of docs/CONTENT.md, and the docs name no key it
rejects."""

from __future__ import annotations

import re
from pathlib import Path

from rep_video.content.loader import (
    AUDIENCE_FIELDS,
    CATALOG_FIELDS,
    ITEM_FIELDS,
    TEMPLATE_FIELDS,
)
from rep_video.content.restricted_loader import RESTRICTED_FIELDS

DOC = Path(__file__).resolve().parents[3] / "docs" / "CONTENT.md"


def documented_keys(section: str) -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/CONTENT.md has no '## {section}' section"
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", match.group(1), re.M))


def test_catalog_settings_are_documented() -> None:
    assert documented_keys("Catalog settings") == set(CATALOG_FIELDS)


def test_item_fields_are_documented() -> None:
    assert documented_keys("Item fields") == set(ITEM_FIELDS)


def test_audience_fields_are_documented() -> None:
    assert documented_keys("Audience fields") == set(AUDIENCE_FIELDS)


def test_restricted_fields_are_documented() -> None:
    assert documented_keys("Restricted fields") == set(RESTRICTED_FIELDS)


def test_template_fields_are_documented() -> None:
    assert documented_keys("Template fields") == set(TEMPLATE_FIELDS)
