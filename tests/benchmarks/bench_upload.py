"""Upload client benchmark (run by hand, not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_upload.py [--mib 64] [--repeat 3]

On loopback, against the real share server (`rep-video serve` in a subprocess):
- throughput: the same file through tus with the server target's uploader (chunk sizes 1, 2,
  4, 16 MiB; sha256 checksum per chunk) against the baseline, one raw HTTP PUT of the same file
  with `requests` to a minimal uvicorn app that streams the body to disk (same machine, same
  HTTP stack, no protocol);
- resend after a cut: the cut proxy drops the connection at 4 offsets during a tus upload;
  bytes pushed again = bytes through the proxy minus those of an uncut upload of the same file,
  per cut, against the chunk size.
Prints JSON lines and a Markdown table for docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rep_video.progress import CancelToken  # noqa: E402
from rep_video.share.manifest import Person, ShareManifest  # noqa: E402
from rep_video.share.targets.base import Reservation  # noqa: E402
from rep_video.share.targets.server import ServerTarget  # noqa: E402
from rep_video.share.tokens import new_token  # noqa: E402
from tests.e2e._upload_support import make_package  # noqa: E402
from tests.support.clips import make_clip  # noqa: E402
from tests.support.cut_proxy import CutProxy  # noqa: E402
from tests.support.server_process import free_port, running_server  # noqa: E402

RAW_PUT_APP = textwrap.dedent(
    """
    import sys
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def put(request):
        with open(sys.argv[2], "wb") as f:
            async for block in request.stream():
                f.write(block)
        return Response(status_code=204)

    app = Starlette(routes=[Route("/put", put, methods=["PUT"])])
    if __name__ == "__main__":
        import uvicorn
        uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


CLIENT_CPU: dict[int, float] = {}


def tus_upload(target: ServerTarget, path: Path, chunk: int) -> float:
    """Seconds to push `path` through tus PATCHes (creation included); the client's own CPU
    seconds go to CLIENT_CPU[chunk] (the rest of the wall time is the server and the wire)."""
    now = datetime.now(UTC)
    manifest = ShareManifest(
        token=new_token(), recipient=Person(name="Bench"), rep=Person(name="Bench"),
        message="", created_at=now, expires_at=None, duration=1.0, poster=None, preview=None,
    )  # fmt: skip
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    files = [{"name": "video.mp4", "size": path.stat().st_size, "sha256": digest}]
    share = target._call(
        "POST", "/api/v1/shares", "bench", json={"manifest": manifest.to_dict(), "files": files}
    )
    reservation = Reservation(
        target="bench", share_id=str(share["id"]), token=str(share["token"]),
        link=str(share["url"]), state={"upload_url": target._rebase(share["upload_url"])},
    )  # fmt: skip
    target.chunk_size = chunk
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as stream:
        uploader = target._uploader(reservation, "video.mp4", stream, None)
        uploader.set_url(target._rebase(uploader.create_url()))
        while uploader.offset < uploader.stop_at:
            uploader.upload_chunk()
    CLIENT_CPU[chunk] = time.process_time() - cpu
    return time.perf_counter() - started


def raw_put(url: str, path: Path) -> float:
    started = time.perf_counter()
    with open(path, "rb") as f:
        resp = requests.put(url, data=f, timeout=600)
    resp.raise_for_status()
    return time.perf_counter() - started


def resend_after_cuts(port: int, token: str, path: Path, chunk: int, cuts: int = 4) -> int:
    size = path.stat().st_size

    def run(cut_fracs: list[float]) -> int:
        with CutProxy(port) as proxy:
            target = ServerTarget("bench", proxy.url, token, chunk_size=chunk, retry_window=60)
            package = make_package(Path(tempfile.mkdtemp()), path)
            reservation = target.reserve(package)
            start = proxy.bytes_up
            proxy.cut_at(*[start + int(f * size) for f in cut_fracs])
            target.upload(package, reservation, lambda p: None, CancelToken())
            return proxy.bytes_up - start

    clean = run([])
    fracs = [(i + 0.5) / cuts + 0.013 for i in range(cuts)]
    return (run(fracs) - clean) // cuts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    blob = tmp / "blob.bin"
    blob.write_bytes(os.urandom(args.mib * 1024 * 1024))
    size = blob.stat().st_size
    results: dict[str, float] = {}

    app = tmp / "raw_put.py"
    app.write_text(RAW_PUT_APP)
    port = free_port()
    raw = subprocess.Popen([sys.executable, str(app), str(port), str(tmp / "put.out")])
    try:
        for _ in range(100):
            try:
                requests.put(f"http://127.0.0.1:{port}/put", data=b"x", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        results["raw PUT (baseline)"] = statistics.median(
            raw_put(f"http://127.0.0.1:{port}/put", blob) for _ in range(args.repeat)
        )
    finally:
        raw.terminate()
        raw.wait(10)

    with running_server(tmp / "srv") as srv:
        token = srv.create_token("bench")
        target = ServerTarget("bench", srv.url, token)
        for mib in (1, 2, 4, 16):
            results[f"tus, {mib} MiB chunks"] = statistics.median(
                tus_upload(target, blob, mib * 1024 * 1024) for _ in range(args.repeat)
            )
        clip = make_clip(tmp / "clip.mp4", duration=8.0, size=(1280, 720), extra=["-b:v", "4M"])
        resend = {
            kib: resend_after_cuts(srv.port, token, clip, kib * 1024) for kib in (256, 1024, 4096)
        }

    base = results["raw PUT (baseline)"]
    cpu = {k // 2**20: round(v, 2) for k, v in CLIENT_CPU.items()}
    print(json.dumps({"size": size, "seconds": results, "client_cpu": cpu, "resend": resend}))
    print(
        f"\n{platform.machine()}, {os.cpu_count()} cores, {args.mib} MiB, median of {args.repeat}"
    )
    print("| Upload | Seconds | MiB/s | vs raw PUT |\n|---|---|---|---|")
    for name, secs in results.items():
        print(f"| {name} | {secs:.2f} | {size / secs / 2**20:.0f} | {base / secs:.2f}× |")
    print(f"\nclip {clip.stat().st_size} bytes; 4 cuts each")
    print("| Chunk | Bytes re-sent per cut | ≤ one chunk |\n|---|---|---|")
    for kib, per_cut in resend.items():
        print(f"| {kib} KiB | {per_cut} | {'yes' if per_cut <= kib * 1024 else 'NO'} |")


if __name__ == "__main__":
    main()
