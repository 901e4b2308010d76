"""A script as caption units: sentences, and sentences too long for one cue cut at a clause
(or, failing that, a word) near their middle. Works for scripts with spaces between words and
for Japanese (。、 and no spaces)."""

from __future__ import annotations

import re

# Two lines of a phone-width caption.
MAX_UNIT_CHARS = 84

# Abbreviations whose full stop does not end a sentence (the scripts reps read name doctors,
# dosages and figures). Compared case-insensitively, without the final dot.
_ABBREVIATIONS = frozenset(
    {
        "dr", "mr", "mrs", "ms", "prof", "vs", "etc", "e.g", "i.e", "approx", "fig", "no", "nr",
        "st", "ca", "bzw", "z.b", "u.a", "dres", "hr", "fr", "sr", "sra", "mme", "mlle", "m", "pr",
        "ph.d", "mg", "ml", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*")
_CLAUSE = re.compile(r"[,;:、，；：—–](?=\s|$)|[、，；：]")


def split_sentences(script: str) -> list[str]:
    """The sentences of `script`, in order. Blank lines and line breaks end a sentence too
    (teleprompter scripts are often written a line per thought)."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\r\n\s*\r\n|\n", script):
        text = " ".join(block.split())
        start = 0
        for match in _END.finditer(text):
            end = match.end()
            if end < len(text) and not _ends_sentence(text, match.start(), end):
                continue
            piece = text[start:end].strip()
            if piece:
                sentences.append(piece)
            start = end
        if rest := text[start:].strip():
            sentences.append(rest)
    return sentences


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    if text[after - 1] in "。！？":
        return True
    if not text[after : after + 1].isspace():
        return False  # "2.5 mg", "www.example.com"
    word = text[:dot].rsplit(None, 1)[-1] if text[:dot].strip() else ""
    if text[dot] == "." and word.lower().strip("(\"'") in _ABBREVIATIONS:
        return False
    following = text[after:].lstrip()[:1]
    return not (following.islower())  # "… approx. two weeks" without a listed abbreviation


def caption_units(script: str, max_chars: int = MAX_UNIT_CHARS) -> list[str]:
    """The script cut into units of at most `max_chars` characters (where a word allows)."""
    units: list[str] = []
    for sentence in split_sentences(script):
        units.extend(_cut(sentence, max_chars))
    return units


def _cut(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    middle = len(text) / 2
    at = _best_break(text, _CLAUSE, middle, max_chars)
    if at is None:
        at = _best_break(text, re.compile(r"\s"), middle, max_chars)
    if at is None:  # one long word, or no spaces (Japanese without 、): cut by length
        at = int(middle)
    head, tail = text[:at].strip(), text[at:].strip()
    if not head or not tail:
        return [text]
    return _cut(head, max_chars) + _cut(tail, max_chars)


def _best_break(text: str, pattern: re.Pattern[str], middle: float, max_chars: int) -> int | None:
    best: int | None = None
    for match in pattern.finditer(text):
        at = match.end()
        # Each side must end up shorter than the whole, or the cut gains nothing.
        if not 0 < at < len(text) or (best is not None and abs(at - middle) >= abs(best - middle)):
            continue
        if at <= max_chars * 0.25 and len(text) - at > max_chars:
            continue  # a tiny head leaves the tail as long as before
        best = at
    return best


def weight(unit: str) -> float:
    """How long a unit takes to say, in arbitrary units: letters and digits count one,
    a word boundary a little (the short breath between words), CJK characters two (one
    character is a syllable or more)."""
    letters = sum(1 for ch in unit if ch.isalnum())
    cjk = sum(1 for ch in unit if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    words = len(unit.split())
    return max(1.0, letters + cjk + 1.5 * words)
