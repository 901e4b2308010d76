"""The words a share carries, as the restricted-word check reads them: the personal message,
and the captions — every cue (as the rep corrected them, or from a recogniser or a file) or
the script they will be aligned from. Medical-legal review treats what the rep *said* like
what they wrote, so the captions are checked with the message, before any work starts.

The check itself is a `WordingCheck`: it reads the passages and returns what it found, each
finding either blocking the send or only warning. `check_for(catalog)` picks the one a share
is checked with: the catalog's `[[restricted]]` list (content/restricted.py), or
`NO_RESTRICTIONS`, which finds nothing, when it has none.
`check_request` (request.py) refuses a blocked share naming each match, and carries the
warnings on the checked request for the front end to confirm."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rep_video.captions.cues import Cue
from rep_video.content.catalog import Catalog
from rep_video.content.restricted import RestrictedTerm, matcher_for
from rep_video.timeparse import format_time


@dataclass(frozen=True, slots=True)
class Passage:
    """One piece of text a share shows, and where it is, for a finding to point at."""

    part: str  # the request's part: "message" or "captions"
    where: str  # "the message", "caption 3 (at 0:04.2)", "the script"
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    passage: Passage
    matched: str  # the words in the passage, as written
    reason: str  # the admin's reason, shown to the rep
    blocks: bool  # True: the share may not be sent; False: the rep must confirm
    term: str = ""  # the list's entry that matched, as the admin wrote it

    def __str__(self) -> str:
        return f"{self.passage.where}: {self.matched!r} ({self.reason})"


class WordingCheck(Protocol):
    def __call__(self, passages: Sequence[Passage]) -> Sequence[Finding]: ...


def _nothing_restricted(passages: Sequence[Passage]) -> Sequence[Finding]:
    return ()


NO_RESTRICTIONS: WordingCheck = _nothing_restricted


def check_for(catalog: Catalog) -> WordingCheck:
    """The check a share attaching from `catalog` gets: its restricted-word list."""
    return list_check(catalog.restricted)


def list_check(terms: Sequence[RestrictedTerm]) -> WordingCheck:
    """The check for a restricted-word list (the catalog's, or the server's copy of it)."""
    if not terms:
        return NO_RESTRICTIONS
    matcher = matcher_for(tuple(terms))

    def check(passages: Sequence[Passage]) -> Sequence[Finding]:
        return [
            Finding(p, m.matched, m.term.reason, m.term.blocks, m.term.term)
            for p in passages
            for m in matcher.find(p.text)
        ]

    return check


def unconfirmed(findings: Sequence[Finding], confirmed: Sequence[str]) -> list[Finding]:
    """The warnings among `findings` whose term the rep has not confirmed."""
    done = set(confirmed)
    return [f for f in findings if not f.blocks and f.term not in done]


def share_passages(
    message: str, cues: Sequence[Cue] | None, script: str | None
) -> tuple[Passage, ...]:
    """The message, then each caption cue in order (or the script when the cues are made
    from it later)."""
    passages = [Passage("message", "the message", message)] if message.strip() else []
    if cues:
        passages += [
            Passage("captions", f"caption {n} (at {format_time(c.start)})", c.text)
            for n, c in enumerate(cues, start=1)
        ]
    elif script and script.strip():
        passages.append(Passage("captions", "the script", script))
    return tuple(passages)
