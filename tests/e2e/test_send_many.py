"""One recording, many physicians, through `rep-video send` (a real subprocess) to the real
share server process: five `--to`, and a CSV file of five, each give five pages with their own
names and languages, one stored copy of the video on the server (the blobs holding its bytes
are counted in the server's data folder) and five audit records of each kind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import keyring
import pytest

from rep_video import config, secrets
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox
from rep_video.share.request import ShareRequest
from rep_video.share.send import SendResult, Until
from rep_video.share.send_many import ManyHooks, send_many
from tests.e2e._file_keyring import FileKeyring, subprocess_env
from tests.support.many_pages import check_pages
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Dr. Ada Ng", "Dr. Bo Li", "Dr. Chidi Okafor", "Dr. Dana Weiß", "Dr. Eli Cohen"]


def _cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rep_video", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The server process, and the CLI's environment with a target `acme` on it."""
    keyring_file = tmp_path / "keychain.json"
    monkeypatch.setenv("REP_VIDEO_TEST_KEYRING", str(keyring_file))
    keyring.set_keyring(FileKeyring())
    env = subprocess_env(keyring_file)
    with running_server(tmp_path / "srv") as srv:
        added = _cli(
            env, "targets", "add", "acme", "--kind", "server", "--url", srv.url,
            "--token-stdin", "--default", stdin=srv.create_token("rita"),
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        yield srv, env


def _lines(stdout: str) -> list[tuple[str, str]]:
    """(link, name) of each line `LINK<TAB>NAME` the command printed."""
    return [(link, name) for link, name in (li.split("\t") for li in stdout.strip().splitlines())]


def test_five_to_flags_give_five_pages_and_one_stored_video(server, sample_clip: Path) -> None:  # type: ignore[no-untyped-def]
    srv, env = server
    args = [a for name in NAMES for a in ("--to", name)]
    sent = _cli(env, "send", str(sample_clip), *args, "--from-name", "Rita", "--language", "en")
    assert sent.returncode == 0, sent.stderr
    assert "sent to 5 of 5 recipients" in sent.stderr
    check_pages(srv, _lines(sent.stdout), NAMES)
    entries = [e for e in Outbox().list() if e.state == "done"]
    assert len(entries) == 5  # one outbox entry, and one retry handle, per recipient


def test_a_csv_of_five_with_languages(server, sample_clip: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, env = server
    languages = {NAMES[0]: "de", NAMES[1]: "fr", NAMES[3]: "de"}
    rows = [f'"{n}",{n.split()[-1].lower()}@example.org,{languages.get(n, "")}' for n in NAMES]
    csv_file = tmp_path / "call-list.csv"
    # As a spreadsheet saves it: a byte-order mark and CRLF line ends.
    csv_file.write_bytes(("\ufeffName,Email,Language\r\n" + "\r\n".join(rows) + "\r\n").encode())
    sent = _cli(
        env, "send", str(sample_clip), "--recipients", str(csv_file), "--from-name", "Rita",
        "--language", "en",
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    check_pages(srv, _lines(sent.stdout), NAMES, {**languages, NAMES[2]: "en"})


def test_a_page_refused_by_the_server_does_not_stop_the_others(
    tmp_path: Path, sample_clip: Path
) -> None:
    """The server takes one physician's share away before its video is published (revoked
    the moment its link is reserved): that recipient's outcome says so and its entry waits
    in the outbox as failed, with the reason, for the rep; the four others are live and share
    the first page's one stored video."""
    with running_server(tmp_path / "srv") as srv:
        token = srv.create_token("rita")
        config.add_target("acme", "server", {"url": srv.url}, make_default=True)
        secrets.set_secret("acme", "api_token", token)

        def on_link(i: int, result: SendResult) -> None:
            if i == 2:
                revoked = httpx.post(
                    f"{srv.url}/api/v1/shares/{result.share_id}/revoke",
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert revoked.status_code < 300, revoked.text

        requests = [
            ShareRequest(sample_clip, Person(name), sender=Person("Rita"), language="en")
            for name in NAMES
        ]
        outcomes = send_many(requests, Until.LIVE, ManyHooks(on_link=on_link))
        assert [o.live for o in outcomes] == [True, True, False, True, True]
        assert "revoked" in (outcomes[2].error or "") and not outcomes[2].queued
        assert Outbox().find(outcomes[2].link).state == "failed"
        live = [(o.link, o.name) for o in outcomes if o.live]
        check_pages(srv, live, [n for i, n in enumerate(NAMES) if i != 2])
