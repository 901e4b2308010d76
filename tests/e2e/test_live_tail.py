"""The end of a live take goes up at Stop while the media is made (live_tail.py), against the
real server process: the chunks the trimmed video reads and the server lacks, none past the
trim, and afterwards the layout's upload sends none of them again; the composed video is
byte for byte the layout's."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from rep_video.media.mp4.tables import read_plain
from rep_video.media.publish.assemble import Edit, assemble_video
from rep_video.progress import CancelToken, no_progress
from rep_video.share.live_upload import LiveState, live_reservation
from rep_video.share.targets.file_chunks import cut_chunks
from rep_video.share.targets.live_tail import TailUpload, needed_bytes, tail_chunks
from tests.e2e._live_take import draft_package, record, streaming, work_dir
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHUNK = 64 * 1024
TRIM = (1.0, 6.0)  # 2 s off the end: more than a chunk of the take
HTTP_OVERHEAD = 40_000


def test_tail_goes_up_beside_the_media_and_is_not_sent_again(tmp_path: Path) -> None:
    """The tail goes while the media is made, the video's pieces beside it (upload_layout
    joins it before composing): each byte once, and the composed video byte for byte."""
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        target, recorder, state_file, live = streaming(
            tmp_path, proxy.url, srv.create_token("rita"), CHUNK
        )
        record(recorder, 8.0, {4.5: live.stop})  # the link drops out: half the take is left
        take = recorder.stop()
        streamed = LiveState.load(state_file)
        reservation = live_reservation(state_file, take)
        assert reservation is not None
        mdat = read_plain(take).mdat
        # Every chunk below `sent` is recorded complete (no HEAD to find out at Send).
        below = cut_chunks(take, mdat.start, mdat.start + streamed.sent - streamed.start, CHUNK)
        assert {c.name for c in below} <= set(reservation.state["complete_parts"])
        chunks = tail_chunks(reservation, take, TRIM)
        lo, hi = needed_bytes(take, TRIM)
        assert len(chunks) >= 2, chunks
        assert all(c.offset < hi and c.end > lo for c in chunks), (chunks, lo, hi)
        assert chunks[-1].end < mdat.end, "a chunk wholly past the trim's end was not left out"
        proxy.reset_counters()
        tail = TailUpload(target, reservation, take, TRIM, CancelToken()).start()
        made = assemble_video(take, Edit(TRIM), work_dir(tmp_path / "work"))
        package = draft_package(tmp_path / "pkg")
        done = target.upload_layout(
            package, reservation, made.layout, no_progress, CancelToken(), tail
        )
        after = proxy.bytes_up
        assert done.state["published"]
        assert {c.name for c in chunks} <= set(done.state["complete_parts"])
        served = httpx.get(f"{done.link}/media/video.mp4", timeout=30)
        assert hashlib.sha256(served.content).hexdigest() == made.layout.sha256()
    new = sum(p.stat().st_size for p in made.pieces) + made.layout.payload_offset * 4 // 3
    tail_bytes = sum(c.length for c in chunks)
    assert tail_bytes < after < tail_bytes + new + HTTP_OVERHEAD, (after, tail_bytes, new)


def test_no_tail_for_another_take(tmp_path: Path) -> None:
    """A reservation whose live upload streamed another file: nothing to send early."""
    from rep_video.share.targets.base import Reservation

    state = {"live": {"take": str(tmp_path / "other.mp4"), "start": 0, "end": 9, "size": 4}}
    reservation = Reservation("acme", "id", "tok", "http://x/s/tok", state)
    assert tail_chunks(reservation, tmp_path / "take.mp4", None) == []


@pytest.mark.parametrize("cut", [False, True])
def test_chunk_in_flight_at_stop_is_not_sent_again(tmp_path: Path, cut: bool) -> None:
    """Stop lets the chunks in flight finish (the tail waits for them) rather than cut them
    and send them whole again; a connection that really breaks then still recovers."""
    with running_server(tmp_path / "srv") as srv, CutProxy(srv.port) as proxy:
        target, recorder, state_file, live = streaming(
            tmp_path, proxy.url, srv.create_token("rita"), CHUNK
        )

        def slow_link() -> None:  # a chunk takes 8 s: one is in flight at Stop
            proxy.throttle_bps = CHUNK / 8

        record(recorder, 8.0, {3.0: slow_link})
        live.release()
        if cut:  # the link breaks under the chunks in flight, then comes back
            proxy.cut_now()
            proxy.throttle_bps = None
        at_stop = set(_complete_parts(state_file))
        take = recorder.stop()
        reservation = live_reservation(state_file, take)
        assert reservation is not None
        merged = TailUpload(target, reservation, take, None, CancelToken()).start()
        done = merged.joined(reservation)
        drained = set(_complete_parts(state_file)) - at_stop
        mdat = read_plain(take).mdat
        st = LiveState.load(state_file)  # every chunk below `sent` recorded complete
        below = cut_chunks(take, mdat.start, mdat.start + st.sent - st.start, CHUNK)
        assert {c.name for c in below} <= set(_complete_parts(state_file))
        needed = {c.name for c in cut_chunks(take, mdat.start, mdat.end, CHUNK)}
        assert needed <= set(done.state["complete_parts"])  # the whole take is on the server
        if not cut:
            assert drained, "no chunk was in flight at Stop"
            # Each chunk's bytes once, and the requests' headers and JSON.
            overhead = proxy.bytes_up - (mdat.end - mdat.start)
            assert overhead < HTTP_OVERHEAD / 2, (overhead, proxy.bytes_up, mdat.end)


def _complete_parts(state_file: Path) -> list[str]:
    reservation = LiveState.load(state_file).reservation
    assert reservation is not None
    return list(reservation["state"]["complete_parts"])
