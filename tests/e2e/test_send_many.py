"""One recording, many physicians, through `rep-video send` (a real subprocess) to the real
share server process: five `--to`, and a CSV file of five, each give five pages with their own
names and languages, one stored copy of the video on the server (the blobs holding its bytes
are counted in the server's data folder) and five audit records of each kind."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import keyring
import pytest

from rep_video.share.outbox import Outbox
from tests.e2e._file_keyring import FileKeyring, subprocess_env
from tests.support.server_process import ServerProcess, running_server

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


def stored_copies(srv: ServerProcess, data: bytes) -> int:
    """How many files in the server's blob store hold exactly `data`."""
    return sum(
        1
        for p in (srv.data_dir / "blobs").rglob("*")
        if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data
    )


def audit_actions(srv: ServerProcess, env: dict[str, str]) -> Counter[tuple[str, str]]:
    """(share id, action) of every record in the server's audit log, read from its database
    by `rep-video admin audit export`."""
    out = _cli(env, "admin", "audit", "export", "--data", str(srv.data_dir))
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return Counter((str(r.get("share_id")), str(r["action"])) for r in records)


def check_pages(
    srv: ServerProcess, env: dict[str, str], stdout: str, names: list[str],
    languages: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Each name has its own live page greeting it (in its language), the pages play one
    stored video, and each share has its create and publish records."""
    lines = [line.split("\t") for line in stdout.strip().splitlines()]
    assert [name for _link, name in lines] == names
    links = [link for link, _name in lines]
    assert len(set(links)) == len(names) and all(li.startswith(f"{srv.url}/s/") for li in links)
    videos = set()
    for link, name in lines:
        page = httpx.get(link)
        assert page.status_code == 200 and "<video" in page.text, page.text[:300]
        assert name in page.text
        for other in set(names) - {name}:
            assert other not in page.text  # nobody sees another physician's name
        if languages and name in languages:
            assert re.search(rf'<html[^>]*lang="{languages[name]}"', page.text), name
        videos.add(httpx.get(f"{link}/media/video.mp4").content)
    assert len(videos) == 1  # every page plays the same bytes
    assert stored_copies(srv, videos.pop()) == 1  # ... stored once
    shares = {Outbox().find(link).share_id for link in links}
    actions = audit_actions(srv, env)
    for action in ("create", "publish"):
        assert sum(actions[(share, action)] for share in shares) == len(names), action


def test_five_to_flags_give_five_pages_and_one_stored_video(server, sample_clip: Path) -> None:  # type: ignore[no-untyped-def]
    srv, env = server
    args = [a for name in NAMES for a in ("--to", name)]
    sent = _cli(env, "send", str(sample_clip), *args, "--from-name", "Rita", "--language", "en")
    assert sent.returncode == 0, sent.stderr
    assert "sent to 5 of 5 recipients" in sent.stderr
    check_pages(srv, env, sent.stdout, NAMES)
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
    check_pages(srv, env, sent.stdout, NAMES, {**languages, NAMES[2]: "en"})
