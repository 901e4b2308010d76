"""The admin's restricted-word list (`[[restricted]]` in the catalog) and its matcher.

A term is one or more words ("cure", "completely safe") or a regular expression. Words match
whatever their case, accents and ending: the text and the term are both folded (accents
stripped, case folded) and cut into words, each word is reduced to a rough stem ("cures",
"Curing", "cured" and "CURE" all become "cur"), and a term matches where its stems follow one
another in the text. A regular expression runs, ignoring case, on the text with its accents
stripped. Matches point back into the text as written, so a front end can highlight them.

Built once per list (`matcher_for`) and then cheap: a dictionary lookup per word of the text
(docs/PERFORMANCE.md: 1 000 terms against a 2 000-character message)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

ACTIONS = ("block", "warn")

_WORD = re.compile(r"\w+")
# Letters NFKD leaves whole: folded by hand so "Ø" matches "o" like "Ö" does.
_EXTRA = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
# Longest first; stripped repeatedly while at least MIN_STEM letters remain.
_SUFFIXES = ("ations", "ation", "ingly", "ings", "edly", "ing", "ies", "ied", "es", "ed",
             "ly", "s", "e")  # fmt: skip
_MIN_STEM = 3


@dataclass(frozen=True, slots=True)
class RestrictedTerm:
    """One entry of the list, as the admin wrote it."""

    term: str  # words, or a regular expression when `regex`
    action: str  # block | warn
    reason: str  # shown to the rep next to the match
    regex: bool = False

    @property
    def blocks(self) -> bool:
        return self.action == "block"


@dataclass(frozen=True, slots=True)
class Match:
    """Where a term matched, in the text as written (`text[start:end] == matched`)."""

    start: int
    end: int
    matched: str
    term: RestrictedTerm


def fold_char(ch: str) -> str:
    """One character without its accents, case folded ("É" -> "e", "ß" -> "ss")."""
    if ch.isascii():
        return ch.lower()
    return _fold_char(ch)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    lowered = ch.casefold()
    out = []
    for c in unicodedata.normalize("NFKD", lowered):
        if not unicodedata.combining(c):
            out.append(_EXTRA.get(c, c))
    return "".join(out)


def fold(text: str) -> tuple[str, list[int] | None]:
    """(the folded text, for each of its characters the index it came from in `text`; None
    when they are the same, as for ASCII text)."""
    if text.isascii():
        return text.lower(), None
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


def strip_accents(text: str) -> str:
    """`text` without accents (case kept): what a regular expression runs on, and what its
    own pattern is reduced to, so "é" in either matches "e" in the other."""
    return _plain(text)[0]


def _plain(text: str) -> tuple[str, list[int] | None]:
    """(`text` without accents, the index in `text` of each of its characters; None when
    they are the same)."""
    if text.isascii():
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        plain = ch if ch.isascii() else _strip_char(ch)
        parts.append(plain)
        origin.extend([i] * len(plain))
    return "".join(parts), origin


@lru_cache(maxsize=4096)
def _strip_char(ch: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        if not unicodedata.combining(c):
            out.append(_EXTRA.get(c, c) if c.islower() else c)
    return "".join(out)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A rough, language-neutral stem of one folded word: endings stripped until only
    MIN_STEM letters would remain ("curing" -> "cur", "therapies" -> "therapy")."""
    while True:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                base = word[: -len(suffix)]
                if suffix in ("ies", "ied"):
                    base += "y"
                elif suffix in ("ing", "ed") and len(base) > _MIN_STEM and _doubled(base):
                    base = base[:-1]  # "stopping" -> "stop"
                word = base
                break
        else:
            return word


def _doubled(base: str) -> bool:
    return base[-1] == base[-2] and base[-1] not in "aeiouylsz"


def term_stems(term: str) -> tuple[str, ...]:
    """The stems a word term matches, in order ("Completely safe" -> ("complet", "saf"))."""
    folded, _ = fold(term)
    return tuple(stem(w) for w in _WORD.findall(folded))


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a restricted regular expression, or None."""
    try:
        compiled = re.compile(strip_accents(pattern), re.IGNORECASE)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    if compiled.search("") is not None:
        return "matches empty text, so it would match everywhere"
    return None


def term_problem(term: str) -> str | None:
    """Why `term` cannot be a restricted word term, or None."""
    if not term_stems(term):
        return "has no words (letters or digits) to match"
    return None


class RestrictedList:
    """A compiled list: `find(text)` returns every match, in order of where it starts."""

    def __init__(self, terms: Sequence[RestrictedTerm]) -> None:
        self.terms = tuple(terms)
        self._by_first: dict[str, list[tuple[tuple[str, ...], RestrictedTerm]]] = {}
        self._regexes: list[tuple[re.Pattern[str], RestrictedTerm]] = []
        for t in self.terms:
            if t.regex:
                self._regexes.append((re.compile(strip_accents(t.term), re.IGNORECASE), t))
                continue
            stems = term_stems(t.term)
            if stems:
                self._by_first.setdefault(stems[0], []).append((stems, t))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def find(self, text: str) -> list[Match]:
        found: list[Match] = []
        if self._by_first:
            found += self._find_words(text)
        if self._regexes:
            plain, origin = _plain(text)
            for pattern, term in self._regexes:
                for m in pattern.finditer(plain):
                    start, end = m.start(), m.end()
                    if end == start:
                        continue
                    if origin is not None:
                        start, end = origin[start], _with_marks(text, origin[end - 1] + 1)
                    found.append(Match(start, end, text[start:end], term))
        found.sort(key=lambda m: (m.start, -m.end))
        return found

    def _find_words(self, text: str) -> list[Match]:
        folded, origin = fold(text)
        words = [(m.start(), m.end(), stem(m.group(0))) for m in _WORD.finditer(folded)]
        stems = [w[2] for w in words]
        found: list[Match] = []
        for i, first in enumerate(stems):
            candidates = self._by_first.get(first)
            if candidates is None:
                continue
            for term_stems_, term in candidates:
                n = len(term_stems_)
                if n > 1 and tuple(stems[i : i + n]) != term_stems_:
                    continue
                start, end = words[i][0], words[i + n - 1][1]
                if origin is not None:
                    start, end = origin[start], _with_marks(text, origin[end - 1] + 1)
                found.append(Match(start, end, text[start:end], term))
        return found


def _with_marks(text: str, end: int) -> int:
    # An accent typed as its own character belongs to the letter before it: keep it in.
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


@lru_cache(maxsize=16)
def matcher_for(terms: tuple[RestrictedTerm, ...]) -> RestrictedList:
    """The compiled list for `terms` (kept: a catalog's list is checked on every keystroke)."""
    return RestrictedList(terms)
