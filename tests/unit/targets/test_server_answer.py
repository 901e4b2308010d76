"""A share server that answers 2xx with JSON of the wrong shape (or a web page, or no
Location): each request the client reads says so in one line naming the server, the request
and what was wrong (an UnexpectedAnswer: the outbox keeps the send, the CLI exits 2). It was a
KeyError ("'id'") or AttributeError. Against a stdlib HTTP server on 127.0.0.1 that answers
what each test sets."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, cast

import pytest
import requests

from rep_video.cli import main
from rep_video.errors import TransientError, UnexpectedAnswer, UserError
from rep_video.progress import CancelToken
from rep_video.share.targets.base import Reservation, SharePackage
from rep_video.share.targets.server import ServerTarget
from rep_video.share.targets.server_answer import json_answer
from rep_video.share.targets.server_compose import ComposePlan
from rep_video.share.targets.tus_upload import is_transient

# (method, path) → (status, headers, body); what the fake server answers.
Routes = dict[tuple[str, str], tuple[int, dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[Routes] = {}

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, headers, body = self.routes.get((self.command, self.path), (404, {}, b"{}"))
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    routes: Routes = {}

    class Handler(_Handler):
        pass

    Handler.routes = routes  # this test's own
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def _json(value: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {}, json.dumps(value).encode()


def _target(url: str) -> ServerTarget:
    return ServerTarget("acme", url, "tok", retry_window=30.0, timeout=5.0)


def _reservation(url: str) -> Reservation:
    state = {"upload_url": f"{url}/files/", "uploads": {}, "files": []}
    return Reservation("acme", "s1", "tok1", f"{url}/s/tok1", state)


SHARE = {"id": "s1", "token": "tok1", "url": "https://x/s/tok1", "upload_url": "/files/"}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({}, "has no 'id'"),
        ([], "is a list, not an object"),
        ("ok", "is not JSON of the share server"),
        (5, "is not JSON of the share server"),
        ({**SHARE, "token": None}, "has 'token' as null"),
        ({k: v for k, v in SHARE.items() if k != "upload_url"}, "has no 'upload_url'"),
        ({**SHARE, "id": True}, "has 'id' as true/false"),
    ],
)
def test_creating_a_share_names_the_request_and_what_is_missing(
    server: tuple[str, Routes], tmp_path: Path, answer: Any, problem: str
) -> None:
    url, routes = server
    routes["POST", "/api/v1/shares"] = _json(answer, 201)
    package = cast(SharePackage, _Package())
    with pytest.raises(UnexpectedAnswer) as caught:
        _target(url).reserve(package)  # was KeyError: 'id'
    message = str(caught.value)
    assert f"the answer of {url} to POST /api/v1/shares {problem}" in message
    assert "target 'acme'" in message and "\n" not in message


class _Package:
    """Only what reserve reads of a package not complete yet (its media comes later)."""

    complete = False

    class manifest:
        @staticmethod
        def to_dict() -> dict[str, Any]:
            return {}


def test_a_tus_create_without_location_is_said_and_not_retried(
    server: tuple[str, Routes], tmp_path: Path
) -> None:
    url, routes = server
    routes["POST", "/files/"] = (201, {}, b"")
    video = tmp_path / "video.mp4"
    video.write_bytes(b"x" * 100)
    target = _target(url)
    with pytest.raises(UnexpectedAnswer, match=r"to POST /files/ has no Location \(201\)"):
        target.uploads(_reservation(url)).create("video.mp4", video)
    # A send (retrying for 30 s on what may pass) gives up at once: it will not change soon.
    cancel = CancelToken()
    with pytest.raises(UnexpectedAnswer, match="no Location"):
        target.uploads(_reservation(url)).send("video.mp4", video, _meter(), cancel)


def _meter() -> Any:
    from rep_video.share.targets.meter import UploadMeter

    return UploadMeter(100, lambda _p: None)


def test_compose_publish_status_and_list_say_a_wrong_shape(server: tuple[str, Routes]) -> None:
    url, routes = server
    target, res = _target(url), _reservation(url)
    routes["POST", "/api/v1/shares/s1/compose"] = (200, {"Content-Type": "text/html"}, b"<p>hi")
    plan = ComposePlan(parts=(), body={"name": "video.mp4"}, size=0, sha256="0" * 64)
    with pytest.raises(UnexpectedAnswer, match="to POST /api/v1/shares/s1/compose is not JSON"):
        target._compose(res, plan, CancelToken())

    routes["POST", "/api/v1/shares/s1/publish"] = _json({"detail": "not complete"}, 409)
    routes["GET", "/api/v1/shares/s1"] = _json({"views": 3})
    with pytest.raises(UnexpectedAnswer, match="to GET /api/v1/shares/s1 has no 'state'"):
        target._publish(cast(SharePackage, None), res, CancelToken())  # was: 'None' before

    with pytest.raises(UnexpectedAnswer, match="to GET /api/v1/shares/s1 has no 'state'"):
        target.status(res)
    routes["GET", "/api/v1/shares/s1"] = _json([])
    with pytest.raises(UnexpectedAnswer, match="is a list, not an object"):
        target.status(res)  # was AttributeError
    routes["GET", "/api/v1/shares/s1"] = _json(
        {"state": "live", "views": "many", "events": [1, {"kind": "opened", "at": "t"}]}
    )
    st = target.status(res)  # the fields it can do without: read as none
    assert (st.state, st.views, [e.kind for e in st.events]) == ("live", 0, ["opened"])

    routes["GET", "/api/v1/shares"] = _json({"shares": []})
    with pytest.raises(UnexpectedAnswer, match="to GET /api/v1/shares is an object, not a list"):
        target.list_shares()  # was: the object's keys as shares
    routes["GET", "/api/v1/views"] = _json({"analytics": "aggregate", "shares": "2"})
    with pytest.raises(UnexpectedAnswer, match="has 'shares' as a string"):
        target.view_totals()


def test_an_unexpected_answer_is_kept_by_the_outbox_not_retried_in_place() -> None:
    exc = UnexpectedAnswer("x")
    # The outbox's 'may pass' (Interrupted, retried later), not a refusal that fails the send.
    assert isinstance(exc, TransientError) and not isinstance(exc, UserError)
    assert not is_transient(exc)  # a retry loop seconds long does not wait on it


def _response(code: int, body: bytes) -> requests.Response:
    resp = requests.Response()
    resp.status_code = code
    resp._content = body
    resp.url = "https://share.example/api/v1/views"
    return resp


@pytest.mark.parametrize("body", [b"nul", b"<html>It works!</html>", b'"x"', b"5", b"null"])
def test_a_2xx_that_is_not_a_json_object_or_list_is_unexpected(body: bytes) -> None:
    with pytest.raises(UnexpectedAnswer, match="is not JSON of the share server; check that the"):
        json_answer(_response(200, body), "reading the view totals", "acme")


def test_json_answer_passes_objects_lists_and_nothing() -> None:
    assert json_answer(_response(200, b'{"a": 1}'), "x", "acme", {"a": int}) == {"a": 1}
    assert json_answer(_response(200, b"[]"), "x", "acme", list) == []
    assert json_answer(_response(204, b""), "x", "acme") is None


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_the_cli_says_it_in_one_line_and_exits_2(
    server: tuple[str, Routes],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url, routes = server
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("tok\n"))
    code, err = _cli(capsys, "targets", "add", "acme", "--kind", "server", "--url", url,
                     "--token-stdin", "--default")  # fmt: skip
    assert code == 0, err
    routes["GET", "/api/v1/admin/accounts"] = _json([{"name": "rita"}])
    code, err = _cli(capsys, "admin", "accounts", "list")
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1
    assert "to GET /api/v1/admin/accounts item 1 has no 'display_name'" in err
    routes["GET", "/api/v1/views"] = _json(["opened"])
    code, err = _cli(capsys, "views")
    assert code == 2 and "to GET /api/v1/views is a list, not an object" in err
