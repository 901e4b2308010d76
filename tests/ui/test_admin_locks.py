"""Admin locks in the real window: a locked field cannot be edited, and a send the admin's
policy forbids is refused in place with "set by your administrator", nothing sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from rep_video import config
from rep_video.errors import UserError
from tests.conftest import AdminFile
from tests.ui.test_app_language import german_catalogs  # noqa: F401 (a fixture)
from tests.ui.test_send_flow import _finished, _import_and_personalize
from ui.main import make_app
from ui.window import MainWindow

pytestmark = [pytest.mark.gui]


def test_a_locked_name_cannot_be_typed_over(qtbot: QtBot, admin_file: AdminFile) -> None:
    admin_file('[rep]\nname = "Rita Rep"\n')
    make_app()
    win = MainWindow(demo_devices=True)
    qtbot.addWidget(win)
    p = win.personalize
    assert p.from_name.text() == "Rita Rep" and p.from_name.isReadOnly()
    assert "administrator" in p.from_name.toolTip()
    with pytest.raises(UserError, match="set by your administrator"):
        config.set_value("rep.name", "Otto Other")


def test_a_send_to_a_target_the_admin_does_not_allow_is_refused_in_place(
    window: MainWindow, qtbot: QtBot, admin_file: AdminFile, sample_clip: Path
) -> None:
    admin_file('[rep]\nname = "Rita Rep"\n[policy]\nallow_user_targets = false\n')
    _import_and_personalize(window, qtbot, sample_clip, "Dr. Ng")
    send = window.send
    send.send_button.click()
    qtbot.waitUntil(lambda: _finished(send), timeout=60000)
    assert "only targets set by your administrator" in send.error.text()
    assert not send.result.isVisible()
    assert not window.services.outbox.list()


def test_extend_offers_at_most_the_locked_expiry(
    window: MainWindow, qtbot: QtBot, admin_file: AdminFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_file("[policy]\ndefault_expiry_days = 14\n")
    asked: list[tuple[object, ...]] = []
    monkeypatch.setattr(window.sent, "selected", lambda: object())  # a share row is selected
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (asked.append(a), (0, False))[1])
    window.sent.extend()
    (args,) = asked
    assert args[-2:] == (1, 14)  # was 1 to 365
    # Refused before the share is even looked up, in the app's words (no CLI flag, no key).
    with pytest.raises(UserError) as refused:
        window.services.extend(1, 60)
    assert refused.value.message == (
        "Your administrator lets a link work for at most 14 days from now; choose 14 days or fewer."
    )


@pytest.mark.usefixtures("german_catalogs")
def test_the_extend_refusal_is_in_the_reps_language(
    window: MainWindow, admin_file: AdminFile
) -> None:
    admin_file("[policy]\ndefault_expiry_days = 14\n")
    with pytest.raises(UserError) as refused:
        window.services.extend(1, 60)
    assert refused.value.message == (
        "Ihr Administrator lässt einen Link höchstens 14 Tage ab jetzt gelten; "
        "wählen Sie 14 Tage oder weniger."
    )  # was the command line's "--days 60: policy.default_expiry_days is set by …"


def test_settings_locked_by_the_admin_are_greyed_out_and_never_saved(
    window: MainWindow, admin_file: AdminFile
) -> None:
    admin_file(
        '[rep]\nemail = "rita@acme.example"\n'
        "[policy]\ndefault_expiry_days = 14\nmax_length_seconds = 90\n"
    )
    s = window.settings_screen
    s.load()
    for key in ("rep.email", "policy.default_expiry_days", "policy.max_length_seconds"):
        assert not s.fields[key].isEnabled(), key
        assert s.fields[key].toolTip() == "Set by your administrator"
    assert s.fields["rep.phone"].isEnabled()  # what the admin left alone stays the rep's
    s.expiry.setValue(365)  # as if typed: the widget is disabled, the value must not count
    s.rep_email.setText("otto@other.example")
    s.rep_phone.setText("+1 555 0100")
    s.save()
    settings = window.services.settings()
    assert settings.policy.default_expiry_days == 14
    assert settings.rep.email == "rita@acme.example"
    assert settings.rep.phone == "+1 555 0100"
    assert s.save_status.text() == "Settings saved."
