"""Share manifests survive a JSON round trip; tokens carry ≥ 128 random bits, URL-safe."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from pathlib import Path

from rep_video.share.manifest import AttachmentRef, Person, ShareManifest
from rep_video.share.tokens import looks_like_token, new_token


def test_tokens_are_url_safe_unique_and_long_enough() -> None:
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in list(tokens)[:50]:
        assert looks_like_token(token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
    assert not looks_like_token("../../etc/passwd")
    assert not looks_like_token("short")


def test_manifest_round_trips_through_json(tmp_path: Path) -> None:
    m = ShareManifest(
        token=new_token(),
        recipient=Person("Dr. Zoë Ng", email="zoe@example.org", phone="+44 20 7946 0000"),
        rep=Person("Alex Rep", email="alex@acme.example", role="MSL"),
        message="Hello — «quoted»\nsecond line",
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        expires_at=datetime(2026, 2, 1, tzinfo=UTC),
        duration=12.345,
        attachments=(
            AttachmentRef("g", "Guide", "pdf", "PP-1", "2.10", date(2027, 1, 1), "g.pdf", None,
                          "a" * 64, 123),
            AttachmentRef("pi", "PI", "link", "PP-2", "7", None, None, "https://example.com"),
        ),
        page_approval_code="PP-CORP-1",
    )  # fmt: skip
    m.write(tmp_path)
    again = ShareManifest.read(tmp_path)
    assert again == m
    assert not again.is_expired(datetime(2026, 1, 31, tzinfo=UTC))
    assert again.is_expired(datetime(2026, 2, 1, tzinfo=UTC))
    assert "Zoë" in (tmp_path / "manifest.json").read_text(encoding="utf-8")
