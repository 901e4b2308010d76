"""The `[[restricted]]` section of a catalog file, checked entry by entry (loader.py reads the
rest of the file and collects the problems)."""

from __future__ import annotations

from typing import Any, Protocol

from rep_video.content.restricted import ACTIONS, RestrictedTerm, regex_problem, term_problem

RESTRICTED_FIELDS = ("term", "regex", "action", "reason")
MAX_RESTRICTED = 5000


class Checker(Protocol):
    problems: list[Any]

    def add(self, item: str | None, field: str | None, message: str) -> None: ...

    def text(self, label: str, raw: dict[str, Any], key: str, *, required: bool) -> str: ...


def restricted_list(checker: Checker, value: Any) -> tuple[RestrictedTerm, ...]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        checker.add(None, "restricted", "must be a list of [[restricted]] tables")
        return ()
    if len(value) > MAX_RESTRICTED:
        checker.add(None, "restricted", f"has {len(value)} entries; at most {MAX_RESTRICTED}")
        return ()
    terms = []
    for index, raw in enumerate(value):
        if (term := _restricted(checker, index, raw)) is not None:
            terms.append(term)
    return tuple(terms)


def _restricted(checker: Checker, index: int, raw: dict[str, Any]) -> RestrictedTerm | None:
    before = len(checker.problems)
    label = f"restricted[{index}]"
    for key in raw:
        if key not in RESTRICTED_FIELDS:
            checker.add(label, key, "unknown field (a typo?)")
    term, regex = raw.get("term"), raw.get("regex")
    if (term is None) == (regex is None):
        checker.add(label, "term", "give either term (words) or regex (a regular expression)")
    elif term is not None:
        problem = (
            "must be one line of at most 200 characters"
            if not isinstance(term, str) or "\n" in term or len(term) > 200
            else term_problem(term)
        )
        if problem:
            checker.add(label, "term", problem)
    elif not isinstance(regex, str) or "\n" in regex or len(regex) > 500:
        checker.add(label, "regex", "must be one line of at most 500 characters")
    elif problem := regex_problem(regex):
        checker.add(label, "regex", problem)
    action = raw.get("action")
    if action not in ACTIONS:
        checker.add(label, "action", 'required: "block" (cannot be sent) or "warn" (confirm)')
    reason = checker.text(label, raw, "reason", required=True)
    if len(checker.problems) > before:
        return None
    text = term if term is not None else regex
    assert isinstance(text, str) and isinstance(action, str)
    return RestrictedTerm(text.strip(), action, reason, regex=regex is not None)
