"""Approved teleprompter scripts (`[[scripts]]`): loaded from the catalog with a template's
fields (every problem named, longer texts allowed), and checked by the request for today."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from rep_video.config import load_settings
from rep_video.content import CatalogError, load_catalog
from rep_video.content.catalog import default_catalog_path
from rep_video.share.manifest import Person
from rep_video.share.request import InvalidRequest, ShareRequest, check_request
from tests.unit.content.test_catalog import GOOD_ITEM, write_catalog

SCRIPT = """
[[scripts]]
id = "summary"
title = "Summary"
text = \"\"\"Hi {hcp_name}, it's {rep_name}.
Here is the summary.\"\"\"
texts = { de = "Hallo {hcp_name}, hier ist {rep_name}." }
approval_code = "PP-SCR-0001"
valid_from = 2026-01-01
expires = 2026-12-31
"""


def test_a_script_loads_with_its_languages_and_window(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM + SCRIPT))
    s = cat.script("summary")
    assert s is not None and s.approval_code == "PP-SCR-0001"
    assert s.text == "Hi {hcp_name}, it's {rep_name}.\nHere is the summary."
    assert s.text_for("de-CH")[1] == "de"
    assert cat.template("summary") is None  # scripts are not message templates
    assert not s.window_availability(date(2027, 1, 1)).ok


def test_every_script_problem_is_named_and_texts_may_be_long(tmp_path: Path) -> None:
    long = "We discussed the study. " * 400  # 9 600 characters: over a template's 2 000
    body = (
        GOOD_ITEM
        + SCRIPT.replace("Here is the summary.", long)
        + textwrap.dedent(
            """
        [[scripts]]
        id = "summary"
        title = "Again"
        text = "Hi {doctor}"
        approval_code = "PP-SCR-0002"
        valid_from = 2026-01-01
        expires = 2026-12-31
        speed = 3
        """
        )
    )
    with pytest.raises(CatalogError) as err:
        load_catalog(write_catalog(tmp_path, body))
    found = {(p.item, p.field): p.message for p in err.value.problems}
    assert found == {
        ("summary", "text"): "unknown field {doctor}; the fields are {hcp_name}, {rep_name}",
        ("summary", "speed"): "unknown field (a typo?)",
    }
    too_long = SCRIPT.replace("Here is the summary.", "x" * 10_001)
    with pytest.raises(CatalogError, match="at most 10000"):
        load_catalog(write_catalog(tmp_path, GOOD_ITEM + too_long))
    with pytest.raises(CatalogError, match=r"used twice in \[\[scripts\]\]"):
        load_catalog(write_catalog(tmp_path, GOOD_ITEM + SCRIPT + SCRIPT))


def test_the_sample_catalog_has_two_scripts(rep_video_home: Path) -> None:
    cat = load_catalog(default_catalog_path())
    assert [s.id for s in cat.scripts] == ["visit-summary", "dosing-question"]


def _check(tmp_path: Path, script: str | None, today: date) -> object:
    request = ShareRequest(tmp_path / "take.mp4", Person("Dr. Weber"), "Hi.",
                           sender=Person("Sam Rep"), script_id=script,
                           catalog=write_catalog(tmp_path, GOOD_ITEM + SCRIPT),
                           language="en")  # fmt: skip
    return check_request(request, load_settings(), today=today)


def test_the_request_names_a_script_in_date_and_refuses_others(
    tmp_path: Path, rep_video_home: Path
) -> None:
    checked = _check(tmp_path, "summary", date(2026, 6, 1))
    assert checked.script_id == "summary"  # type: ignore[attr-defined]
    assert checked.script_approval_code == "PP-SCR-0001"  # type: ignore[attr-defined]
    assert checked.captions is None  # type: ignore[attr-defined]  # only when asked for
    assert _check(tmp_path, None, date(2026, 6, 1)).script_id is None  # type: ignore[attr-defined]
    with pytest.raises(InvalidRequest, match="'summary' \\(PP-SCR-0001\\) is expired") as err:
        _check(tmp_path, "summary", date(2027, 1, 1))
    assert err.value.part == "script"
    with pytest.raises(InvalidRequest, match="no teleprompter script 'other'"):
        _check(tmp_path, "other", date(2026, 6, 1))
