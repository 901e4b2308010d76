"""The restricted-word seam: the message and the captions (each cue, or the script they are
aligned from) go to the share's wording check before any work starts; a blocking match
refuses the send naming the cue, a warning rides on the checked request. The admin's list and
the real matcher are tested in tests/unit/content: here a small matcher stands in for it.
A warning must be confirmed: the request names the terms the rep confirmed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rep_video.captions.cues import Cue
from rep_video.config import load_settings
from rep_video.content.catalog import Catalog
from rep_video.share import wording
from rep_video.share.captions_step import CaptionsInput
from rep_video.share.manifest import Person
from rep_video.share.request import (
    CheckedRequest,
    InvalidRequest,
    ShareRequest,
    WordingToConfirm,
    check_request,
)
from rep_video.share.wording import Finding, Passage, share_passages

CUES = (
    Cue(0.5, 2.0, "Thank you for your time."),
    Cue(2.1, 4.6, "This Cures the condition."),
    Cue(5.0, 6.5, "It is the best on the market."),
)


class TermList:
    """A term list: whole words, any case; a blocking or a warning reason per term."""

    def __init__(self, terms: dict[str, tuple[str, bool]]) -> None:
        self.terms = terms
        self.seen: list[Passage] = []

    def __call__(self, passages: Sequence[Passage]) -> Sequence[Finding]:
        self.seen.extend(passages)
        found = []
        for passage in passages:
            for term, (reason, blocks) in self.terms.items():
                for m in re.finditer(rf"\b{term}\w*", passage.text, re.IGNORECASE):
                    found.append(Finding(passage, m.group(0), reason, blocks, term))
        return found


@pytest.fixture
def terms(monkeypatch: pytest.MonkeyPatch) -> TermList:
    check = TermList({"cure": ("an efficacy claim", True), "best": ("a comparative claim", False)})

    def check_for(catalog: Catalog) -> wording.WordingCheck:
        assert catalog.items  # the share's own catalog is what the list comes with
        return check

    monkeypatch.setattr(wording, "check_for", check_for)
    return check


def _request(
    tmp_path: Path, message: str = "", captions: CaptionsInput | None = None, **extra: Any
) -> CheckedRequest:
    request = ShareRequest(tmp_path / "take.mp4", Person("Dr. Weber"), message,
                           sender=Person("Alex Rep"), captions=captions, **extra)  # fmt: skip
    return check_request(request, load_settings())


def test_the_passages_are_the_message_then_each_cue() -> None:
    passages = share_passages("Dear Dr. Weber,", CUES, script="ignored: the cues win")
    assert [p.where for p in passages] == [
        "the message", "caption 1 (at 0:00.5)", "caption 2 (at 0:02.1)", "caption 3 (at 0:05.0)",
    ]  # fmt: skip
    assert [p.part for p in passages] == ["message", "captions", "captions", "captions"]
    assert passages[2].text == "This Cures the condition."
    by_script = share_passages("  ", None, script="Read from the teleprompter.")
    assert by_script == (Passage("captions", "the script", "Read from the teleprompter."),)
    assert share_passages("", None, None) == ()


def test_a_restricted_word_in_a_caption_refuses_the_send(tmp_path: Path, terms: TermList) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _request(tmp_path, "Dear Dr. Weber,", CaptionsInput(cues=CUES, source="edited"))
    assert refused.value.part == "captions"
    assert "caption 2 (at 0:02.1): 'Cures' (an efficacy claim)" in refused.value.message
    assert "best" not in refused.value.message  # a warning does not block
    assert terms.seen[0].where == "the message"


def test_the_script_is_checked_when_the_cues_are_made_later(
    tmp_path: Path, terms: TermList
) -> None:
    with pytest.raises(InvalidRequest, match="the script: 'cure'") as refused:
        _request(tmp_path, captions=CaptionsInput(script="A cure, at last.\nThank you."))
    assert refused.value.part == "captions"


def test_a_warning_must_be_confirmed_then_rides_on_the_request(
    tmp_path: Path, terms: TermList
) -> None:
    captions = CaptionsInput(cues=CUES[::2])
    with pytest.raises(WordingToConfirm) as asked:
        _request(tmp_path, captions=captions)
    assert asked.value.part == "captions"
    assert "caption 2 (at 0:05.0): 'best' (a comparative claim)" in asked.value.message
    assert [f.term for f in asked.value.findings] == ["best"]
    with pytest.raises(WordingToConfirm):
        _request(tmp_path, captions=captions, confirmed_warnings=("other",))
    for extra in ({"confirmed_warnings": ("best",)}, {"confirm_all_warnings": True}):
        checked = _request(tmp_path, captions=captions, **extra)
        assert [(w.passage.where, w.matched, w.blocks) for w in checked.wording_warnings] == [
            ("caption 2 (at 0:05.0)", "best", False)
        ]


def test_the_message_is_checked_too(tmp_path: Path, terms: TermList) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _request(tmp_path, "It cures.", CaptionsInput(cues=CUES[:1]))
    assert refused.value.part == "message" and "the message: 'cures'" in refused.value.message


def test_without_a_restricted_list_nothing_is_found(tmp_path: Path) -> None:
    plain = tmp_path / "catalog.toml"
    plain.write_text('page_approval_code = "PP-CORP-US-0001"\n', encoding="utf-8")
    checked = _request(tmp_path, "It cures.", CaptionsInput(cues=CUES), catalog=plain)
    assert checked.wording_warnings == ()


def test_the_sample_catalogs_list_blocks_cure_in_any_form(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _request(tmp_path, "This CURES it.", CaptionsInput(cues=CUES[:1]))
    assert "the message: 'CURES' (an efficacy claim beyond the label)" in refused.value.message
