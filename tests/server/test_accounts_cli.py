"""`rep-video admin accounts ...`, `admin tokens ...` and `serve-token --expires-in` against a
share server (in this process) through a configured server target, as an admin runs them."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from rep_video.cli import main
from tests.server.helpers import auth, create_and_publish
from tests.support.cli_in_process import rep_video
from tests.support.inprocess_server import InProcessServer


@pytest.fixture
def acme(server: InProcessServer, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(tokens["admin"] + "\n"))
    add = ["targets", "add", "acme", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    return "acme"


def _serve_token(server: InProcessServer, name: str, *extra: str) -> tuple[int, str]:
    """(the token's id, the token) from `rep-video serve-token` on the server's data."""
    out = rep_video("serve-token", "--data", str(server.data_dir), "--name", name, *extra)
    assert out.returncode == 0, out.stderr
    heading, token = out.stdout.strip().splitlines()
    return int(heading.split()[2]), token


def test_admin_sets_the_identity_pages_show(
    server: InProcessServer, acme: str, small_clip: Path
) -> None:
    added = rep_video(
        "admin", "accounts", "add", "kim", "--display-name", "Kim Kowalski",
        "--role", "Medical Science Liaison", "--email", "kim@example.com", "--server", acme,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "serve-token --name 'kim'" in added.stderr
    _id, token = _serve_token(server, "kim")
    changed = rep_video("admin", "accounts", "set", "kim", "--phone", "+49 30 1234567",
                        "--email", "", "--team", "Berlin North", "--server", acme)  # fmt: skip
    assert changed.returncode == 0, changed.stderr

    share = create_and_publish(server.url, token, {"video.mp4": small_clip})  # says "Rita Rep"
    page = httpx.get(share["url"]).text
    assert "Kim Kowalski" in page and "+49 30 1234567" in page and "Medical Science" in page
    assert "Rita Rep" not in page and "kim@example.com" not in page  # cleared with ''

    listed = rep_video("admin", "accounts", "list", "--server", acme)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("kim "))
    assert "Kim Kowalski" in row and "+49 30 1234567" in row and "active" in row
    as_json = json.loads(rep_video("admin", "accounts", "list", "--json", "--server", acme).stdout)
    kim = next(a for a in as_json if a["name"] == "kim")
    assert kim["email"] is None and kim["active_tokens"] == 1
    assert kim["team"] == "Berlin North" and "Berlin North" in row
    assert "Berlin North" not in page  # the team is for reports, never on a page


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["add", "lee", "--email", "lee-at-example"], "email"),
        (["add", "lee", "--phone", "555-CALL-NOW"], "phone"),
        (["add", "rita"], "exists already"),
        (["set", "nobody-here", "--role", "MSL"], "nobody-here"),
        (["set", "rita"], "nothing to set"),
        (["disable", "boss"], "own account"),
    ],
)
def test_refusals_are_one_line_and_exit_2(acme: str, argv: list[str], words: str) -> None:
    out = rep_video("admin", "accounts", *argv, "--server", acme)
    assert out.returncode == 2, out
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_reps_token_cannot_run_admin_commands(
    server: InProcessServer, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(tokens["otto"] + "\n"))
    add = ["targets", "add", "otto", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    out = rep_video("admin", "accounts", "set", "otto", "--display-name", "Rita Rep",
                    "--server", "otto")  # fmt: skip
    assert out.returncode == 2 and "only an admin account" in out.stderr


def test_tokens_expire_list_and_revoke(
    server: InProcessServer, acme: str, small_clip: Path
) -> None:
    before = datetime.now(UTC)
    first_id, first = _serve_token(server, "lou", "--expires-in", "30")
    second_id, second = _serve_token(server, "lou")
    listed = json.loads(
        rep_video("admin", "tokens", "list", "--account", "lou", "--json", "--server", acme).stdout
    )
    assert [t["id"] for t in listed] == [first_id, second_id]
    expires = datetime.fromisoformat(listed[0]["expires_at"])
    assert before + timedelta(days=30) <= expires <= datetime.now(UTC) + timedelta(days=30)
    assert listed[1]["expires_at"] is None and {t["state"] for t in listed} == {"active"}
    table = rep_video("admin", "tokens", "list", "--server", acme).stdout
    assert any(line.split()[:2] == [str(first_id), "lou"] for line in table.splitlines())

    share = create_and_publish(server.url, first, {"video.mp4": small_clip})
    revoked = rep_video("admin", "tokens", "revoke", str(first_id), "--server", acme)
    assert revoked.returncode == 0, revoked.stderr
    refused = httpx.get(f"{server.url}/api/v1/shares", headers=auth(first))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert httpx.get(f"{server.url}/api/v1/shares", headers=auth(second)).status_code == 200
    assert httpx.get(share["url"]).status_code == 200  # its links stay
    unknown = rep_video("admin", "tokens", "revoke", "987654", "--server", acme)
    assert unknown.returncode == 2 and "987654" in unknown.stderr


@pytest.mark.parametrize("days", ["0", "-3", "3651", "soon"])
def test_serve_token_refuses_a_bad_expiry(server: InProcessServer, days: str) -> None:
    out = rep_video("serve-token", "--data", str(server.data_dir), "--name", "x",
                    "--expires-in", days)  # fmt: skip
    assert out.returncode == 2 and "--expires-in" in out.stderr and "1-3650" in out.stderr


def test_a_disabled_account_stops_and_gets_no_new_token(
    server: InProcessServer, acme: str, small_clip: Path
) -> None:
    _id, token = _serve_token(server, "max")
    share = create_and_publish(server.url, token, {"video.mp4": small_clip})
    off = rep_video("admin", "accounts", "disable", "max", "--server", acme)
    assert off.returncode == 0 and "live links keep working" in off.stderr
    refused = httpx.get(f"{server.url}/api/v1/shares", headers=auth(token))
    assert refused.status_code == 401 and "disabled" in refused.json()["detail"]
    assert httpx.get(share["url"]).status_code == 200
    again = rep_video("serve-token", "--data", str(server.data_dir), "--name", "max")
    assert again.returncode == 2 and "disabled" in again.stderr and "enable" in again.stderr
    assert rep_video("admin", "accounts", "enable", "max", "--server", acme).returncode == 0
    assert httpx.get(f"{server.url}/api/v1/shares", headers=auth(token)).status_code == 200
    gone = rep_video("admin", "accounts", "disable", "max", "--revoke-shares", "--server", acme)
    assert gone.returncode == 0 and "1 shares revoked" in gone.stderr
    assert httpx.get(share["url"]).status_code == 410


def test_targets_test_says_who_pages_name_and_when_the_token_expires(
    server: InProcessServer, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _id, expiring = _serve_token(server, "rita", "--expires-in", "7")
    for name, token in (("field", tokens["rita"]), ("soon", expiring), ("new", tokens["otto"])):
        monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
        add = ["targets", "add", name, "--kind", "server", "--url", server.url, "--token-stdin"]
        assert main(add) == 0
    said = rep_video("targets", "test", "field")
    assert said.returncode == 0, said.stderr
    assert (
        "field: OK" in said.stdout and "pages name you as Rita Rep, rita@example.com" in said.stdout
    )
    assert "expires" not in said.stdout
    soon = rep_video("targets", "test", "soon").stdout
    in_a_week = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    assert f"this API token expires on {in_a_week}" in soon
    new = rep_video("targets", "test", "new").stdout
    assert "pages name you as otto (your account name: ask your admin" in new
