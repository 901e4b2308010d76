"""Share-server benchmarks, run by hand (not collected by pytest):

    .venv/bin/python -m tests.benchmarks.bench_server [--seconds 20] [--clients 100]

Each number comes with a baseline measured in the same run on the same machine (loopback):
1. the share page at N concurrent clients vs a trivial static response of the same bytes from
   a bare ASGI app on the same uvicorn (what our look-up + render + headers cost);
2. Range throughput for the video (1 MiB ranges, as a player seeks, and whole-file GETs) vs a
   plain static file server (http.server with Range, as in the e2e tests) on the same file;
3. tus upload throughput (tuspy, 8 MiB chunks, sha256 checksums) vs one raw HTTP PUT of the
   same file to a plain server that writes it to disk;
4. bytes sent again after a cut: connections dropped mid-PATCH at several offsets through the
   tests' cut proxy; the resumed upload must re-send at most one chunk per cut.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError, TusUploadFailed

from tests.benchmarks.load import load
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.clips import make_clip
from tests.support.cut_proxy import CutProxy
from tests.support.server_process import ROOT, free_port, running_server

MiB = 1024 * 1024


# --- helper servers (run as separate processes so they do not share our GIL) -------------


def _static_main(folder: str, port: int) -> None:
    from tests.support.browser import RangeRequestHandler

    class Handler(RangeRequestHandler):
        def do_PUT(self) -> None:  # a raw upload: read Content-Length bytes, write to disk
            left = int(self.headers["Content-Length"])
            with open(Path(folder) / "put.bin", "wb") as out:
                while left > 0:
                    block = self.rfile.read(min(MiB, left))
                    if not block:
                        break
                    out.write(block)
                    left -= len(block)
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    handler = lambda *a, **kw: Handler(*a, directory=folder, **kw)  # noqa: E731
    http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()


def _baseline_asgi_main(body_file: str, port: int) -> None:
    import uvicorn

    body = Path(body_file).read_bytes()

    async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http":
            return
        await send(  # type: ignore[operator]
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


@contextlib.contextmanager
def helper_process(mode: str, arg: str) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.bench_server", f"--{mode}", arg, str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(url + "/", timeout=1)
                break
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


# --- measurements ------------------------------------------------------------------------


def _ranges_throughput(url: str, size: int, seconds: float) -> float:
    """MiB/s fetching the file in consecutive 1 MiB ranges, wrapping around."""
    got = 0
    stop = time.perf_counter() + seconds
    start = 0
    t0 = time.perf_counter()
    with httpx.Client(timeout=30) as c:
        while time.perf_counter() < stop:
            end = min(start + MiB, size) - 1
            r = c.get(url, headers={"Range": f"bytes={start}-{end}"})
            assert r.status_code == 206, r.status_code
            got += len(r.content)
            start = 0 if end + 1 >= size else end + 1
    return got / MiB / (time.perf_counter() - t0)


def _full_throughput(url: str, rounds: int) -> float:
    got = 0
    t0 = time.perf_counter()
    with httpx.Client(timeout=60) as c:
        for _ in range(rounds):
            with c.stream("GET", url) as r:
                for block in r.iter_bytes(MiB):
                    got += len(block)
    return got / MiB / (time.perf_counter() - t0)


def _rebase(url: str, base: str) -> str:
    b, u = urlsplit(base), urlsplit(url)
    return urlunsplit((b.scheme, b.netloc, u.path, u.query, ""))


def _tus_upload(base: str, token: str, share_id: str, path: Path, chunk: int) -> float:
    t0 = time.perf_counter()
    tc = tus_client.TusClient(f"{base}/api/v1/uploads", headers=auth(token))
    with open(path, "rb") as f:
        up = tc.uploader(
            file_stream=f,
            chunk_size=chunk,
            metadata={"share": share_id, "name": "video.mp4"},
            upload_checksum=True,
        )
        up.upload()
    return path.stat().st_size / MiB / (time.perf_counter() - t0)


def _cut_resend(
    server_port: int, base: str, token: str, video: Path, chunk: int, checksum: bool
) -> list[int]:
    """Bytes sent beyond the file's size for an upload cut once at 20/50/80 % (all bytes the
    proxy forwarded, HTTP headers included: an upper bound of what was sent twice)."""
    size = video.stat().st_size
    results = []
    for fraction in (0.2, 0.5, 0.8):
        r = httpx.post(
            f"{base}/api/v1/shares",
            json=create_body(manifest(), {"video.mp4": video}),
            headers=auth(token),
        )
        share = r.json()
        with CutProxy(server_port) as proxy, open(video, "rb") as f:
            tc = tus_client.TusClient(f"{proxy.url}/api/v1/uploads", headers=auth(token))
            up = tc.uploader(
                file_stream=f,
                chunk_size=chunk,
                metadata={"share": share["id"], "name": "video.mp4"},
                upload_checksum=checksum,
            )
            start = proxy.bytes_up
            up.url = _rebase(up.create_url(), proxy.url)
            up.offset = 0
            proxy.cut_at(start + int(fraction * size))
            while up.offset < size:
                try:
                    up.upload_chunk()
                except (TusCommunicationError, TusUploadFailed, OSError):
                    up.offset = up.get_offset()  # resume from what the server kept
            assert proxy.cuts_done, "the cut happened"
            results.append(proxy.bytes_up - start - size)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--static", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-asgi", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.static:
        _static_main(args.static[0], int(args.static[1]))
        return
    if args.baseline_asgi:
        _baseline_asgi_main(args.baseline_asgi[0], int(args.baseline_asgi[1]))
        return

    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    print("making a 20 s 720p clip ...", file=sys.stderr)
    video = make_clip(work / "video.mp4", duration=20, size=(1280, 720), extra=["-b:v", "3M"])
    size = video.stat().st_size
    print(f"video: {size / MiB:.1f} MiB", file=sys.stderr)
    out: list[str] = []
    with running_server(work / "srv", {"REP_VIDEO_SERVER_MAX_UPLOAD_BYTES": str(2**31)}) as srv:
        token = srv.create_token("bench")
        share = create_and_publish(srv.url, token, {"video.mp4": video})
        page = httpx.get(share["url"]).content
        (work / "page.html").write_bytes(page)

        # 1. page under load (each server alone on the machine while measured)
        with helper_process("baseline-asgi", str(work / "page.html")) as base_url:
            base = load(base_url + "/", args.clients, args.seconds)
        ours = load(share["url"], args.clients, args.seconds)
        out.append(f"page, {args.clients} clients: {ours.summary()} | baseline {base.summary()}")

        # 2. range throughput
        static_dir = work / "static"
        static_dir.mkdir()
        os.link(video, static_dir / "video.mp4")
        media = f"{share['url']}/media/video.mp4"
        with helper_process("static", str(static_dir)) as static_url:
            plain = f"{static_url}/video.mp4"
            b_rng = _ranges_throughput(plain, size, args.seconds / 3)
            b_full = _full_throughput(plain, 5)
        o_rng = _ranges_throughput(media, size, args.seconds / 3)
        o_full = _full_throughput(media, 5)
        out.append(
            f"1 MiB ranges: {o_rng:.0f} MiB/s vs static {b_rng:.0f} MiB/s "
            f"({o_rng / b_rng:.2f}x); whole file: {o_full:.0f} vs {b_full:.0f} MiB/s "
            f"({o_full / b_full:.2f}x)"
        )

        # 3. upload throughput
        chunk = 8 * MiB
        r = httpx.post(
            f"{srv.url}/api/v1/shares",
            json=create_body(manifest(), {"video.mp4": video}),
            headers=auth(token),
        )
        tus_rate = _tus_upload(srv.url, token, r.json()["id"], video, chunk)
        with helper_process("static", str(static_dir)) as static_url:
            t0 = time.perf_counter()
            with open(video, "rb") as f:
                put = httpx.put(f"{static_url}/put.bin", content=f, timeout=120)
            put_rate = size / MiB / (time.perf_counter() - t0)
            assert put.status_code == 201
        out.append(
            f"upload: tus {tus_rate:.0f} MiB/s (8 MiB chunks, sha256) vs raw PUT "
            f"{put_rate:.0f} MiB/s ({tus_rate / put_rate:.2f}x)"
        )

        # 4. bytes re-sent after a cut
        small_chunk = 1 * MiB
        for checksum in (True, False):
            resent = _cut_resend(srv.port, srv.url, token, video, small_chunk, checksum)
            out.append(
                f"re-sent after a cut at 20/50/80 % (chunk {small_chunk // 1024} KiB, "
                f"checksum {'on' if checksum else 'off'}): "
                + ", ".join(f"{b / 1024:.0f} KiB" for b in resent)
                + f" (each ≤ one chunk: {max(resent) <= small_chunk})"
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()
