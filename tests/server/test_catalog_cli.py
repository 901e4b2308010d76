"""`rep-video admin catalog push`, `admin policy push` and `admin content withdraw` against a
share server (in this process) through a configured server target."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import httpx
import pytest

from rep_video.cli import main
from rep_video.resources import resource_path
from tests.server.helpers import auth
from tests.support.inprocess_server import InProcessServer


@pytest.fixture
def acme(server: InProcessServer, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(tokens["admin"] + "\n"))
    add = ["targets", "add", "acme", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    return "acme"


def _sample(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), folder)
    return folder / "sample-catalog.toml"


def test_push_uploads_checked_files_and_items(
    server: InProcessServer, tokens: dict[str, str], acme: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    catalog = _sample(tmp_path)
    assert main(["admin", "catalog", "push", str(catalog), "--server", acme]) == 0, (
        capsys.readouterr().err
    )
    served = httpx.get(f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"])).json()
    items = {i["id"]: i for i in served["items"]}
    assert items["onc-dosing-guide"]["approval_code"] == "PP-ONC-US-0123"
    assert served["page_approval_code"] == "PP-CORP-US-0007"
    sha = items["onc-dosing-guide"]["sha256"]
    assert (
        server.data_dir.joinpath("blobs", "catalog", sha).read_bytes()
        == (catalog.parent / "files" / "oncology-dosing-guide.pdf").read_bytes()
    )

    assert main(["admin", "content", "withdraw", "patient-support", "--reason", "recall",
                 "--server", acme]) == 0  # fmt: skip
    served = httpx.get(f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"])).json()
    gone = next(i for i in served["items"] if i["id"] == "patient-support")
    assert gone["withdrawn"] is True and gone["withdrawn_reason"] == "recall"


def test_push_refuses_a_file_that_does_not_match_its_sha256(
    server: InProcessServer, acme: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = _sample(tmp_path)
    (catalog.parent / "files" / "oncology-dosing-guide.pdf").write_bytes(b"%PDF tampered")
    assert main(["admin", "catalog", "push", str(catalog), "--server", acme]) == 2
    err = capsys.readouterr().err
    assert "onc-dosing-guide" in err and "sha256" in err and "Traceback" not in err


def test_policy_push_stores_the_whole_policy_and_refuses_unknown_keys(
    server: InProcessServer, tokens: dict[str, str], acme: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'max_expiry_days = 90\nanalytics = "off"\nretention_days = 400\nallow_no_expiry = true\n'
        '[required_page_content]\nisi = "Important safety information"\n'
    )
    assert main(["admin", "policy", "push", str(policy), "--server", acme]) == 0
    stored = httpx.get(f"{server.url}/api/v1/policy", headers=auth(tokens["rita"])).json()
    assert stored["max_expiry_days"] == 90 and stored["analytics"] == "off"
    # Every key of the server's policy can be pushed: `answers` was "unknown" to the command.
    policy.write_text(
        '[answers]\nactions = ["reply"]\ncallback_times = ["Today"]\nuseful_question = false\n'
    )
    assert main(["admin", "policy", "push", str(policy), "--server", acme]) == 0, (
        capsys.readouterr().err
    )
    stored = httpx.get(f"{server.url}/api/v1/policy", headers=auth(tokens["rita"])).json()
    assert stored["answers"]["actions"] == ["reply"]
    assert stored["answers"]["useful_question"] is False
    policy.write_text("max_expiry = 90\n")
    assert main(["admin", "policy", "push", str(policy), "--server", acme]) == 2
    assert "max_expiry" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[retention]\nshares_days = inf\n", "retention.shares_days is inf"),
        ("max_expiry_days = 1e400\n", "max_expiry_days is inf"),
        ("[answers]\ncallback_times = [nan]\n", "answers.callback_times[0] is nan"),
        ("max_expiry_days = 2027-01-01\n", "max_expiry_days is a date"),
    ],
)
def test_policy_push_of_a_value_json_cannot_carry_is_exit_2(
    acme: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    # Was 'cannot reach the share server (Out of range float values ...)', exit 1.
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    assert main(["admin", "policy", "push", str(policy), "--server", acme]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


def test_content_list_reads_the_servers_catalog_and_its_cached_copy_offline(
    server: InProcessServer, tokens: dict[str, str], acme: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.support.server_process import free_port

    assert main(["admin", "catalog", "push", str(_sample(tmp_path)), "--server", acme]) == 0
    for url in (server.url, f"http://127.0.0.1:{free_port()}"):
        monkeypatch.setattr("sys.stdin", io.StringIO(tokens["rita"] + "\n"))
        add = ["targets", "add", "field", "--kind", "server", "--url", url, "--token-stdin"]
        assert main([*add, "--default"]) == 0
        capsys.readouterr()
        assert main(["content", "list"]) == 0, capsys.readouterr().err
        table = capsys.readouterr().out
        assert "PP-ONC-US-0123" in table and "from the share server" in table
        assert ("offline" in table) == (url != server.url)
    assert main(["content", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["offline"] is True and data["fetched_at"]
    assert data["page_approval_code"] == "PP-CORP-US-0007"


def test_send_attaches_an_item_only_the_server_has(
    server: InProcessServer, tokens: dict[str, str], acme: str, small_clip: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import hashlib
    from datetime import date, timedelta

    pdf = b"%PDF-1.4\n% server only\n" * 30
    sha = hashlib.sha256(pdf).hexdigest()
    admin = auth(tokens["admin"])
    url = f"{server.url}/api/v1/admin/catalog"
    assert httpx.put(f"{url}/files/{sha}", content=pdf, headers=admin).is_success
    item = {
        "id": "srv-only", "title": "Server leaflet", "kind": "pdf", "approval_code": "SRV-42",
        "version": "2", "valid_from": (date.today() - timedelta(days=1)).isoformat(),
        "expires": (date.today() + timedelta(days=9)).isoformat(),
        "file_name": "server-leaflet.pdf", "sha256": sha, "size": len(pdf),
    }  # fmt: skip
    assert httpx.put(url, json={"items": [item]}, headers=admin).is_success
    monkeypatch.setattr("sys.stdin", io.StringIO(tokens["rita"] + "\n"))
    add = ["targets", "add", "rita", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    capsys.readouterr()
    argv = ["send", str(small_clip), "--to", "Dr. Who", "--from-name", "Rita Rep",
            "--target", "rita", "--attach", "srv-only"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    link = capsys.readouterr().out.strip().splitlines()[-1]
    page = httpx.get(link).text
    assert "SRV-42" in page and "Server leaflet" in page
    token = link.rsplit("/", 1)[-1]
    pdf_answer = httpx.get(f"{server.url}/s/{token}/media/files/server-leaflet.pdf")
    assert pdf_answer.status_code == 200 and pdf_answer.content == pdf
