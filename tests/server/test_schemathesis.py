"""An API fuzzer against the live server: schemathesis reads the server's own OpenAPI document
(fetched from it with an admin token) and sends generated requests to every operation it
lists, valid and invalid, as a rep and as an admin, through its examples, coverage, fuzzing and
stateful phases. The check is that no answer is a 5xx. Bounded in time (SECONDS a run).

The rate limits are off for this server: otherwise the fuzzer's deliberately wrong tokens would
soon get only 429s and reach nothing behind them (the limits have tests of their own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.inprocess_server import InProcessServer, inprocess_server
from tests.support.server_process import ROOT

pytestmark = [pytest.mark.slow]
SECONDS = 45


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    env = {
        "REP_VIDEO_SERVER_FAILED_LOOKUPS_PER_MINUTE": "0",
        "REP_VIDEO_SERVER_FAILED_API_AUTH_PER_MINUTE": "0",
    }
    with inprocess_server(tmp_path_factory.mktemp("fuzzed"), env) as srv:
        yield srv


@pytest.mark.parametrize("who", ["rep", "admin"])
def test_no_operation_answers_a_server_error(
    fuzzed: InProcessServer, tmp_path: Path, who: str
) -> None:
    token = fuzzed.create_token(f"fuzz-{who}", admin=who == "admin")
    admin = token if who == "admin" else fuzzed.create_token("fuzz-reader", admin=True)
    document = httpx.get(f"{fuzzed.url}/openapi.json", headers={"Authorization": f"Bearer {admin}"})
    assert document.status_code == 200
    operations = sum(len(ops) for ops in document.json()["paths"].values())
    assert operations >= 15  # the API, tus and the public pages
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(document.json()))
    report = tmp_path / "report"
    # cwd: schemathesis caches what it found in ./.schemathesis; each run starts from nothing.
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", str(schema), "--url", fuzzed.url,
         "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error",
         "--max-time", str(SECONDS), "--workers", "1", "--seed", "20261124",
         "--report", "junit", "--report-dir", str(report)],
        cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS * 4,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.server.schemathesis_hooks",
             "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )  # fmt: skip
    tail = run.stdout[-4000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail
    assert f"Tested: {operations}" in run.stdout, tail  # every operation was reached
    assert " passed" in run.stdout and "generated" in run.stdout, tail
