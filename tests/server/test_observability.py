"""Monitoring: /metrics for a scraper with the metrics token (counts by route template, never a
share's token), /livez and /readyz, and JSON log lines — one per request, one per share
created, published or revoked and per failed login — that carry no token and no clear client
address."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rep_video.errors import UserError
from rep_video.server.request_log import JsonFormatter, client_hash
from rep_video.server.settings import load_settings
from tests.server.helpers import auth, create_and_publish
from tests.support.inprocess_server import InProcessServer, inprocess_server
from tests.support.server_process import running_server

METRICS_TOKEN = "scrape-" + "k" * 24


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    data = tmp_path_factory.mktemp("observed")
    with inprocess_server(data, metrics_token=METRICS_TOKEN, log_format="json") as srv:
        yield srv


@pytest.fixture
def json_lines() -> Iterator[list[dict[str, object]]]:
    """The request log's records, formatted as the server writes them."""
    lines: list[dict[str, object]] = []
    formatter = JsonFormatter()

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(formatter.format(record)))

    logger = logging.getLogger("rep_video.server.requests")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def _scrape(srv: InProcessServer) -> str:
    answer = httpx.get(f"{srv.url}/metrics", headers=auth(METRICS_TOKEN))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return answer.text


def _value(text: str, name: str, **labels: str) -> float:
    """A sample's value in the exposition (0 when the series does not exist yet)."""
    for line in text.splitlines():
        if not line.startswith(name + ("{" if labels else " ")):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_what_happened_by_route_template(
    observed: InProcessServer, small_clip: Path
) -> None:
    token = observed.create_token("mona")
    before = _scrape(observed)
    share = create_and_publish(observed.url, token, {"video.mp4": small_clip})
    page = httpx.get(f"{observed.url}/s/{share['token']}")
    assert page.status_code == 200
    event = httpx.post(f"{observed.url}/s/{share['token']}/events", json={"kind": "opened"})
    assert event.status_code == 204
    assert httpx.get(f"{observed.url}/s/{'x' * 43}").status_code == 404
    after = _scrape(observed)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    page_route = {"route": "/s/{token}", "method": "GET"}
    assert grew("repvideo_http_requests_total", status="200", **page_route) == 1
    assert grew("repvideo_http_requests_total", status="404", **page_route) == 1
    assert grew("repvideo_http_request_duration_seconds_count", **page_route) == 2
    assert grew("repvideo_publishes_total") == 1
    assert grew("repvideo_view_events_total") == 1
    size = small_clip.stat().st_size
    assert grew("repvideo_upload_bytes_total") == size  # every PATCH body, counted once
    assert _value(after, "repvideo_uploads_in_flight") == 0
    # Labelled by template: no share token, no path of a share anywhere in the exposition.
    assert share["token"] not in after and "x" * 43 not in after


def test_metrics_need_the_token_and_are_off_without_one(
    observed: InProcessServer, server: InProcessServer
) -> None:
    assert httpx.get(f"{observed.url}/metrics").status_code == 401
    wrong = httpx.get(f"{observed.url}/metrics", headers=auth("scrape-" + "j" * 24))
    assert wrong.status_code == 401
    assert httpx.get(f"{server.url}/metrics", headers=auth(METRICS_TOKEN)).status_code == 404


@pytest.mark.slow
def test_rate_limiter_refusals_are_counted(observed: InProcessServer) -> None:
    before = _scrape(observed)
    answers = [
        httpx.get(f"{observed.url}/api/v1/shares", headers=auth("rv_" + "0" * 40)).status_code
        for _ in range(40)
    ]
    assert 429 in answers
    refused = _value(_scrape(observed), "repvideo_rate_limited_total", route="/api/v1/shares")
    assert refused - _value(before, "repvideo_rate_limited_total", route="/api/v1/shares") == (
        answers.count(429)
    )


def test_live_and_ready(observed: InProcessServer) -> None:
    assert httpx.get(f"{observed.url}/livez").json() == {"ok": True}
    assert httpx.get(f"{observed.url}/readyz").json() == {"ok": True}


def test_not_ready_when_the_blob_store_is_gone(tmp_path: Path) -> None:
    with inprocess_server(tmp_path / "srv", metrics_token=METRICS_TOKEN) as srv:
        blobs = srv.data_dir / "blobs"
        blobs.rename(tmp_path / "moved")
        blobs.write_text("not a folder")  # what a lost mount looks like to the server
        ready = httpx.get(f"{srv.url}/readyz")
        assert ready.status_code == 503
        assert ready.json()["problems"] == ["blob store: OSError"]
        assert httpx.get(f"{srv.url}/livez").status_code == 200  # alive: do not restart it
        text = _scrape(srv)
        assert _value(text, "repvideo_blob_store_errors_total", where="readiness") == 1


def test_json_log_lines_name_events_and_hide_tokens_and_addresses(
    observed: InProcessServer, small_clip: Path, json_lines: list[dict[str, object]]
) -> None:
    token = observed.create_token("nina")
    share = create_and_publish(observed.url, token, {"video.mp4": small_clip})
    assert httpx.get(f"{observed.url}/s/{share['token']}").status_code == 200
    revoked = httpx.post(f"{observed.url}/api/v1/shares/{share['id']}/revoke", headers=auth(token))
    assert revoked.status_code == 200
    bad = httpx.get(f"{observed.url}/api/v1/shares", headers=auth("rv_" + "1" * 40))
    assert bad.status_code in (401, 429)

    events = [line["event"] for line in json_lines]
    assert events.count("share created") == 1
    assert events.count("share published") == 1
    assert events.count("share revoked") == 1
    assert "authentication failed" in events or bad.status_code == 429
    assert "request" in events  # json format: every request, not only the events
    published = next(line for line in json_lines if line["event"] == "share published")
    assert published["share_id"] == share["id"]
    assert published["route"] == "/api/v1/shares/{share_id}/publish"
    assert isinstance(published["ms"], float) and published["status"] == 200
    page = next(line for line in json_lines if line["route"] == "/s/{token}")
    assert page["client"] == client_hash("127.0.0.1")
    dump = "\n".join(json.dumps(line) for line in json_lines)
    for secret in (share["token"], token, "rv_" + "1" * 40, "127.0.0.1"):
        assert secret not in dump
    assert re.fullmatch(r"[0-9a-f]{16}", str(page["client"]))


def test_bad_observability_settings_are_refused() -> None:
    with pytest.raises(UserError, match="log_format"):
        load_settings(env={}, overrides={"log_format": "xml"})
    with pytest.raises(UserError, match="metrics_token is too short"):
        load_settings(env={}, overrides={"metrics_token": "short"})


@pytest.mark.process
def test_the_server_process_logs_json_only(tmp_path: Path) -> None:
    env = {"REP_VIDEO_SERVER_LOG_FORMAT": "json"}
    with running_server(tmp_path / "srv", env, log_level="info") as srv:
        token = srv.create_token("olga")
        assert httpx.get(f"{srv.url}/api/v1/shares", headers=auth(token)).status_code == 200
        assert httpx.get(f"{srv.url}/s/{'y' * 43}").status_code == 404
        assert httpx.get(f"{srv.url}/no/such/page").status_code == 404
        srv.stop()
        lines = [json.loads(line) for line in srv.log().splitlines() if line.strip()]
    assert lines, "the server logged nothing"
    assert lines[0] == {"event": "listening", "url": srv.url}
    assert {"time", "level", "logger", "message"} <= set(lines[1])  # uvicorn's own, as JSON
    routes = [line.get("route") for line in lines if line.get("event") == "request"]
    assert {"/api/v1/shares", "/s/{token}", "unmatched"} <= set(routes)
    ours = [line for line in lines if line.get("logger") == "rep_video.server.requests"]
    text = "\n".join(json.dumps(line) for line in ours)
    for secret in (token, "y" * 43, "127.0.0.1:"):
        assert secret not in text
