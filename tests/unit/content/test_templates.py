"""Approved message templates: loaded from the catalog (every problem named), filled in, and
recognised as unedited; the request checks them against the policy's message_mode."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from rep_video import config
from rep_video.config import load_settings
from rep_video.content import CatalogError, load_catalog
from rep_video.content.catalog import default_catalog_path
from rep_video.content.templates import fill
from rep_video.share.manifest import Person
from rep_video.share.request import InvalidRequest, ShareRequest, check_request
from tests.unit.content.test_catalog import GOOD_ITEM, write_catalog

TEMPLATE = """
[[templates]]
id = "thanks"
title = "Thanks"
text = \"\"\"Dear {hcp_name},

thank you. {rep_name}\"\"\"
texts = { de = "Liebe(r) {hcp_name}, danke. {rep_name}" }
approval_code = "PP-MSG-0001"
valid_from = 2026-01-01
expires = 2026-12-31
"""


def test_a_template_loads_and_knows_its_own_unedited_text(tmp_path: Path) -> None:
    cat = load_catalog(write_catalog(tmp_path, GOOD_ITEM + TEMPLATE))
    t = cat.template("thanks")
    assert t is not None and t.approval_code == "PP-MSG-0001"
    assert t.text_for("de-AT") == ("Liebe(r) {hcp_name}, danke. {rep_name}", "de")
    assert t.text_for("fr")[1] == "en"
    names = {"hcp_name": "Dr. Weber", "rep_name": "Sam Rep"}
    filled = fill(t.text, names)
    assert filled == "Dear Dr. Weber,\n\nthank you. Sam Rep"
    assert t.filled_in(filled, names) and t.filled_in("  " + filled + "\n", names)
    assert t.filled_in("Liebe(r) Dr. Weber, danke. Sam Rep", names)  # any of its languages
    assert not t.filled_in(filled + " P.S. it cures.", names)  # nothing after the last field
    assert not t.filled_in(filled.replace("thank you", "thanks"), names)
    assert not t.filled_in(filled, names | {"rep_name": "Sam"})  # each field is its name
    assert t.window_availability(date(2027, 1, 1)).reason == "expired on 2026-12-31"


def test_every_template_problem_is_named(tmp_path: Path) -> None:
    body = GOOD_ITEM + textwrap.dedent(
        """
        [[templates]]
        id = "Bad Id"
        title = "x"
        text = "Dear {doctor}"
        approval_code = "?"
        valid_from = 2026-02-01
        expires = 2026-01-01
        colour = "red"
        """
    )
    with pytest.raises(CatalogError) as err:
        load_catalog(write_catalog(tmp_path, body))
    found = {p.field: p.message for p in err.value.problems}
    assert found["id"].startswith("required: lowercase")
    assert found["text"].startswith("unknown field {doctor}; the fields are {hcp_name}")
    assert "approval code" in found["approval_code"]
    assert found["expires"] == "is before valid_from"
    assert found["colour"] == "unknown field (a typo?)"


def test_the_sample_catalog_has_two_templates(rep_video_home: Path) -> None:
    cat = load_catalog(default_catalog_path())
    assert [t.id for t in cat.templates] == ["follow-up", "answer"]
    assert all(t.approval_code for t in cat.templates)


def _check(tmp_path: Path, message: str = "", template: str | None = None) -> object:
    request = ShareRequest(tmp_path / "take.mp4", Person("Dr. Weber"), message,
                           sender=Person("Sam Rep"), template_id=template,
                           catalog=write_catalog(tmp_path, GOOD_ITEM + TEMPLATE),
                           language="en")  # fmt: skip
    return check_request(request, load_settings(), today=date(2026, 6, 1))


def test_free_mode_fills_the_template_and_shows_its_code_only_unedited(
    tmp_path: Path, rep_video_home: Path
) -> None:
    checked = _check(tmp_path, template="thanks")
    assert checked.message == "Dear Dr. Weber,\n\nthank you. Sam Rep"  # type: ignore[attr-defined]
    assert checked.message_approval_code == "PP-MSG-0001"  # type: ignore[attr-defined]
    edited = _check(tmp_path, "Dear Dr. Weber, my own words.", template="thanks")
    assert edited.message_approval_code is None  # type: ignore[attr-defined]
    assert edited.message_template == "thanks"  # type: ignore[attr-defined]
    assert _check(tmp_path, "Anything.").message_template is None  # type: ignore[attr-defined]
    with pytest.raises(InvalidRequest, match="no message template 'nope'"):
        _check(tmp_path, template="nope")


@pytest.mark.parametrize("mode", ["templates_only", "templates_with_edits"])
def test_the_policy_can_require_a_template(tmp_path: Path, rep_video_home: Path, mode: str) -> None:
    config.set_value("policy.message_mode", mode)
    with pytest.raises(InvalidRequest, match="allows only approved message templates"):
        _check(tmp_path, "My own words.")
    assert _check(tmp_path, template="thanks").message_approval_code == "PP-MSG-0001"  # type: ignore[attr-defined]
    edited = "Dear Dr. Weber,\n\nthank you so much. Sam Rep"
    if mode == "templates_only":
        with pytest.raises(InvalidRequest, match="only as approved"):
            _check(tmp_path, edited, template="thanks")
    else:
        assert _check(tmp_path, edited, template="thanks").message == edited  # type: ignore[attr-defined]
