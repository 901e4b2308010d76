"""The restricted-word matcher: case-, accent- and inflection-tolerant word terms, regular
expressions, matches that point into the text as written; property tests for case and
accents."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rep_video.content.restricted import (
    RestrictedList,
    RestrictedTerm,
    matcher_for,
    regex_problem,
    stem,
    term_problem,
)

CURE = RestrictedTerm("cure", "block", "an efficacy claim")
SAFE = RestrictedTerm("completely safe", "warn", "a safety claim")
BEST = RestrictedTerm(r"\bbest\s+in\s+class\b", "warn", "a comparative claim", regex=True)
RIVAL = RestrictedTerm("Präparat X", "block", "a competitor's product")


def _found(terms: list[RestrictedTerm], text: str) -> list[tuple[str, str]]:
    return [(m.matched, m.term.term) for m in RestrictedList(terms).find(text)]


def test_cures_curing_and_cure_in_capitals_all_match_cure() -> None:
    text = "It cures. Curing it! A CURE, cured at last."
    assert _found([CURE], text) == [
        ("cures", "cure"), ("Curing", "cure"), ("CURE", "cure"), ("cured", "cure"),
    ]  # fmt: skip


def test_whole_words_only() -> None:
    assert _found([CURE], "It is secure; a curator; obscure.") == []


def test_a_phrase_matches_across_spaces_punctuation_and_line_breaks() -> None:
    text = "Completely\n  SAFE, and completely-safer? no: completely, safely."
    assert [m for m, _ in _found([SAFE], text)] == [
        "Completely\n  SAFE", "completely, safely",
    ]  # fmt: skip


def test_accents_in_the_text_or_the_term_do_not_matter() -> None:
    text = "Das praparat x, das PRÄPARAT-X und Präparat  X; cúres too."
    found = _found([RIVAL, CURE], text)
    assert found == [
        ("praparat x", "Präparat X"), ("PRÄPARAT-X", "Präparat X"),
        ("Präparat  X", "Präparat X"), ("cúres", "cure"),
    ]  # fmt: skip


def test_a_regex_ignores_case_and_accents_and_reports_the_words_as_written() -> None:
    text = "Simply the BEST in   Class, and the bést in class."
    assert [m for m, _ in _found([BEST], text)] == ["BEST in   Class", "bést in class"]


def test_matches_are_spans_of_the_text_as_written_in_order() -> None:
    text = "ﬁrst: Curé! then completely sáfe, then best in class"
    matches = RestrictedList([SAFE, CURE, BEST]).find(text)
    assert [text[m.start : m.end] for m in matches] == [m.matched for m in matches]
    assert [m.matched for m in matches] == ["Curé", "completely sáfe", "best in class"]
    assert [m.term.blocks for m in matches] == [True, False, False]


def test_stems_conflate_common_endings() -> None:
    assert stem("therapies") == stem("therapy")
    assert stem("stopping") == stem("stop") == stem("stopped")
    assert stem("safely") == stem("safe")
    assert stem("is") == "is"  # too short to strip


def test_bad_terms_and_patterns_are_named() -> None:
    assert term_problem("--- !") == "has no words (letters or digits) to match"
    assert term_problem("cure") is None
    assert regex_problem("(unclosed") is not None
    assert regex_problem("a*") == "matches empty text, so it would match everywhere"
    assert regex_problem(r"\bcure\b") is None


def test_an_empty_list_finds_nothing_and_is_false() -> None:
    empty = RestrictedList([])
    assert not empty and empty.find("cure") == []
    assert matcher_for((CURE,)) is matcher_for((CURE,))  # compiled once


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12)
ACCENTS = ("\u0301", "\u0300", "\u0308", "\u0302", "\u0327", "\u030a")


@st.composite
def disguised(draw: st.DrawFn, word: str) -> str:
    """`word` with each letter in any case, some with an accent (composed when Unicode has
    the composed letter, else left combining)."""
    out = []
    for ch in word:
        letter = ch.upper() if draw(st.booleans()) else ch
        if draw(st.booleans()):
            letter = unicodedata.normalize("NFC", letter + draw(st.sampled_from(ACCENTS)))
        out.append(letter)
    return "".join(out)


@settings(max_examples=100, deadline=None)
# The term must not be one of the words around it ("and" once matched twice).
@given(
    data=st.data(),
    word=WORDS.filter(lambda w: w not in ("well", "and", "more")),
    before=st.sampled_from(["", "Well, ", "So\n"]),
)
def test_any_case_and_any_accents_still_match(data: st.DataObject, word: str, before: str) -> None:
    term = RestrictedTerm(word, "block", "reason")
    shown = data.draw(disguised(word))
    text = f"{before}{shown} and more."
    matches = RestrictedList([term]).find(text)
    assert [m.matched for m in matches] == [shown]
    assert text[matches[0].start : matches[0].end] == shown


@settings(max_examples=100, deadline=None)
@given(data=st.data(), word=WORDS)
def test_a_disguised_term_matches_the_plain_word(data: st.DataObject, word: str) -> None:
    term = RestrictedTerm(data.draw(disguised(word)), "warn", "reason")
    assert [m.matched for m in RestrictedList([term]).find(f"x {word} y")] == [word]


@settings(max_examples=100, deadline=None)
@given(data=st.data(), word=WORDS)
def test_a_regex_matches_whatever_the_case_and_accents(data: st.DataObject, word: str) -> None:
    term = RestrictedTerm(rf"\b{word}\b", "warn", "reason", regex=True)
    shown = data.draw(disguised(word))
    text = f"- {shown} -"
    matches = RestrictedList([term]).find(text)
    assert [text[m.start : m.end] for m in matches] == [shown]


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_checked_without_error_and_spans_stay_inside(text: str) -> None:
    matches = RestrictedList([CURE, SAFE, BEST, RIVAL]).find(text)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.matched
