"""Extract the share page's messages and keep the catalogs in step, with Babel's own
extractors (Jinja2's `{% trans %}` via jinja2.ext.babel_extract, Python's `N_()`):
`python -m rep_video.share.page_catalogs` rewrites resources/share/locale/messages.pot and
merges it into every language's messages.po (new strings empty, for the translator; gone ones
dropped). Tests use `extract()` to prove the .pot matches the templates."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from rep_video.resources import resource_path, resources_root
from rep_video.share.page_i18n import DEFAULT, DOMAIN, LANGUAGES

METHODS = [("share/*.j2", "jinja2"), ("**.py", "python")]
OPTIONS = {
    "share/*.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"},
    "**.py": {},
}
# {% trans %} compiles to gettext/ngettext; page.py marks its strings with N_.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def extract() -> Catalog:
    catalog = Catalog(domain=DOMAIN, locale=DEFAULT)
    _header(catalog)
    sources = [(resources_root(), METHODS[:1]), (Path(__file__).parent, METHODS[1:])]
    for root, methods in sources:
        found = extract_from_dir(
            str(root), methods, keywords=KEYWORDS, options_map=OPTIONS, strip_comment_tags=True
        )
        for filename, lineno, message, comments, context in found:
            if root != resources_root() and not filename.startswith("page"):
                continue  # only the page modules hold page text
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                        context=context)  # fmt: skip
    return catalog


def pot_path() -> Path:
    return resource_path("share", "locale", f"{DOMAIN}.pot")


def po_path(language: str) -> Path:
    return resource_path("share", "locale", f"{language}.po")


def update() -> list[str]:
    """Write the .pot and merge it into each language's .po; returns what changed."""
    template = extract()
    changed = [_write(pot_path(), template)]
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = po_path(language)
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        _header(catalog)
        changed.append(_write(path, catalog))
    return [c for c in changed if c]


def _header(catalog: Catalog) -> None:
    catalog.project = "RepVideo share page"
    catalog.version = "1"
    catalog.copyright_holder = "RepVideo"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "RepVideo"
    catalog.fuzzy = False  # the header is reviewed with the strings


def _write(path: Path, catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False,
             ignore_obsolete=True, include_previous=False)  # fmt: skip
    data = buffer.getvalue()
    # Babel stamps the creation time: keep the file as it was when only that differs.
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path.relative_to(resources_root()))


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(
        line for line in data.splitlines() if not line.startswith((b'"POT-Creation', b'"PO-Rev'))
    )


if __name__ == "__main__":
    for name in update():
        print("updated", name, file=sys.stderr)
