"""What one recording sent to several physicians must give on the share server, checked the
same way for the command line and the app: a live page per physician greeting them (and
only them), one stored copy of the video however many pages play it (the server's blob
store counted on disk), and a create and a publish audit record per page (read from the
server's database by `rep-video admin audit export`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx

from rep_video.share.outbox import Outbox
from tests.support.server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def stored_copies(srv: ServerProcess, data: bytes) -> int:
    """How many files in the server's blob store hold exactly `data`."""
    return sum(
        1
        for p in (srv.data_dir / "blobs").rglob("*")
        if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data
    )


def audit_actions(srv: ServerProcess) -> Counter[tuple[str, str]]:
    """(share id, action) of every record in the server's audit log."""
    command = ["admin", "audit", "export", "--data", str(srv.data_dir)]
    out = subprocess.run(
        [sys.executable, "-m", "rep_video", *command],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return Counter((str(r.get("share_id")), str(r["action"])) for r in records)


def check_pages(
    srv: ServerProcess, sent: list[tuple[str, str]], names: list[str],
    languages: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """`sent` (link, name) gives each of `names` its own live page greeting it (in its
    language), the pages play one stored video, and each share has its create and publish
    records."""
    assert [name for _link, name in sent] == names
    links = [link for link, _name in sent]
    assert len(set(links)) == len(names) and all(li.startswith(f"{srv.url}/s/") for li in links)
    videos, gifs = set(), set()
    for link, name in sent:
        page = httpx.get(link)
        assert page.status_code == 200 and "<video" in page.text, page.text[:300]
        assert name in page.text
        for other in set(names) - {name}:
            assert other not in page.text  # nobody sees another physician's name
        if languages and name in languages:
            assert re.search(rf'<html[^>]*lang="{languages[name]}"', page.text), name
        videos.add(httpx.get(f"{link}/media/video.mp4").content)
        gifs.add(httpx.get(f"{link}/media/preview.gif").content)
    assert len(videos) == 1  # every page plays the same bytes
    assert len(gifs) == 1 and next(iter(gifs)).startswith(b"GIF8")  # each has the email GIF
    assert stored_copies(srv, videos.pop()) == 1  # ... stored once
    shares = {str(Outbox().find(link).share_id) for link in links}
    actions = audit_actions(srv)
    for action in ("create", "publish"):
        assert sum(actions[(share, action)] for share in shares) == len(names), action
