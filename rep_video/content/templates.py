"""Approved message templates (`[[templates]]` in the catalog): text with {hcp_name} and
{rep_name} fields, an approval code, an approval window and an audience, in one or more
languages. The policy's `message_mode` says how free the rep's message is:

- `free`: any message (a template is a starting point);
- `templates_with_edits`: the message starts from a template and may be edited;
- `templates_only`: the message is a template with only its fields filled.

The page shows a template's approval code next to the message only while the message is
the template with only its fields filled (`filled_in`): edited, it is no longer what MLR
approved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rep_video.content.model import Audience, Availability, in_language

FIELDS = ("hcp_name", "rep_name")
MESSAGE_MODES = ("free", "templates_only", "templates_with_edits")
FIELD_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    id: str
    title: str
    text: str  # in `language`
    approval_code: str
    valid_from: date
    expires: date
    audience: Audience = field(default_factory=Audience)
    language: str = "en"
    texts: tuple[tuple[str, str], ...] = ()  # (language, text) in other languages

    def window_availability(self, today: date) -> Availability:
        if today < self.valid_from:
            return Availability(False, f"not valid until {self.valid_from.isoformat()}")
        if today > self.expires:
            return Availability(False, f"expired on {self.expires.isoformat()}")
        return Availability(True)

    def text_for(self, language: str) -> tuple[str, str]:
        """(text, the language it is in): the text in `language` ("de" also serves
        "de-AT"), else the default text."""
        return in_language(self.texts, language, (self.text, self.language))

    def all_texts(self) -> tuple[str, ...]:
        return (self.text, *(t for _c, t in self.texts))

    def filled_in(self, message: str, values: dict[str, str]) -> bool:
        """Is `message` this template (in any of its languages) with only its fields
        filled, each with its value (the recipient's and the rep's names: a field is never
        a place for more words)? Whitespace at the ends does not count."""
        wanted = message.strip()
        return any(fill(t, values).strip() == wanted for t in self.all_texts())


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its known {fields} replaced; other braces stay as written."""
    return FIELD_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_fields(text: str) -> list[str]:
    return [f for f in FIELD_RE.findall(text) if f not in FIELDS]
