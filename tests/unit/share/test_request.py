"""ShareRequest checked once, in the core: what check_request refuses (before any video is
read) and what it resolves from the settings and the catalog."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rep_video import config
from rep_video.config import load_settings
from rep_video.errors import UserError
from rep_video.share.manifest import Person
from rep_video.share.request import (
    MAX_MESSAGE_CHARS,
    InvalidRequest,
    MediaEdit,
    ShareRequest,
    check_request,
)
from tests.conftest import AdminFile

TO = Person(" Dr. Jane Smith ", email=" jane@example.org ", phone="")
REP = Person("Alex Rep")


def check(request: ShareRequest, today: date | None = None) -> object:
    return check_request(request, load_settings(), today)


def test_a_good_request_is_resolved(tmp_path: Path) -> None:
    config.set_value("rep.name", "Alex Rep")
    config.set_value("rep.role", "MSL")
    request = ShareRequest(
        tmp_path / "take.mp4", TO, "Hello", ("onc-dosing-guide",),
        MediaEdit(trim=(1.0, 2.0), trim_mode="exact", intro=True, poster_at=1.5),
        sender=Person("", email="alex@acme.example"), expires_in_days=7,
    )  # fmt: skip
    checked = check_request(request, load_settings(), date(2026, 1, 1))
    assert checked.recipient == Person("Dr. Jane Smith", email="jane@example.org")
    assert checked.rep == Person("Alex Rep", email="alex@acme.example", role="MSL")
    assert [a.id for a in checked.attachments] == ["onc-dosing-guide"]
    assert checked.page_approval_code == "PP-CORP-US-0007"
    assert checked.edit == request.edit and checked.target == "folder"
    assert checked.max_seconds == 180.0 and checked.video.is_absolute()
    assert checked.expires_at is not None
    assert abs(checked.expires_at - datetime.now(UTC) - timedelta(days=7)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("fields", "part", "text"),
    [
        ({"to": Person("")}, "to", "recipient"),
        ({"to": Person("Dr.\nInjected")}, "to", "recipient"),
        ({"to": Person("D" * 121)}, "to", "too long"),
        ({"message": "x" * (MAX_MESSAGE_CHARS + 1)}, "message", "2000"),
        ({"expires_in_days": 0}, "expiry", "--expires-in"),
        ({"expires_in_days": 366}, "expiry", "1 to 365"),
        ({"edit": MediaEdit(trim_mode="quick")}, "edit", "quick"),
        ({"edit": MediaEdit(poster_at=-1.0)}, "edit", "poster"),
        ({"edit": MediaEdit(poster_at=float("nan"))}, "edit", "poster"),
        # Refused by the share server only once the send was in the outbox:
        ({"message": "Hello\x01"}, "message", "U\\+0001"),
        ({"message": "Hello\x7f"}, "message", "U\\+007F"),
        (
            {"to": Person("Dr.\tWho")},
            "to.name",
            "recipient's name holds the invisible character U\\+0009",
        ),
        ({"to": Person("Dr. Who", email="a@b.c\x00")}, "to.email", "email holds"),
        ({"sender": Person("Alex\u200bRep")}, "sender.name", "your name holds"),
        ({"sender": Person("Alex", phone="1\r2")}, "sender.phone", "phone holds a line break"),
    ],
)
def test_bad_requests_name_the_part(fields: dict[str, object], part: str, text: str) -> None:
    request = ShareRequest(**{"video": Path("v.mp4"), "to": TO, "sender": REP, **fields})
    with pytest.raises(InvalidRequest, match=text) as caught:
        check(request)
    assert caught.value.part == part


def test_a_message_keeps_its_line_breaks_and_tabs() -> None:
    request = ShareRequest(Path("v.mp4"), TO, "Dear Dr.\r\n\tSmith\n", sender=REP)
    assert check(request).message == "Dear Dr.\r\n\tSmith\n"  # type: ignore[attr-defined]


def test_no_sender_anywhere() -> None:
    with pytest.raises(InvalidRequest, match="who is sending") as caught:
        check(ShareRequest(Path("v.mp4"), TO))
    assert caught.value.part == "sender"


def test_a_policy_expiry_out_of_range_is_the_admins_to_fix(admin_file: AdminFile) -> None:
    admin_file("[policy]\ndefault_expiry_days = 400\n")
    with pytest.raises(InvalidRequest, match="administrator"):
        check(ShareRequest(Path("v.mp4"), TO, sender=REP))
    # The key is locked: an explicit expiry cannot stand in for it either.
    with pytest.raises(UserError, match="set by your administrator"):
        check(ShareRequest(Path("v.mp4"), TO, sender=REP, expires_in_days=10))


def test_attachments_are_resolved_for_today() -> None:
    request = ShareRequest(Path("v.mp4"), TO, attach_ids=("patient-support",), sender=REP)
    with pytest.raises(UserError, match="not valid until"):
        check(request, date(2024, 1, 1))
    with pytest.raises(UserError, match="'nope' is not in the catalog"):
        check(ShareRequest(Path("v.mp4"), TO, attach_ids=("nope",), sender=REP))
