"""Loading, validating and attaching from the approved-content catalog."""

from __future__ import annotations

import hashlib
import textwrap
from datetime import date
from pathlib import Path

import pytest

from rep_video.content import CatalogError, load_catalog
from rep_video.content.catalog import default_catalog_path
from rep_video.errors import UserError

TODAY = date(2026, 6, 1)
PDF_BYTES = b"%PDF-1.4\n% test file\n"


def write_catalog(folder: Path, body: str, *, page_code: str = "PP-CORP-US-0001") -> Path:
    (folder / "files").mkdir(exist_ok=True)
    pdf = folder / "files" / "guide.pdf"
    pdf.write_bytes(PDF_BYTES)
    path = folder / "catalog.toml"
    head = f'page_approval_code = "{page_code}"\n' if page_code else ""
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


PDF_SHA = hashlib.sha256(PDF_BYTES).hexdigest()

GOOD_ITEM = f"""
[[items]]
id = "guide"
title = "Dosing guide"
kind = "pdf"
file = "files/guide.pdf"
sha256 = "{PDF_SHA}"
approval_code = "PP-ONC-US-0123"
version = "2.10"
valid_from = 2026-01-01
expires = 2026-12-31
audience = {{ country = ["US"], specialty = ["Oncology"] }}

[[items]]
id = "pi"
title = "Prescribing information"
kind = "link"
url = "https://example.com/pi"
approval_code = "PP-ONC-US-0100"
version = "7"
valid_from = 2026-01-01
expires = 2026-12-31
"""


def test_loads_a_valid_catalog_with_resolved_paths(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM))
    assert cat.page_approval_code == "PP-CORP-US-0001"
    assert [i.id for i in cat.items] == ["guide", "pi"]
    guide = cat.get("guide")
    assert guide is not None
    assert guide.file == (tmp_path / "files" / "guide.pdf").resolve()
    assert guide.version == "2.10"  # quoted: never turned into 2.1
    assert guide.audience.matches("US", "oncology")
    assert not guide.audience.matches("DE", None)
    assert cat.get("pi") is not None and cat.get("pi").url == "https://example.com/pi"  # type: ignore[union-attr]
    assert cat.get("nope") is None


def test_every_problem_is_reported_with_file_item_and_field(tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path,
        """
        colour = "blue"

        [[items]]
        id = "a"
        title = "A"
        kind = "video"
        approval_code = "PP-1"
        version = 3
        valid_from = 2026-05-01
        expires = 2026-01-01
        tilte = "typo"

        [[items]]
        title = ""
        kind = "pdf"
        approval_code = "PP-ONC-US-0001"
        version = "1"
        valid_from = "not a date"
        expires = 2026-01-01
        sha256 = "abc"
        file = "/etc/passwd"

        [[items]]
        id = "l"
        title = "Link"
        kind = "link"
        url = "http://insecure.example.com"
        approval_code = "PP-ONC-US-0002"
        version = "1"
        valid_from = 2026-01-01
        expires = 2026-12-31
        audience = { country = ["usa"] }
        """,
        page_code="",
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    found = {(p.item, p.field) for p in info.value.problems}
    expected = {
        (None, "colour"),
        (None, "page_approval_code"),
        ("a", "kind"),
        ("a", "version"),
        ("a", "expires"),
        ("a", "tilte"),
        ("items[1]", "id"),
        ("items[1]", "title"),
        ("items[1]", "valid_from"),
        ("items[1]", "sha256"),
        ("items[1]", "file"),
        ("l", "url"),
        ("l", "audience.country"),
    }
    assert expected <= found, expected - found
    assert all(p.file == str(path) for p in info.value.problems)
    message = str(info.value)
    assert "\n" not in message
    assert f"has {len(info.value.problems)} problems" in message
    assert "item 'a' field 'kind'" in message


def test_duplicate_ids_are_a_problem(tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path, GOOD_ITEM + GOOD_ITEM.split("[[items]]")[1].join(["[[items]]", ""])
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert [(p.item, p.field) for p in info.value.problems] == [("guide", "id")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"items = [", "not valid TOML"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_unreadable_catalogs_are_user_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(UserError, match=expected):
        load_catalog(path)


def test_missing_catalog_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        load_catalog(tmp_path / "nope.toml")


def test_a_folder_instead_of_a_catalog_is_a_user_error(tmp_path: Path) -> None:
    # Unreadable: a directory where the file should be (chmod 0 does not stop root).
    with pytest.raises(UserError, match="cannot read it"):
        load_catalog(tmp_path)


def test_availability_window_withdrawal_and_checksum(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM))
    guide = cat.get("guide")
    assert guide is not None
    assert guide.availability(TODAY).ok
    assert guide.availability(date(2025, 12, 31)).reason == "not valid until 2026-01-01"
    assert guide.availability(date(2026, 12, 31)).ok  # the expiry day itself is still valid
    assert guide.availability(date(2027, 1, 1)).reason == "expired on 2026-12-31"
    # The file is edited after approval: its size (and mtime) change, so the cache misses.
    (tmp_path / "files" / "guide.pdf").write_bytes(PDF_BYTES + b"tampered")
    assert guide.availability(TODAY).reason == "file does not match its approved sha256"
    (tmp_path / "files" / "guide.pdf").unlink()
    assert guide.availability(TODAY).reason == "file missing"

    withdrawn = write_catalog(
        tmp_path, GOOD_ITEM.replace('version = "7"', 'version = "7"\nwithdrawn = true')
    )
    pi = load_catalog(withdrawn).get("pi")
    assert pi is not None and pi.availability(TODAY).reason == "withdrawn"


def test_resolve_for_attach_names_each_refused_item_and_reason(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM))
    assert [i.id for i in cat.resolve_for_attach(["pi", "guide", "pi"], TODAY)] == ["pi", "guide"]
    with pytest.raises(UserError) as info:
        cat.resolve_for_attach(["guide", "ghost"], date(2027, 2, 1))
    msg = str(info.value)
    assert "'guide' (PP-ONC-US-0123) is expired on 2026-12-31" in msg
    assert "'ghost' is not in the catalog" in msg
    assert "\n" not in msg


def test_sample_catalog_loads_and_its_files_match(rep_video_home: Path) -> None:
    path = default_catalog_path()
    assert path.name == "sample-catalog.toml"
    cat = load_catalog(path)
    assert cat.page_approval_code
    kinds = {i.kind for i in cat.items}
    assert kinds == {"pdf", "image", "link"}
    today = date(2026, 6, 1)
    states = {i.id: i.availability(today) for i in cat.items}
    assert states["congress-poster-2024"].reason == "expired on 2025-06-30"
    assert all(s.ok for k, s in states.items() if k != "congress-poster-2024"), states


def test_pickers_can_filter_by_audience_and_availability(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM))
    assert [i.id for i in cat.for_audience("US", "oncology")] == ["guide", "pi"]
    assert [i.id for i in cat.for_audience("DE", None)] == ["pi"]  # pi has no restriction
    assert [i.id for i in cat.for_audience(None, "cardiology")] == ["pi"]
    assert [i.id for i in cat.available(TODAY)] == ["guide", "pi"]
    assert cat.available(date(2027, 1, 1)) == []


def test_the_restricted_list_loads_with_its_actions_and_reasons(tmp_path: Path) -> None:
    body = GOOD_ITEM + textwrap.dedent(
        """
        [[restricted]]
        term = "cure"
        action = "block"
        reason = "an efficacy claim"

        [[restricted]]
        regex = '\\bbetter\\s+than\\b'
        action = "warn"
        reason = "a comparative claim"
        """
    )
    cat = load_catalog(write_catalog(tmp_path, body))
    assert [(r.term, r.regex, r.blocks, r.reason) for r in cat.restricted] == [
        ("cure", False, True, "an efficacy claim"),
        (r"\bbetter\s+than\b", True, False, "a comparative claim"),
    ]


def test_every_restricted_problem_is_named(tmp_path: Path) -> None:
    body = GOOD_ITEM + textwrap.dedent(
        """
        [[restricted]]
        term = "cure"
        regex = "cure"
        action = "block"
        reason = "both given"

        [[restricted]]
        regex = "(unclosed"
        action = "stop"
        reason = ""

        [[restricted]]
        regex = "x*"
        action = "warn"
        reason = "matches everything"
        colour = "red"
        """
    )
    with pytest.raises(CatalogError) as err:
        load_catalog(write_catalog(tmp_path, body))
    found = {(p.item, p.field): p.message for p in err.value.problems}
    assert found[("restricted[0]", "term")].startswith("give either term")
    assert "not a valid regular expression" in found[("restricted[1]", "regex")]
    assert found[("restricted[1]", "action")].startswith('required: "block"')
    assert found[("restricted[1]", "reason")] == "required, a non-empty string"
    assert "matches empty text" in found[("restricted[2]", "regex")]
    assert found[("restricted[2]", "colour")] == "unknown field (a typo?)"


def test_the_sample_catalog_has_a_short_restricted_list(rep_video_home: Path) -> None:
    cat = load_catalog(default_catalog_path())
    assert {r.action for r in cat.restricted} == {"block", "warn"}
    assert 2 <= len(cat.restricted) <= 10
