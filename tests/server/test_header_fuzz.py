"""Property-based fuzz of the header parsers the public and the tus paths run on every request:
HTTP Range and the tus numbers, checksum and metadata. The pure parsers never raise (but for
an unsatisfiable range, which is a 416), and the live server answers every generated header
with a 4xx or a success, never a 5xx. Header values are Latin-1 bytes on the wire, so the
strategies draw from all of Latin-1 plus what tends to break number parsing: superscript and
other Unicode digits, signs, spaces, and runs of thousands of digits."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rep_video.server.numbers import BEYOND, capped_count, header_count
from rep_video.server.ranges import Unsatisfiable, parse_range
from rep_video.server.tus_body import parse_checksum
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.examples import examples
from tests.support.inprocess_server import InProcessServer

LIVE = settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Latin-1 only: what a client can put in a header (² ³ ¹ ¼ are in it).
_CHAR = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
_NUMBERISH = st.one_of(
    st.integers(min_value=0, max_value=10**20).map(str),
    st.text(alphabet="0123456789²³¹¼½¾ +-_.,", max_size=30),
    st.integers(min_value=4290, max_value=5200).map(lambda n: "9" * n),
    st.text(_CHAR, max_size=20),
)


def _wire(value: str) -> bytes:
    """A header value as sent: HTTP drops surrounding blanks (and h11 refuses to send them)."""
    return value.strip(" \t").encode("latin-1")


_RANGE_UNIT = st.sampled_from(["bytes", "BYTES", " bytes ", "items", "", "bytes "])


@st.composite
def range_headers(draw: st.DrawFn) -> str:
    spec = ",".join(
        draw(st.sampled_from(["{a}-{b}", "{a}-", "-{b}", "{a}", "{a}-{b}-{a}", "-"])).format(
            a=draw(_NUMBERISH), b=draw(_NUMBERISH)
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    return draw(st.one_of(st.just(f"{draw(_RANGE_UNIT)}={spec}"), st.text(_CHAR, max_size=60)))


@settings(max_examples=examples(600), deadline=None)
@given(range_headers(), st.integers(min_value=0, max_value=10**12))
def test_parse_range_never_fails(header: str, size: int) -> None:
    try:
        got = parse_range(header, size)
    except Unsatisfiable:
        return
    if got is not None:
        assert 0 <= got.start <= got.end < size


@settings(max_examples=examples(600), deadline=None)
@given(_NUMBERISH)
def test_header_numbers_never_fail(raw: str) -> None:
    exact, capped = header_count(raw), capped_count(raw)
    if exact is not None:
        assert raw.isascii() and raw.isdigit() and exact == int(raw) and capped == exact
    if capped is not None:
        assert raw.isascii() and raw.isdigit() and 0 <= capped <= BEYOND


@settings(max_examples=examples(400), deadline=None)
@given(st.text(_CHAR, max_size=80))
def test_checksum_header_never_fails(raw: str) -> None:
    got = parse_checksum(raw)
    assert got is None or isinstance(got, str | tuple)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    # One client: a fresh one per request would spend most of the time on its TLS context.
    with httpx.Client(timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def live(server: InProcessServer, tokens: dict[str, str], small_clip: Path) -> dict[str, Any]:
    return create_and_publish(server.url, tokens["rita"], {"video.mp4": small_clip})


@LIVE
@given(range_headers(), st.sampled_from(["GET", "HEAD"]), st.booleans())
def test_live_ranges_never_5xx(
    client: httpx.Client, live: dict[str, Any], header: str, method: str, if_range: bool
) -> None:
    headers = {"Range": _wire(header)}
    if if_range:
        headers["If-Range"] = _wire(header)
    r = client.request(method, f"{live['url']}/media/video.mp4", headers=headers)
    assert r.status_code in (200, 206, 416), (header, r.status_code)


@pytest.fixture(scope="module")
def pending(server: InProcessServer, tokens: dict[str, str], small_clip: Path) -> dict[str, Any]:
    h = auth(tokens["rita"])
    body = create_body(manifest(), {"video.mp4": small_clip})
    share: dict[str, Any] = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=h).json()
    meta = f"share {base64.b64encode(share['id'].encode()).decode()},name dmlkZW8ubXA0"
    created = httpx.post(
        f"{server.url}/api/v1/uploads",
        headers={**h, "Tus-Resumable": "1.0.0", "Upload-Metadata": meta,
                 "Upload-Length": str(small_clip.stat().st_size)},
    )  # fmt: skip
    assert created.status_code == 201
    return {"share": share, "meta": meta, "upload": created.headers["location"]}


_TUS_VALUE = st.one_of(_NUMBERISH, st.text(_CHAR, max_size=40))


@LIVE
@given(
    st.one_of(st.just("1.0.0"), st.text(_CHAR, max_size=8)),
    _TUS_VALUE,
    st.one_of(st.none(), st.text(_CHAR, max_size=60), st.sampled_from(["name dmlkZW8ubXA0"])),
)
@example(resumable="1.0.0", length="0", meta="0 \x80")  # found by this test: was a 500
def test_live_tus_creation_headers_never_5xx(
    client: httpx.Client,
    server: InProcessServer,
    tokens: dict[str, str],
    pending: dict[str, Any],
    resumable: str,
    length: str,
    meta: str | None,
) -> None:
    metadata = meta if meta is not None else pending["meta"]
    headers = {**auth(tokens["rita"]), "Tus-Resumable": _wire(resumable),
               "Upload-Length": _wire(length), "Upload-Metadata": _wire(metadata)}  # fmt: skip
    r = client.post(f"{server.url}/api/v1/uploads", headers=headers)
    assert r.status_code < 500, (headers, r.status_code, r.text)
    stripped = length.strip(" \t")
    assert r.status_code != 201 or (stripped.isascii() and stripped.isdigit())


@LIVE
@given(
    _TUS_VALUE,
    st.one_of(st.none(), st.text(_CHAR, max_size=80), st.sampled_from(["sha256 !!", "md5 AAAA"])),
    st.sampled_from(["application/offset+octet-stream", "text/plain", ""]),
    st.binary(max_size=64),
)
@example(offset="0", checksum="sha256 \x80", ctype="application/offset+octet-stream", body=b"")
def test_live_tus_patch_headers_never_5xx(
    client: httpx.Client,
    tokens: dict[str, str],
    pending: dict[str, Any],
    offset: str,
    checksum: str | None,
    ctype: str,
    body: bytes,
) -> None:
    headers = {**auth(tokens["rita"]), "Tus-Resumable": "1.0.0",
               "Upload-Offset": _wire(offset), "Content-Type": ctype}  # fmt: skip
    if checksum is not None:
        headers["Upload-Checksum"] = _wire(checksum)
    r = client.patch(pending["upload"], headers=headers, content=body)
    assert r.status_code < 500, (headers, r.status_code, r.text)
    head = client.head(
        pending["upload"], headers={**auth(tokens["rita"]), "Tus-Resumable": "1.0.0"}
    )
    assert head.status_code == 200
