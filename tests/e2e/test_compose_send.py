"""A send to the share server goes the compose way when the take is one of our recordings:
the outbox makes the video as a layout, uploads the recording and the new pieces as the
share's parts, and the server composes video.mp4 (real server process, the send pipeline as
`rep-video send` runs it). The phone gets byte for byte the file this computer makes from the
same take and edit, and what crossed the network is the recording, the new pieces, the poster
and the email GIF — not the video a second time. The GIF is made and sent after the share is
live: the page does not wait for it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from rep_video import config, secrets
from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.progress import Progress
from rep_video.share.manifest import Person
from rep_video.share.outbox import Outbox
from rep_video.share.request import MediaEdit, ShareRequest
from rep_video.share.send import SendHooks, Until, send
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import running_server
from tests.unit.media.capture.conftest import record_into

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HTTP_OVERHEAD = 40_000  # headers of a dozen requests, the declarations, the answers


def _get(url: str) -> bytes:
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200, r.text
    return r.content


@pytest.mark.parametrize(
    ("trim", "intro"),
    [pytest.param((1.5, 4.5), False, id="trimmed"), pytest.param(None, True, id="intro")],
)
def test_send_composes_the_video_on_the_server(
    tmp_path: Path, trim: tuple[float, float] | None, intro: bool
) -> None:
    take = record_into(tmp_path / "take", 6.0, (320, 240), flash_at=(3.4,)).path
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        secrets.set_secret("acme", "api_token", srv.create_token("rita"))
        config.add_target("acme", "server", {"url": proxy.url})
        request = ShareRequest(
            take, Person("Dr. Ada Ng"), sender=Person("Rita Rep"), target="acme",
            edit=MediaEdit(trim=trim, intro=intro),
        )  # fmt: skip
        seen: dict[str, int] = {}

        def progress(p: Progress) -> None:  # the GIF is made after the page went live
            if p.stage == "preview" and "page" not in seen:
                page = httpx.get(p_link[0], timeout=30) if p_link else None
                seen["page"] = page.status_code if page is not None else 0
                seen["gif"] = httpx.get(f"{p_link[0]}/media/preview.gif").status_code

        p_link: list[str] = []
        hooks = SendHooks(progress=progress, on_link=lambda r: p_link.append(str(r.link)))
        result = send(request, Until.LIVE, hooks)
        sent = proxy.bytes_up
        assert seen == {"page": 200, "gif": 404}, seen
        assert result.live
        video = _get(f"{result.link}/media/video.mp4")
        poster = _get(f"{result.link}/media/poster.jpg")
        gif = _get(f"{result.link}/media/preview.gif")
    # What this computer makes of the same take and edit (x264 is deterministic here).
    names = ("Dr. Ada Ng", "Rita Rep") if intro else None
    local = assemble_video(take, Edit(trim, "smart", names), _made(tmp_path / "again"))
    assert hashlib.sha256(video).hexdigest() == local.layout.sha256()
    new = sum(p.stat().st_size for p in local.pieces)
    moov = len(local.layout.parts[0].data)  # type: ignore[union-attr]
    expected = take.stat().st_size + new + (moov + 2) // 3 * 4 + len(poster) + len(gif)
    assert expected < sent < expected + HTTP_OVERHEAD, (expected, sent, len(video))
    entry = Outbox().find(result.link)
    assert entry.state == "done"
    # Delivered: the staged copy went, layout and pieces with it.
    assert sorted(p.name for p in entry.package.iterdir()) == ["manifest.json"]


def _made(path: Path) -> Path:
    path.mkdir(parents=True)
    return path
