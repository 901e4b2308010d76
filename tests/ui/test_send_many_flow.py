"""One recording, many physicians, from the app against the REAL share server process: the
Send step takes more physicians (rows added by hand and pasted from a spreadsheet), shows
each one's progress and link, Copy per row and Copy all; five pages with their own names,
one stored video, five create and publish audit records. A bad row is said in place, naming
it, and nothing is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from rep_video.share.outbox import Outbox
from tests.support.many_pages import check_pages
from tests.support.server_process import ServerProcess
from tests.ui.test_send_flow import _import_and_personalize, _use_server
from ui.many_recipients import COPY, EMAIL, LANGUAGE, NAME, STATUS
from ui.window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.slow]

NAMES = ["Dr. Ada Ng", "Dr. Bo Li", "Dr. Chidi Okafor", "Dr. Dana Weiß", "Dr. Eli Cohen"]


def _type_row(window: MainWindow, name: str, email: str = "", language: str = "") -> None:
    many = window.send.many
    if many.body.isHidden():
        many.open_button.click()  # opens the list with an empty row
    else:
        many.add_button.click()
    i = many.table.rowCount() - 1
    for column, text in ((NAME, name), (EMAIL, email), (LANGUAGE, language)):
        many.table.item(i, column).setText(text)


def test_five_physicians_from_the_send_step(
    window: MainWindow, qtbot: QtBot, share_server: ServerProcess, sample_clip: Path
) -> None:
    _use_server(share_server.url, share_server.create_token("sam"))
    _import_and_personalize(window, qtbot, sample_clip, NAMES[0])
    send, many = window.send, window.send.many
    _type_row(window, NAMES[1], "li@example.org", "fr")
    _type_row(window, NAMES[2])
    # Two rows pasted from a spreadsheet: tab-separated, with the header.
    QGuiApplication.clipboard().setText(
        f"Name\tEmail\tLanguage\n{NAMES[3]}\tweiss@example.org\tde\n{NAMES[4]}\t\t\n"
    )
    many.paste_button.click()
    assert many.table.rowCount() == 4 and not many.error.text()

    send.send_button.click()
    qtbot.waitUntil(lambda: send.busy(), timeout=5000)
    qtbot.waitUntil(lambda: not send.busy(), timeout=240000)
    assert not many.error.text(), many.error.text()
    table = many.table
    assert [table.item(i, NAME).text() for i in range(5)] == NAMES  # the draft's first
    assert [table.item(i, STATUS).text() for i in range(5)] == ["Live"] * 5
    assert sorted(many.links) == list(range(5))
    sent = [(many.links[i], NAMES[i]) for i in range(5)]
    check_pages(share_server, sent, NAMES, {NAMES[1]: "fr", NAMES[3]: "de"})
    assert all(Outbox().find(link).state == "done" for link, _ in sent)

    table.cellWidget(2, COPY).click()  # Copy on one row: that physician's link
    assert QGuiApplication.clipboard().text() == many.links[2]
    many.copy_all_button.click()
    assert QGuiApplication.clipboard().text().splitlines() == [f"{n}\t{li}" for li, n in sent]
    assert not send.send_button.isEnabled()  # one draft, one send: no second set of pages


def test_a_bad_row_is_said_in_place_and_nothing_is_sent(
    window: MainWindow, qtbot: QtBot, sample_clip: Path, tmp_path: Path
) -> None:
    _import_and_personalize(window, qtbot, sample_clip, NAMES[0])
    send, many = window.send, window.send.many
    _type_row(window, NAMES[1])
    _type_row(window, NAMES[2], "okafor@")
    send.send_button.click()
    assert (
        many.error.text() == "row 2: 'okafor@' is not an email address; fix it or leave it empty."
    )
    assert not send.busy() and Outbox().list() == []
    bad = tmp_path / "list.csv"
    bad.write_text("Dr. Ng,ng@example.org\n", encoding="utf-8")
    many.import_csv(bad)
    assert many.error.text().startswith("list.csv, line 1: the header row must name the columns")
    assert many.table.rowCount() == 2  # nothing added from the bad file


def test_a_send_refused_before_any_link_leaves_the_list_to_send_again(
    window: MainWindow, qtbot: QtBot, sample_clip: Path
) -> None:
    """The request is refused before anything is reserved (a message over the limit): the
    reason is said in place, the list is as the rep left it (the Personalize recipient is not
    left in it as a row), and once the message is fixed Send is on again."""
    _import_and_personalize(window, qtbot, sample_clip, NAMES[0])
    send, many = window.send, window.send.many
    _type_row(window, NAMES[1])
    window.drafts.update(message="x" * 2001)
    send.send_button.click()
    qtbot.waitUntil(lambda: not send.busy(), timeout=60000)
    assert "keep it under 2000" in many.error.text()
    assert many.table.rowCount() == 1 and many.table.item(0, NAME).text() == NAMES[1]
    assert many.add_button.isEnabled() and Outbox().list() == []
    window.drafts.update(message="As promised.")
    assert send.send_button.isEnabled()
