"""The share page in the physician's language: gettext catalogs (resources/share/locale/,
managed with Babel: `python -m rep_video.share.page_catalogs` extracts and updates them), the
language a share may use, the text direction, and dates written the way that language writes
them. The .po files are compiled in memory on first use, so no compiled catalog can go stale."""

from __future__ import annotations

import functools
import io
import locale
import os
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from rep_video.errors import UserError
from rep_video.resources import resource_path

# Each has a complete catalog (a test checks). English is the source language.
LANGUAGES = ("en", "de", "fr", "es", "it", "ja")
DEFAULT = "en"
DOMAIN = "messages"


def normalize(code: str | None) -> str | None:
    """A supported page language for a code such as "de", "de-AT", "de_DE.UTF-8", else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split(".")[0].split("-")[0].lower()
    return base if base in LANGUAGES else None


def check_language(code: str) -> str:
    """`code` as a supported page language; UserError listing the supported ones."""
    found = normalize(code)
    if found is None:
        raise UserError(
            f"the share page has no {code!r} translation; use one of {', '.join(LANGUAGES)}."
        )
    return found


def system_language() -> str:
    """The rep's own language from the OS locale (LC_ALL, LC_MESSAGES, LANG), if the page
    has it, else English: a share's default when nothing better is known."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if found := normalize(os.environ.get(var, "").split(":")[0]):
            return found
    return normalize(locale.getlocale()[0]) or DEFAULT


def text_direction(code: str) -> str:
    try:
        return (
            "rtl"
            if Locale.parse(code.replace("-", "_")).character_order == "right-to-left"
            else "ltr"
        )
    except (UnknownLocaleError, ValueError):
        return "ltr"


def language_name(code: str, in_language: str) -> str:
    """ "Englisch" for ("en", "de"); the code itself for one Babel does not know."""
    tag = code.replace("-", "_")
    try:
        name = Locale.parse(tag).get_display_name(in_language)
    except (UnknownLocaleError, ValueError):
        # No data for the language itself (the frozen app ships Babel's data for the page's
        # languages only): the page language's own list of language names has it.
        name = _listed_name(tag, in_language)
    return name or code


def _listed_name(tag: str, in_language: str) -> str | None:
    try:
        names = Locale.parse(in_language.replace("-", "_")).languages
    except (UnknownLocaleError, ValueError):
        return None
    return names.get(tag) or names.get(tag.split("_")[0])


def long_date(day: date, language: str) -> str:
    """ "2 December 2026", "2. Dezember 2026", "2026年12月2日"."""
    return format_date(day, format="long", locale=language)


@functools.lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()  # the msgids are the English text
    po = resource_path("share", "locale", f"{language}.po")
    with open(po, "rb") as f:
        catalog = read_po(f, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_noop(message: str) -> str:
    """Marks a string for extraction where it is defined; translated where it is shown."""
    return message
