"""The share server checks every share's message and captions against the restricted-word
list of its own catalog, whatever the rep's computer checked: a blocked word is a 422 naming
it and its reason, a warning the rep did not confirm is a 422, a confirmed one is kept, as
the server found it, in the stored manifest. `admin catalog push` carries the list."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.captions.cues import Cue
from rep_video.cli import main
from rep_video.resources import resource_path
from rep_video.server.audit_log import read_records, verify_log
from rep_video.server.db import Share
from rep_video.share.manifest import CaptionsRef, ShareManifest, WordingConfirmation
from tests.server.helpers import auth, create_body, manifest
from tests.support.inprocess_server import InProcessServer

RESTRICTED = [
    {"term": "cure", "action": "block", "reason": "an efficacy claim"},
    {"regex": r"\bbetter\s+than\b", "action": "warn", "reason": "a comparative claim"},
]


@pytest.fixture(scope="module")
def pushed(server: InProcessServer, tokens: dict[str, str]) -> None:
    answer = httpx.put(
        f"{server.url}/api/v1/admin/catalog",
        json={"page_approval_code": "PAGE-1", "items": [], "restricted": RESTRICTED},
        headers=auth(tokens["admin"]),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["restricted"] == RESTRICTED


def _create(server: InProcessServer, token: str, m: ShareManifest, clip: Path) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/shares",
        json=create_body(m, {"video.mp4": clip}),
        headers=auth(token),
    )


def _detail(answer: httpx.Response) -> str:
    return " ".join(d["msg"] for d in answer.json()["detail"])


def test_a_blocked_word_in_the_message_is_a_422_naming_it(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    m = replace(manifest(), message="Our drug Cures it, and works better than placebo.")
    answer = _create(server, tokens["rita"], m, small_clip)
    assert answer.status_code == 422, answer.text
    assert "the message: 'Cures' (an efficacy claim)" in _detail(answer)
    assert answer.json()["detail"][0]["loc"] == ["body", "manifest", "message"]


def test_a_blocked_word_in_a_caption_is_a_422(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    captions = CaptionsRef("en", (Cue(0.0, 1.0, "Hello."), Cue(1.0, 2.5, "A CURE at last.")))
    answer = _create(server, tokens["rita"], replace(manifest(), captions=captions), small_clip)
    assert answer.status_code == 422, answer.text
    assert "caption 2 (at 0:01.0): 'CURE'" in _detail(answer)


def test_a_warning_needs_the_reps_confirmation_which_the_server_keeps(
    server: InProcessServer, tokens: dict[str, str], pushed: None, small_clip: Path
) -> None:
    m = replace(manifest(), message="It works Better  than placebo.")
    answer = _create(server, tokens["rita"], m, small_clip)
    assert answer.status_code == 422, answer.text
    assert "not confirmed" in _detail(answer) and "'Better  than'" in _detail(answer)

    # Confirmed, with the client's own (wrong) account of where: the server's is kept.
    claimed = WordingConfirmation(r"\bbetter\s+than\b", "forged", "forged", "nowhere")
    answer = _create(server, tokens["rita"], replace(m, wording_confirmed=(claimed,)), small_clip)
    assert answer.status_code == 201, answer.text
    with server.state.sessions() as s:
        stored = ShareManifest.from_json(s.get(Share, answer.json()["id"]).manifest_json)
    assert stored.wording_confirmed == (
        WordingConfirmation(r"\bbetter\s+than\b", "Better  than", "a comparative claim",
                            "the message"),
    )  # fmt: skip
    # ... and the confirmation is a record in the audit log's chain, which still verifies.
    records = [r for r in read_records(server.state.engine) if r.columns.get("share_id")
               == answer.json()["id"]]  # fmt: skip
    bodies = [json.loads(r.body) for r in records]
    assert [b["action"] for b in bodies] == ["create", "wording confirmed"]
    assert bodies[1]["detail"]["confirmed"] == [
        {"term": r"\bbetter\s+than\b", "matched": "Better  than",
         "reason": "a comparative claim", "where": "the message"},
    ]  # fmt: skip
    assert bodies[1]["actor"] == "rita"
    assert verify_log(server.state.engine).ok


def test_catalog_push_carries_the_sample_restricted_list(
    server: InProcessServer, tokens: dict[str, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], small_clip: Path,
) -> None:  # fmt: skip
    folder = tmp_path / "catalog"
    shutil.copytree(resource_path("catalog"), folder)
    monkeypatch.setattr("sys.stdin", io.StringIO(tokens["admin"] + "\n"))
    add = ["targets", "add", "acme", "--kind", "server", "--url", server.url, "--token-stdin"]
    assert main(add) == 0
    argv = ["admin", "catalog", "push", str(folder / "sample-catalog.toml"), "--server", "acme"]
    assert main(argv) == 0, capsys.readouterr().err
    pushed = capsys.readouterr().err
    assert "4 restricted terms, 2 message templates and 2 teleprompter scripts" in pushed
    served: dict[str, Any] = httpx.get(
        f"{server.url}/api/v1/catalog", headers=auth(tokens["rita"])
    ).json()
    assert {r.get("term") or r.get("regex"): r["action"] for r in served["restricted"]} == {
        "cure": "block", "completely safe": "block", r"\bbetter\s+than\b": "warn",
        "pediatric": "warn",
    }  # fmt: skip
    # The push carries the approved teleprompter scripts too.
    assert [s["id"] for s in served["scripts"]] == ["visit-summary", "dosing-question"]
    assert served["scripts"][0]["texts"]["de"].startswith("Hallo {hcp_name}")
    m = replace(manifest(), message="Completely SAFE for everyone.")
    answer = _create(server, tokens["rita"], m, small_clip)
    assert answer.status_code == 422 and "an absolute safety claim" in _detail(answer)


def test_a_bad_restricted_entry_is_a_422_naming_it(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    for bad, expected in (
        ({"regex": "x*", "action": "warn", "reason": "r"}, "matches empty text"),
        ({"term": "cure", "regex": "cure", "action": "warn", "reason": "r"}, "either term"),
        ({"term": "cure", "action": "stop", "reason": "r"}, "block"),
    ):
        answer = httpx.put(
            f"{server.url}/api/v1/admin/catalog",
            json={"items": [], "restricted": [bad]},
            headers=auth(tokens["admin"]),
        )
        assert answer.status_code == 422 and expected in answer.text, answer.text
