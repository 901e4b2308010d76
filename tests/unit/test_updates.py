"""The update check asks the URL IT set, at most once a day, and says a newer release is out
only for a well-formed answer naming a later version; with no URL it asks nothing."""

from __future__ import annotations

import http.server
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rep_video import paths
from rep_video.cli import doctor_cmd
from rep_video.errors import UserError
from rep_video.updates import is_newer, newer_release
from tests.support.serve_thread import serve_in_thread


class _Notice:
    """IT's web server: answers GET with `body` and counts the requests."""

    def __init__(self) -> None:
        self.body: bytes = b"{}"
        self.status = 200
        self.hits = 0
        notice = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                notice.hits += 1
                self.send_response(notice.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(notice.body)))
                self.end_headers()
                self.wfile.write(notice.body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/repvideo/latest.json"
        serve_in_thread(self.server)

    def close(self) -> None:
        if self.server.fileno() != -1:
            self.server.shutdown()
            self.server.server_close()

    def announce(self, **doc: object) -> None:
        self.body = json.dumps(doc).encode()


@pytest.fixture
def notice() -> Iterator[_Notice]:
    n = _Notice()
    yield n
    n.close()


RELEASE = {"version": "9.1.0", "download": "https://it.acme.example/repvideo/", "notes": "Fixes"}


def test_a_newer_release_is_found_and_asked_for_once_a_day(notice: _Notice) -> None:
    notice.announce(**RELEASE)
    found = newer_release(notice.url, current="0.1.0", now=1000.0)
    assert found is not None and found.version == "9.1.0"
    assert found.download == RELEASE["download"] and found.notes == "Fixes"
    assert newer_release(notice.url, current="0.1.0", now=1000.0 + 3600) == found
    assert notice.hits == 1  # the kept answer, within the day
    notice.announce(version="0.1.0", download=RELEASE["download"])
    assert newer_release(notice.url, current="0.1.0", now=1000.0 + 25 * 3600) is None
    assert notice.hits == 2  # a day later it asks again: now up to date


def test_no_url_asks_nothing(notice: _Notice) -> None:
    assert newer_release("", current="0.1.0") is None
    assert notice.hits == 0 and not (paths.cache_dir() / "updates.json").exists()


@pytest.mark.parametrize(
    ("doc", "status", "problem"),
    [
        ({"version": "nine", "download": "https://x.example/"}, 200, "'version' must be"),
        ({"version": "9.0", "download": "http://x.example/"}, 200, "'download' must be an https"),
        ({"version": "9.0", "download": "https://x.example/", "notes": 5}, 200, "'notes' must"),
        ([1, 2], 200, "JSON object"),
        (RELEASE, 404, "answered HTTP 404"),
    ],
)
def test_a_bad_answer_is_one_line_naming_it(
    notice: _Notice, doc: object, status: int, problem: str
) -> None:
    notice.body, notice.status = json.dumps(doc).encode(), status
    with pytest.raises(UserError, match=problem) as caught:
        newer_release(notice.url, current="0.1.0")
    assert "\n" not in caught.value.message


def test_not_json_and_unreachable_and_plain_http_elsewhere(notice: _Notice) -> None:
    notice.body = b"<html>sign in</html>"
    with pytest.raises(UserError, match="did not answer with JSON"):
        newer_release(notice.url, current="0.1.0")
    notice.close()
    with pytest.raises(UserError, match=r"cannot ask .* for updates: .*refused"):
        newer_release(notice.url, current="0.1.0")
    with pytest.raises(UserError, match="must be an https:// address"):
        newer_release("http://it.acme.example/latest.json", current="0.1.0")


def test_versions_compare_as_numbers() -> None:
    assert is_newer("0.10.0", "0.9.9") and is_newer("1", "0.99")
    assert not is_newer("0.2", "0.2.0") and not is_newer("0.1.9", "0.2")


def test_doctor_says_whether_a_release_is_out(notice: _Notice, tmp_path: Path) -> None:
    [off] = doctor_cmd._updates()
    assert off.status == "ok" and "update checks off" in off.detail
    config = paths.config_dir() / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[updates]\nurl = "{notice.url}"\n', encoding="utf-8")
    notice.announce(**RELEASE)
    [out] = doctor_cmd._updates()
    assert out.status == "warn" and out.detail == f"RepVideo 9.1.0 is out: {RELEASE['download']}"
