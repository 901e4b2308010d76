"""Is any English left on a page in another language? Every string of the page's English
catalog that the language translates differently is looked for in the page's text, piece by
piece between its placeholders ("Available until %(date)s." → "Available until"), so a
template string added without a translation, or a translation that was never wired in, shows
up on a rendered page — in Python's rendering and in what Chromium shows alike."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from rep_video.share.page_catalogs import po_path

PLACEHOLDER = re.compile(r"%\(\w+\)s")
MIN_PIECE = 3  # "PDF" and shorter pieces read the same in many languages


def page_catalog(language: str) -> Catalog:
    with open(po_path(language), "rb") as f:
        return read_po(f, locale=language)


def english_pieces(language: str) -> list[str]:
    pieces: set[str] = set()
    for message in page_catalog(language):
        if not message.id or message.string == message.id:  # "PDF" is "PDF" in German too
            continue
        for piece in PLACEHOLDER.split(str(message.id)):
            piece = piece.strip(" .,")
            if len(piece) >= MIN_PIECE:
                pieces.add(piece)
    return sorted(pieces)


def english_left(text: str, language: str) -> list[str]:
    """The English catalog's pieces found in `text` (a page meant to be in `language`)."""
    return [piece for piece in english_pieces(language) if piece in text]
