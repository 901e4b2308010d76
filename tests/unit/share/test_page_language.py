"""The share page in the physician's language: catalogs complete and in step with the
templates, `lang`/`dir` on <html>, no English left on a German page (scanned against the
English catalog), dates as each language writes them, per-language attachment titles with a
visible tag when they fall back, and the captions track and transcript."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from babel.messages.catalog import Catalog

from rep_video.captions.cues import Cue
from rep_video.share import page_i18n
from rep_video.share.manifest import CaptionsRef, Person
from rep_video.share.page import (
    PageAttachment,
    PageContext,
    render_share_page,
)
from rep_video.share.page_catalogs import extract
from rep_video.share.page_status import render_gone_page, render_not_found_page, render_pending_page
from tests.support.page_language import PLACEHOLDER, english_left, english_pieces, page_catalog

REP = Person("Alex Rep", email="alex@acme.example", phone="+1 555 010 2000", role="MSL")
CUES = (
    Cue(0.5, 2.0, "Guten Tag,"),
    Cue(2.1, 4.0, "hier ist der Leitfaden."),
    Cue(4.2, 5, "Bis bald."),
)


def _context(language: str, **changes: object) -> PageContext:
    values: dict[str, object] = {
        "recipient_name": "Dr. Weber",
        "rep": REP,
        "message": "",
        "video_url": "video.mp4",
        "poster_url": "poster.jpg",
        "attachments": (
            PageAttachment(
                "Leitfaden", "pdf", "files/g.pdf", "PP-1", "3.0", "g.pdf", title_language="de"
            ),
            PageAttachment(
                "Efficacy chart", "image", "files/c.png", "PP-2", "1", "c.png", title_language="en"
            ),
            PageAttachment(
                "Alte Info",
                "link",
                "https://example.com/x",
                "PP-3",
                "7",
                "x",
                available=False,
                reason="no longer available",
            ),
        ),
        "page_approval_code": "PP-CORP-0007",
        "expires_at": datetime(2026, 12, 23, 12, tzinfo=UTC),
        "language": language,
        "captions": CaptionsRef("de", CUES),
        "captions_url": "captions.vtt",
    }
    values.update(changes)
    return PageContext(**values)  # type: ignore[arg-type]


def _catalog(language: str) -> Catalog:
    return page_catalog(language)


def test_the_template_catalog_matches_the_templates() -> None:
    """A string added to a template or page.py without running page_catalogs fails here."""
    extracted = {m.id for m in extract() if m.id}
    for language in page_i18n.LANGUAGES[1:]:
        assert {m.id for m in _catalog(language) if m.id} == extracted, language


@pytest.mark.parametrize("language", page_i18n.LANGUAGES[1:])
def test_every_language_translates_every_string(language: str) -> None:
    for message in _catalog(language):
        if not message.id:
            continue
        assert message.string, f"{language}: {message.id!r} is not translated"
        assert not message.fuzzy, f"{language}: {message.id!r} is fuzzy"
        # The same placeholders, or the page would raise or lose a name.
        ids = sorted(PLACEHOLDER.findall(str(message.id)))
        assert sorted(PLACEHOLDER.findall(str(message.string))) == ids, (language, message.id)


def _visible_text(html: str) -> str:
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", body)
    attributes = " ".join(re.findall(r'(?:aria-label|title|label)="([^"]*)"', body))
    return text + "\n" + attributes


@pytest.mark.parametrize("render", ["share", "gone", "pending", "not_found"])
def test_no_english_is_left_on_a_german_page(render: str) -> None:
    html = {
        "share": lambda: render_share_page(_context("de")),
        "gone": lambda: render_gone_page(REP, reason="revoked", language="de"),
        "pending": lambda: render_pending_page(REP, recipient_name="Dr. Weber", language="de"),
        "not_found": lambda: render_not_found_page("de"),
    }[render]()
    assert '<html lang="de" dir="ltr">' in html
    assert english_pieces("de")  # the scan has something to look for
    assert english_left(_visible_text(html), "de") == [], render


def test_the_german_page_is_german() -> None:
    html = render_share_page(_context("de"))
    assert "Verfügbar bis 23. Dezember 2026." in html
    assert "Ein persönliches Video für" in html
    assert "nicht mehr verfügbar" in html
    assert "Diese Seite hat Alex Rep für Dr. Weber erstellt." in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Available until December 23, 2026."),
        ("fr", "Disponible jusqu’au 23 décembre 2026."),
        ("es", "Disponible hasta el 23 de diciembre de 2026."),
        ("it", "Disponibile fino al 23 dicembre 2026."),
        ("ja", "2026年12月23日 まで閲覧できます。"),
    ],
)
def test_the_expiry_date_is_written_as_each_language_writes_it(
    language: str, expected: str
) -> None:
    html = render_share_page(_context(language))
    assert f'<html lang="{language}" dir="ltr">' in html
    assert expected in html


def test_a_title_in_another_language_is_tagged() -> None:
    html = render_share_page(_context("de"))
    # The German title carries no tag; the English fallback says it is English.
    assert 'hreflang="en"><span lang="en">Efficacy chart</span></a>' in html
    assert '<abbr class="lang" title="Englisch">EN</abbr>' in html
    assert html.count('class="lang"') == 1


def test_captions_track_and_a_collapsed_transcript() -> None:
    html = render_share_page(_context("fr"))
    assert re.search(
        r'<video [^>]*autoplay muted[^>]*>\s*<track kind="captions" default src="captions.vtt" '
        r'srclang="de" label="Sous-titres">',
        html,
    )
    assert '<details class="card transcript">' in html and "<details open" not in html
    # Cues are joined into sentences.
    assert "<p>Guten Tag, hier ist der Leitfaden.</p>" in html and "<p>Bis bald.</p>" in html


def test_no_captions_no_track_no_autoplay() -> None:
    html = render_share_page(_context("en", captions=None, captions_url=None))
    assert "<track" not in html and "autoplay" not in html and "Transcript" not in html


def test_languages_are_normalised_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert page_i18n.normalize("de_DE.UTF-8") == "de"
    assert page_i18n.normalize("ja-JP") == "ja"
    assert page_i18n.normalize("pt-BR") is None
    with pytest.raises(Exception, match="use one of en, de, fr, es, it, ja"):
        page_i18n.check_language("pt")
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    assert page_i18n.system_language() == "it"
    # A manifest in a language without a catalog renders in English rather than failing.
    assert '<html lang="en"' in render_share_page(_context("pt"))


def test_right_to_left_languages_get_dir_rtl() -> None:
    assert page_i18n.text_direction("ar") == "rtl"
    assert page_i18n.text_direction("he") == "rtl"
    assert page_i18n.text_direction("de") == "ltr"
    assert page_i18n.text_direction("zz-not-a-language") == "ltr"


def test_the_long_date_uses_the_language() -> None:
    assert page_i18n.long_date(date(2027, 3, 1), "de") == "1. März 2027"


def test_a_language_without_babel_data_is_named_from_the_page_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The frozen app ships Babel's data for the page languages only (packaging/freeze_rules.py).
    from babel import localedata

    shipped = {*page_i18n.LANGUAGES, "root"}
    real_exists = localedata.exists
    monkeypatch.setattr(localedata, "exists", lambda name: name in shipped and real_exists(name))
    assert page_i18n.language_name("nl", "de") == "Niederländisch"
    assert page_i18n.language_name("pt-BR", "fr") == "portugais brésilien"
    assert page_i18n.language_name("en", "ja") == "英語"
    assert page_i18n.language_name("zz", "de") == "zz"
