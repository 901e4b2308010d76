"""Per-instance capacity of one `rep-video serve` process, run by hand (not collected):

    .venv/bin/python -m tests.benchmarks.bench_capacity [--seconds 15] [--clients 100]

Beside nginx (one worker, sendfile) serving the same bytes as static files in the same run,
so the figures can be read against what this machine can do at all:
1. the share page (`GET /s/{token}`) at N keep-alive clients;
2. the video's `Range: bytes=0-1` probe (what every player sends first) at N clients;
3. revocation under load: while N clients read the page, the share is revoked through the
   API; how long after the revoke answered the last 200 was served (≤ 1 s is the promise).
nginx is measured first and again at the end: the spread between its two runs is the noise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.benchmarks.load import Answers, load
from tests.benchmarks.proc_cpu import cpu_seconds
from tests.server.helpers import auth, create_and_publish
from tests.support.clips import make_clip
from tests.support.server_process import free_port, running_server

_NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ text/html html; video/mp4 mp4; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(root: Path, work: Path) -> Iterator[str]:
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    # As root, nginx's workers would drop to "nobody", who cannot enter a mkdtemp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(_NGINX_CONF.format(user=user, work=work, port=port, root=root))
    proc = subprocess.Popen([exe, "-c", str(conf), "-p", str(work)])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/page.html", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError((work / "nginx-error.log").read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


PROBE = {"Range": "bytes=0-1"}


def _probe(url: str, clients: int, seconds: float) -> Answers:
    return load(url, clients, seconds, headers=PROBE, ok=(206,))


def _measured(pid: int, url: str, n: int, secs: float, probe: bool) -> tuple[Answers, float]:
    """The answers, and the server's CPU microseconds per answer: unlike requests per
    second, that hardly moves with what else runs on the machine."""
    before = cpu_seconds(pid)
    answers = _probe(url, n, secs) if probe else load(url, n, secs)
    used = cpu_seconds(pid) - before
    return answers, 1e6 * used / max(1, len(answers.latencies))


def _revocation_lag(page: str, api: str, token: str, share_id: str, clients: int) -> float:
    """Seconds from the revoke's answer to the last 200 of the page, under load."""
    done: dict[str, float] = {}

    def revoke() -> None:
        time.sleep(2.0)  # the load is running by then
        r = httpx.post(f"{api}/api/v1/shares/{share_id}/revoke", headers=auth(token))
        r.raise_for_status()
        done["at"] = time.perf_counter()

    thread = threading.Thread(target=revoke)
    start = time.perf_counter()
    thread.start()
    answers = load(page, clients, 5.0, ok=(200, 410), keep_timeline=True)
    thread.join()
    revoked_at = done["at"] - start
    last_ok = max((t for t, status in answers.timeline if status == 200), default=0.0)
    return last_ok - revoked_at


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    n, secs = args.clients, args.seconds
    work = Path(tempfile.mkdtemp(prefix="bench-capacity-"))
    video = make_clip(work / "video.mp4", duration=20, size=(1280, 720), extra=["-b:v", "3M"])
    static = work / "static"
    static.mkdir()
    out: list[str] = [f"load average at start: {os.getloadavg()[0]:.2f}"]
    with running_server(work / "srv") as srv:
        token = srv.create_token("bench")
        share = create_and_publish(srv.url, token, {"video.mp4": video})
        page_url, media_url = share["url"], f"{share['url']}/media/video.mp4"
        (static / "page.html").write_bytes(httpx.get(page_url).content)
        os.link(video, static / "video.mp4")
        with nginx(static, work) as base:
            base_page = load(f"{base}/page.html", n, secs)
            base_probe = _probe(f"{base}/video.mp4", n, secs)
        assert srv.proc is not None
        load(page_url, n, 2.0)  # warm: the first look-ups, the caches, the page's render
        page, page_cpu = _measured(srv.proc.pid, page_url, n, secs, probe=False)
        probe, probe_cpu = _measured(srv.proc.pid, media_url, n, secs, probe=True)
        with nginx(static, work) as base:
            base_page2 = load(f"{base}/page.html", n, secs)
            base_probe2 = _probe(f"{base}/video.mp4", n, secs)
        lag = _revocation_lag(page_url, srv.url, token, share["id"], n)
    out += [
        f"share page, {n} clients: {page.summary()}",
        f"  server CPU {page_cpu:.0f} us per page ({1e6 / page_cpu:.0f} per CPU-second)",
        f"  nginx static: {base_page.summary()} / again {base_page2.summary()}",
        f"  ratio to nginx: {page.rps / base_page.rps:.2f}x / {page.rps / base_page2.rps:.2f}x",
        f"Range: bytes=0-1 probe, {n} clients: {probe.summary()}",
        f"  server CPU {probe_cpu:.0f} us per probe ({1e6 / probe_cpu:.0f} per CPU-second)",
        f"  nginx static: {base_probe.summary()} / again {base_probe2.summary()}",
        f"  ratio to nginx: {probe.rps / base_probe.rps:.2f}x / {probe.rps / base_probe2.rps:.2f}x",
        f"revocation under load: last 200 served {lag * 1000:+.0f} ms after the revoke answered",
        f"load average at end: {os.getloadavg()[0]:.2f}",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
