"""The share page, the gone page and the pending page: content, escaping, no external
resources, no script unless the server asks for beacons, size and colour contrast."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from rep_video.share.manifest import AttachmentRef, Person, ShareManifest
from rep_video.share.page import (
    PageAttachment,
    PageContext,
    csp_hashes,
    page_context_from_manifest,
    render_share_page,
)
from rep_video.share.page_status import render_gone_page, render_pending_page

REP = Person("Alex Rep", email="alex@acme.example", phone="+1 (555) 010-2000", role="MSL")
LINK_URL = "https://www.example.com/prescribing-information"


def context(**changes: object) -> PageContext:
    values: dict[str, object] = {
        "recipient_name": "Dr. Jane Smith",
        "rep": REP,
        "message": "Hi Jane,\nhere is the dosing guide we discussed.",
        "video_url": "video.mp4",
        "poster_url": "poster.jpg",
        "attachments": (
            PageAttachment(
                "Dosing guide", "pdf", "files/guide.pdf", "PP-ONC-US-0123", "3.0", "guide.pdf"
            ),
            PageAttachment("Prescribing info", "link", LINK_URL, "PP-ONC-US-0100", "7", "pi"),
        ),
        "page_approval_code": "PP-CORP-US-0007",
        "expires_at": datetime(2026, 12, 23, 12, tzinfo=UTC),
    }
    values.update(changes)
    return PageContext(**values)  # type: ignore[arg-type]


class Collect(HTMLParser):
    """Every tag with its attributes, and the text of <style> and <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def parse(html: str) -> Collect:
    c = Collect()
    c.feed(html)
    return c


URL_ATTRS = ("src", "href", "poster", "action", "srcset", "data", "formaction", "background")


def resource_urls(doc: Collect) -> list[str]:
    return [v for _, attrs in doc.tags for k, v in attrs.items() if k in URL_ATTRS and v]


def test_share_page_shows_video_message_rep_attachments_and_approval_code() -> None:
    html = render_share_page(context())
    doc = parse(html)
    (video,) = doc.find("video")
    assert video["src"] == "video.mp4"
    assert video["poster"] == "poster.jpg"
    assert video["preload"] == "metadata"
    assert "playsinline" in video and "controls" in video
    assert {"name": "robots", "content": "noindex"} in doc.find("meta")
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in doc.find(
        "meta"
    )
    assert "here is the dosing guide we discussed." in html
    assert "Dr. Jane Smith" in html
    hrefs = [a.get("href") for a in doc.find("a")]
    assert "tel:+15550102000" in hrefs
    assert "mailto:alex@acme.example" in hrefs
    assert "files/guide.pdf" in hrefs and LINK_URL in hrefs
    assert "PDF · PP-ONC-US-0123 · version 3.0" in html
    assert "Web page · PP-ONC-US-0100 · version 7" in html
    footer = html[html.index("<footer>") : html.index("</footer>")]
    assert "PP-CORP-US-0007" in footer
    assert "Available until December 23, 2026." in footer  # Babel's long date for en


def test_user_text_is_escaped() -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    html = render_share_page(
        context(recipient_name=evil, message=evil, rep=Person(name=evil, email=evil))
    )
    doc = parse(html)
    assert doc.find("script") == []
    assert doc.find("img") == []
    assert "&lt;script&gt;" in html


def test_only_relative_media_and_the_approved_links_are_referenced() -> None:
    html = render_share_page(context())
    doc = parse(html)
    for url in resource_urls(doc):
        allowed = (
            url == LINK_URL
            or url.startswith(("mailto:", "tel:"))
            or not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I)
        )
        assert allowed, url
    # Nothing else anywhere in the text (CSS url(), @import, a CDN in a comment...).
    assert re.findall(r"https?://[^\s\"'<>)]+", html) == [LINK_URL]
    css = "".join(doc.raw["style"])
    assert "url(" not in css and "@import" not in css
    # No <link> at all: not even a data: favicon, which a strict CSP (img-src 'self') blocks
    # with a console error.
    assert doc.find("link") == []


def test_static_page_has_no_script_and_server_page_has_the_beacon() -> None:
    static = parse(render_share_page(context()))
    assert static.find("script") == []
    assert all("data-beacon" not in attrs for _, attrs in static.tags)

    served = render_share_page(context(beacon_url="/s/tok/events"))
    doc = parse(served)
    assert len(doc.find("script")) == 1
    assert doc.find("script")[0] == {}  # inline, never a src
    assert doc.find("body")[0]["data-beacon"] == "/s/tok/events"
    script = "".join(doc.raw["script"])
    assert "navigator.sendBeacon" in script
    for kind in ('"opened"', '"play"', '"progress"', '"attachment"', "[25, 50, 75]", "100"):
        assert kind in script


def test_csp_hashes_match_the_inline_style_and_script() -> None:
    doc = parse(render_share_page(context(beacon_url="/s/tok/events")))

    def h(text: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"

    hashes = csp_hashes()
    assert hashes["style-src"] == h("".join(doc.raw["style"]))
    assert hashes["script-src"] == h("".join(doc.raw["script"]))


def test_unavailable_attachment_shows_no_link() -> None:
    gone = PageAttachment(
        "Old chart", "image", "files/c.png", "PP-X-1", "1", "c.png", False, "no longer available"
    )
    html = render_share_page(context(attachments=(gone,)))
    assert "Old chart" in html and "no longer available" in html
    assert "files/c.png" not in html


def test_unsafe_urls_never_become_links() -> None:
    bad = PageAttachment("x", "link", "javascript:alert(1)", "PP-X-1", "1", "x")
    with pytest.raises(ValueError, match="javascript"):
        render_share_page(context(attachments=(bad,)))


def test_page_is_small_even_with_a_long_message_and_many_attachments() -> None:
    many = tuple(
        PageAttachment(f"Item {i} " + "t" * 150, "pdf", f"files/f{i}.pdf", "PP-A-1", "1", "f")
        for i in range(30)
    )
    html = render_share_page(
        context(message="word " * 1000, attachments=many, beacon_url="/s/t/events")
    )
    assert len(html.encode("utf-8")) <= 100 * 1024


def test_context_from_manifest_uses_relative_media_and_marks_expired_attachments() -> None:
    manifest = ShareManifest(
        token="t" * 32,
        recipient=Person("Dr. Who", email="who@example.org"),
        rep=REP,
        message="hello",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        expires_at=None,
        duration=3.0,
        attachments=(
            AttachmentRef(
                "guide", "Guide", "pdf", "PP-1", "2", date(2026, 3, 1), "dosing guide.pdf"
            ),
            AttachmentRef("pi", "PI", "link", "PP-2", "7", None, None, url=LINK_URL),
        ),
        page_approval_code="PP-CORP-1",
    )
    static = page_context_from_manifest(manifest)
    assert static.video_url == "video.mp4" and static.poster_url == "poster.jpg"
    assert static.attachments[0].url == "files/dosing%20guide.pdf"
    assert static.attachments[0].name == "dosing guide.pdf"
    assert static.attachments[1].url == LINK_URL and static.attachments[1].name == "pi"
    assert all(a.available for a in static.attachments)

    served = page_context_from_manifest(
        manifest, media_base="/s/abc/media/", today=date(2026, 3, 2), beacon_url="/s/abc/events"
    )
    assert served.video_url == "/s/abc/media/video.mp4"
    assert served.attachments[0].url == "/s/abc/media/files/dosing%20guide.pdf"
    assert not served.attachments[0].available
    assert served.attachments[0].reason == "no longer available"
    assert served.attachments[1].available
    html = render_share_page(served)
    assert "no longer available" in html
    # The recipient's email is private to the rep: never on the page.
    assert "who@example.org" not in html


@pytest.mark.parametrize(
    ("reason", "text"),
    [("expired", "has expired"), ("revoked", "withdrawn this link"), ("x", "no longer active")],
)
def test_gone_page_names_the_rep_to_contact(reason: str, text: str) -> None:
    html = render_gone_page(REP, reason=reason, page_approval_code="PP-CORP-1")
    doc = parse(html)
    assert "This video is no longer available" in html and text in html
    assert "please contact Alex Rep" in html
    assert "mailto:alex@acme.example" in [a.get("href") for a in doc.find("a")]
    assert "PP-CORP-1" in html
    assert doc.find("video") == [] and doc.find("script") == []
    assert {"name": "robots", "content": "noindex"} in doc.find("meta")


def test_pending_page_says_on_its_way_and_refreshes_without_script() -> None:
    html = render_pending_page(REP, recipient_name="Dr. Jane Smith", refresh_seconds=20)
    doc = parse(html)
    assert "Your video is on its way" in html
    assert "Alex Rep has sent you a personal video, Dr. Jane Smith." in html
    assert {"http-equiv": "refresh", "content": "20"} in doc.find("meta")
    assert doc.find("script") == []
