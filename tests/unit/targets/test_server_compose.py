"""The compose plan made from a layout: every byte of the layout is in it, in order (the plan
executed against the parts' bytes is the layout's file), parts are named by their content, and
new bytes past the inline limit go up as a part of their own."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from rep_video.media.mp4.layout import Data, FileLayout, Span
from rep_video.share.targets import server_compose
from rep_video.share.targets.server_compose import Grid, part_name, plan_layout


def _executed(body: dict[str, Any], files: dict[str, Path]) -> bytes:
    """What a server holding `files` (share name → bytes) makes of the plan."""
    out = b""
    for p in body["parts"]:
        if "data" in p:
            out += base64.b64decode(p["data"], validate=True)
        else:
            out += files[p["file"]].read_bytes()[p["offset"] : p["offset"] + p["length"]]
    return out


def test_plan_is_the_layout(tmp_path: Path) -> None:
    take, card = tmp_path / "take.mp4", tmp_path / "card.mp4"
    take.write_bytes(bytes(range(256)) * 400)
    card.write_bytes(b"card" * 1000)
    layout = FileLayout((Data(b"ftyp+moov+mdat"), Span(card, 10, 500), Span(take, 1000, 50_000),
                         Span(take, 60_000, 100)))  # fmt: skip
    plan = plan_layout(layout, "video.mp4", tmp_path)
    files = {p.name: p.path for p in plan.parts}
    assert set(files.values()) == {take, card}  # one part per file, however many spans
    assert plan.body["name"] == "video.mp4"
    made = _executed(plan.body, files)
    assert len(made) == plan.size == layout.size
    assert hashlib.sha256(made).hexdigest() == plan.sha256 == layout.sha256()
    for p in plan.parts:
        assert p.sha256 == hashlib.sha256(p.path.read_bytes()).hexdigest()
        assert p.name == part_name(p.sha256, p.path) and p.name.startswith("parts/")


def test_same_content_same_name(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"x" * 100)
    b.write_bytes(b"x" * 100)
    digest = hashlib.sha256(b"x" * 100).hexdigest()
    assert part_name(digest, a) == part_name(digest, b) == f"parts/{digest[:32]}.mp4"


def test_new_bytes_past_the_limit_become_a_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_compose, "INLINE_LIMIT", 1000)
    take = tmp_path / "take.mp4"
    take.write_bytes(b"t" * 5000)
    big = bytes(range(256)) * 8  # 2,048 bytes: over the limit
    spill = tmp_path / "spill"
    spill.mkdir()
    layout = FileLayout((Data(b"head"), Span(take, 0, 5000), Data(big)))
    plan = plan_layout(layout, "video.mp4", spill)
    assert [("data" in p) for p in plan.body["parts"]] == [True, False, False]
    spilled = [p for p in plan.parts if p.path.parent == spill]
    assert len(spilled) == 1 and spilled[0].path.read_bytes() == big
    made = _executed(plan.body, {p.name: p.path for p in plan.parts})
    assert hashlib.sha256(made).hexdigest() == layout.sha256()


def test_a_big_new_piece_goes_as_a_part_small_ones_inline(tmp_path: Path) -> None:
    """The moov (over INLINE_PIECE) is uploaded raw, not as base64 in the plan; the ftyp and
    the mdat header stay inline."""
    take = tmp_path / "take.mp4"
    take.write_bytes(b"t" * 5000)
    moov = bytes(range(256)) * (server_compose.INLINE_PIECE // 256 + 1)
    spill = tmp_path / "spill"
    spill.mkdir()
    layout = FileLayout((Data(b"ftyp"), Data(moov), Data(b"mdat"), Span(take, 0, 5000)))
    plan = plan_layout(layout, "video.mp4", spill)
    assert [("data" in p) for p in plan.body["parts"]] == [True, False, True, False]
    (spilled,) = [p for p in plan.parts if p.path.parent == spill]
    assert spilled.path.read_bytes() == moov
    made = _executed(plan.body, {p.name: p.path for p in plan.parts})
    assert hashlib.sha256(made).hexdigest() == layout.sha256()


def test_a_chunked_file_is_sent_as_the_chunks_its_spans_read(tmp_path: Path) -> None:
    """A take streamed while it was recorded: its spans become ranges of the chunks of the
    grid (named by their content, as live_upload.py named them), only the chunks they touch,
    and the plan still makes every byte of the layout."""
    take, card = tmp_path / "take.mp4", tmp_path / "card.mp4"
    take.write_bytes(bytes(range(256)) * 400)  # 102,400 bytes
    card.write_bytes(b"card" * 1000)
    grid = Grid(start=100, end=100_100, size=10_000)
    layout = FileLayout((Data(b"head"), Span(card, 0, 4000), Span(take, 25_000, 31_000),
                         Span(take, 80_000, 5)))  # fmt: skip
    plan = plan_layout(layout, "video.mp4", tmp_path, {take: grid})
    chunks = [p for p in plan.parts if p.path == take]
    # [25 000, 56 000) touches chunks from 20 100 .. 50 100; 80 000 the one from 70 100.
    assert [p.offset for p in chunks] == [20_100, 30_100, 40_100, 50_100, 70_100]
    assert all(p.size == 10_000 and not p.whole for p in chunks)
    for p in chunks:
        data = take.read_bytes()[p.offset : p.offset + p.size]
        assert p.sha256 == hashlib.sha256(data).hexdigest()
        assert p.name == f"parts/{p.sha256[:32]}.bin"
    # The card is not chunked: one whole part.
    assert [p.whole for p in plan.parts if p.path == card] == [True]
    held = tmp_path / "held"
    held.mkdir()
    files = {}
    for p in plan.parts:  # what the server holds: each chunk's bytes as an upload of its own
        files[p.name] = held / p.name.replace("/", "_")
        files[p.name].write_bytes(p.path.read_bytes()[p.offset : p.offset + p.size])
    made = _executed(plan.body, files)
    assert hashlib.sha256(made).hexdigest() == layout.sha256()
    # A span outside the grid (the take's own moov, say) sends the file whole.
    outside = plan_layout(FileLayout((Span(take, 0, 200),)), "video.mp4", tmp_path, {take: grid})
    assert [p.whole for p in outside.parts] == [True]
