"""What the policy makes every share page carry, whichever target serves it: the important
safety information, the adverse-event reporting line and the "healthcare professionals only"
gate, each with its approval code, and how the page's viewing is measured (`analytics`).

The share server reads them from the policy an admin pushed; folder and S3 targets from the
local POLICY.toml the admin config names (`policy.file`), in the same format. The texts are
Markdown-lite (`markdown_lite`): paragraphs, **bold** and [links](https://...), nothing else;
every other character is escaped, so an admin's text can never add markup or script."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

ANALYTICS = ("identified", "aggregate", "off")
# The names an older policy used: what it measured maps onto the nearest new mode.
OLD_ANALYTICS = {"full": "identified", "opens": "aggregate"}

_INLINE = re.compile(r"\*\*(?P<bold>[^\n]+?)\*\*|\[(?P<label>[^\[\]\n]+)\]\((?P<url>[^()\s]+)\)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def analytics_mode(value: str) -> str:
    """A policy's `analytics` under its current name (an already-pushed "full" or "opens")."""
    return OLD_ANALYTICS.get(value, value)


@dataclass(frozen=True, slots=True)
class Notice:
    text: str  # Markdown-lite
    approval_code: str


DEFAULT_CALLBACK_TIMES = ("Today", "Tomorrow morning", "Tomorrow afternoon", "Later this week")
# Lowercase stems: a reply containing one shows the adverse-event line after it is sent.
DEFAULT_SIDE_EFFECT_TERMS = (
    "side effect", "side-effect", "adverse", "reaction", "allerg", "rash", "nausea",
    "vomit", "dizz", "headache", "swelling", "bleeding", "hospital", "died", "death",
    "toxicity", "intoleran", "pregnan",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AnswerOptions:
    """What the physician may send back from a server's page (the policy's `answers`)."""

    actions: tuple[str, ...] = ("callback", "materials", "reply")
    callback_times: tuple[str, ...] = DEFAULT_CALLBACK_TIMES
    side_effect_terms: tuple[str, ...] = DEFAULT_SIDE_EFFECT_TERMS
    useful_question: bool = True  # ask "Was this video useful?" after the video


@dataclass(frozen=True, slots=True)
class PageContent:
    safety: Notice | None = None
    adverse_events: Notice | None = None
    hcp_gate: str | None = None  # the gate's approval code; None = no gate
    analytics: str = "identified"  # no policy: what the server has always measured
    answers: AnswerOptions = AnswerOptions()


NO_POLICY = PageContent()


def page_content(policy: Mapping[str, Any] | None) -> PageContent:
    """The page content a validated policy (as JSON: PolicyIn.model_dump) asks for."""
    if not policy:
        return NO_POLICY

    def notice(key: str) -> Notice | None:
        part = policy.get(key)
        if not part or not str(part.get("text", "")).strip():
            return None
        return Notice(str(part["text"]), str(part.get("approval_code", "")))

    gate = policy.get("hcp_gate")
    return PageContent(
        safety=notice("safety_information"),
        adverse_events=notice("adverse_events"),
        hcp_gate=str(gate.get("approval_code", "")) if gate else None,
        analytics=analytics_mode(str(policy.get("analytics", "identified"))),
        answers=_answers(policy.get("answers")),
    )


def _answers(part: Any) -> AnswerOptions:
    if not isinstance(part, Mapping):
        return AnswerOptions()
    default = AnswerOptions()
    return AnswerOptions(
        actions=tuple(str(a) for a in part.get("actions", default.actions)),
        callback_times=tuple(str(t) for t in part.get("callback_times", default.callback_times)),
        side_effect_terms=tuple(
            str(t).lower() for t in part.get("side_effect_terms", default.side_effect_terms)
        ),
        useful_question=bool(part.get("useful_question", True)),
    )


def markdown_lite(text: str) -> Markup:
    """Paragraphs (a blank line between), line breaks, **bold** and [label](url) links to
    http(s):// or mailto: addresses; anything else, a link to any other scheme included,
    appears as the literal text, escaped."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    return Markup("\n").join(
        Markup("<p>") + Markup("<br>\n").join(_inline(line.strip()) for line in p.split("\n"))
        + Markup("</p>")
        for p in paragraphs
        if p
    )  # fmt: skip


def markdown_line(text: str) -> Markup:
    """One line of Markdown-lite (bold and links; line breaks become spaces)."""
    return _inline(" ".join(text.split()))


def _inline(text: str) -> Markup:
    out: list[Markup] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        if m["bold"] is not None:
            out.append(Markup("<strong>%s</strong>") % _inline(m["bold"]))
        elif _linkable(m["url"]):
            out.append(
                Markup('<a href="%s" target="_blank" rel="noopener noreferrer">%s</a>')
                % (m["url"], _inline(m["label"]))
            )
        else:
            out.append(escape(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _linkable(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return bool(parts.netloc)
    return scheme == "mailto" and "@" in parts.path
