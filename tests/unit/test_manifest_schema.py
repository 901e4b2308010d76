"""The server's manifest schema: the app's own manifests pass unchanged, what the share page
could not render is refused naming the field, and anything it accepts renders (a property
test over manifests built from good and bad values alike)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pydantic import ValidationError

from rep_video.server import pages
from rep_video.server.manifest_schema import ManifestIn, to_share_manifest
from rep_video.share.manifest import AttachmentRef, Person, ShareManifest
from tests.support.examples import examples


def _app_manifest() -> ShareManifest:
    now = datetime.now(UTC)
    leaflet = AttachmentRef("leaflet", "Dosing guide", "pdf", "APP-1", "2",
                            expires_on=date.today(), file_name="dosing.pdf",
                            sha256="a" * 64, size=1234)  # fmt: skip
    site = AttachmentRef("site", "Product site", "link", "APP-2", "1",
                         url="https://example.com/product")  # fmt: skip
    return ShareManifest(
        token="t" * 32,
        recipient=Person("Dr. Ada Lovelace"),
        rep=Person("Rita Rep", email="rita@example.com", phone="+1 555 0100", role="MSL"),
        message="Thanks for your time today.\nBest,\n\tRita",
        created_at=now,
        expires_at=now + timedelta(days=30),
        duration=42.5,
        attachments=(leaflet, site),
        page_approval_code="PAGE-7",
    )


def test_the_apps_manifest_passes_unchanged() -> None:
    m = _app_manifest()
    assert to_share_manifest(ManifestIn.model_validate(m.to_dict())) == m


def test_naive_times_are_utc() -> None:
    data = _app_manifest().to_dict()
    data["expires_at"] = "2030-01-02T03:04:05"
    parsed = to_share_manifest(ManifestIn.model_validate(data))
    assert parsed.expires_at == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def _refused(change: Any) -> list[Any]:
    data = _app_manifest().to_dict()
    change(data)
    with pytest.raises(ValidationError) as info:
        ManifestIn.model_validate(data)
    return [list(e["loc"]) for e in info.value.errors()]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda d: d["rep"].update(email={"a": 1}), ["rep", "email"]),
        (lambda d: d["rep"].update(name="  "), ["rep"]),
        (lambda d: d["recipient"].update(name=5), ["recipient", "name"]),
        (lambda d: d["recipient"].update(name="Ada\nEvil"), ["recipient", "name"]),
        (lambda d: d.update(poster={"src": "x"}), ["poster"]),
        (lambda d: d.update(poster="../etc/passwd"), ["poster"]),
        (lambda d: d.update(video="other.mp4"), ["video"]),
        (lambda d: d.update(expires_at="0001-01-01T00:00:00+14:00"), ["expires_at"]),
        (lambda d: d.update(expires_at=0), ["expires_at"]),
        (lambda d: d.update(created_at="9999-12-31T23:59:59-14:00"), ["created_at"]),
        (lambda d: d.update(duration="4"), ["duration"]),
        (lambda d: d.update(duration=float("nan")), ["duration"]),
        (lambda d: d.update(message="a\x00b"), ["message"]),
        (lambda d: d.update(schema=2), []),
        (lambda d: d.update(bogus=1), ["bogus"]),
        (lambda d: d["attachments"][1].update(url="javascript:alert(1)"), ["attachments", 1]),
        (lambda d: d["attachments"][1].update(url="http://plain.example"), ["attachments", 1]),
        (lambda d: d["attachments"][0].update(file_name="a\n.pdf"), ["attachments", 0]),
        (lambda d: d["attachments"][0].update(file_name="../x.pdf"), ["attachments", 0]),
        (lambda d: d["attachments"][0].update(kind="html"), ["attachments", 0, "kind"]),
        (lambda d: d["attachments"][0].update(expires_on="0001-01-01"), ["attachments", 0]),
        (lambda d: d["attachments"][0].update(size=-1), ["attachments", 0, "size"]),
        (lambda d: d["attachments"].append(dict(d["attachments"][0])), []),
    ],
)
def test_what_the_page_cannot_render_is_refused(change: Any, loc: list[Any]) -> None:
    locs = _refused(change)
    assert any(found[: len(loc)] == loc for found in locs), locs


# Values that are fine somewhere and wrong elsewhere, so the property test meets both.
_TRICKY = ["poster.jpg", "preview.gif", "video.mp4", "javascript:alert(1)", "https://x.example",
           "2030-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "2030-01-01", "pdf", "link",
           "image", "a.pdf", "files/a.pdf", "a\n"]  # fmt: skip
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(_TRICKY),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=2),
)
_ATTACHMENT_KEYS = ["id", "title", "kind", "approval_code", "version", "expires_on",
                    "file_name", "url", "sha256", "size"]  # fmt: skip


@st.composite
def _manifests(draw: st.DrawFn) -> dict[str, Any]:
    data = _app_manifest().to_dict()
    for key in draw(st.lists(st.sampled_from(sorted(data)), max_size=3)):
        data[key] = draw(_ODD)
    for person in ("rep", "recipient"):
        if isinstance(data.get(person), dict):
            for key in draw(st.lists(st.sampled_from(["name", "email", "phone", "role"]))):
                data[person][key] = draw(_ODD)
    if isinstance(data.get("attachments"), list):
        for a in data["attachments"]:
            if isinstance(a, dict):
                for key in draw(st.lists(st.sampled_from(_ATTACHMENT_KEYS), max_size=2)):
                    a[key] = draw(_ODD)
    return data


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_manifests())
def test_anything_accepted_renders(data: dict[str, Any]) -> None:
    try:
        model = ManifestIn.model_validate(data)
    except ValidationError:
        return
    m = to_share_manifest(model)
    for today in (date.today(), date(2100, 1, 1)):
        html = pages.share_page(m, "t" * 32, today)
        assert str(escape(m.recipient.name)) in html
    pages.pending_page(m)
    pages.gone_page(m, "revoked")
    # What is stored is read back as the same value.
    assert ShareManifest.from_json(m.to_json()) == m
