"""Stop → playable on a throttled uplink (run by hand, not collected by pytest):

    .venv/bin/python tests/benchmarks/bench_instant.py [--minutes 1 3] [--links 10/80 3/150]
        [--paths instant today gif-first] [--serial] [--timeline] [--takes DIR]
        [--per-connection]

The real share server (`rep-video serve`, SQLite + files) runs behind the shaping proxy
(shaping_proxy.py: token bucket on the uplink, half the RTT each way) on loopback. For each
length, a take is recorded once with the app's recorder from a synthetic camera with noise
(≈ the recorder's 2.5 Mb/s cap, like a webcam) and its working fragmented file kept. Then, per
link:
- instant: the working file is replayed into place at the recording's own pace while
  LiveUpload streams it (as during a real take), then "Stop": `send` with the live upload's
  state file, trimmed 2.5 s at both ends;
- today's path: `send` of the same take and trim without a live upload;
- gif-first ("instant, GIF first"): the instant path as it was before the email GIF followed
  publish (made and uploaded before it), to compare within the run.
--paths names the paths and their order per take (default: instant today); --serial runs
the links one after the other (by default both at once, their sends sharing the CPU);
--timeline prints each instant send's requests after Stop (and the backlog at Stop);
--takes keeps the recorded takes in a folder and reuses them; --per-connection gives every
connection the link's whole rate (the proxy's model before 2026-12-04 21:40 UTC: a real
uplink is shared, so the default is one bucket for all).
For both: Stop → link (the send's on_link), Stop → playable (the upload's "published": the
share is live, its video.mp4 composed and checked), Stop → done (the send returns: on the
instant path the email GIF, which follows publish, is up too), bytes through the proxy
after Stop, and the HTTP requests sent through it after Stop until the share was live (some
at once: the tail beside the local work, the parts four at a time). Prints JSON lines and a
Markdown table for docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _isolate() -> Path:
    home = Path(tempfile.mkdtemp(prefix="rv-bench-instant-"))
    os.environ["REP_VIDEO_HOME"] = str(home)
    from scripts.screenshots import _memory_keyring

    _memory_keyring()
    return home


HOME = _isolate()

from rep_video import config, secrets  # noqa: E402
from rep_video.media.capture.recorder import Recorder  # noqa: E402
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone  # noqa: E402
from rep_video.progress import Progress  # noqa: E402
from rep_video.share.live_upload import LiveState, LiveUpload  # noqa: E402
from rep_video.share.manifest import Person  # noqa: E402
from rep_video.share.request import MediaEdit, ShareRequest  # noqa: E402
from rep_video.share.send import SendHooks, Until, send  # noqa: E402
from rep_video.share.targets.server import ServerTarget  # noqa: E402
from tests.benchmarks.shaping_proxy import Link, ShapingProxy  # noqa: E402
from tests.e2e._live_take import draft_manifest  # noqa: E402
from tests.support.server_process import running_server  # noqa: E402

CONFIG_LOCK = threading.Lock()
SENT: list[tuple[float, str]] = []  # (when, host:port) of every HTTP request this process made
PATHS = {"instant": "instant", "today": "today", "gif-first": "instant, GIF first"}
GIF_FIRST = threading.local()  # this thread's send makes the GIF before publish (the old way)
TRIM = 2.5  # seconds off each end
SIZE = (640, 360)


@dataclass(frozen=True, slots=True)
class Take:
    seconds: float
    final: Path  # what Stop writes
    working: Path  # the recorder's fragmented file, kept


def record_take(folder: Path, seconds: float) -> Take:
    """A take from the synthetic sources with noise on the picture (so the encoder runs at the
    recorder's bit-rate cap, as with a real webcam), fed as fast as the recorder takes it."""
    w, h = SIZE
    recorder = Recorder(folder / "take.mp4", w, h, 30.0, 48000, 1)
    recorder._remove_working_files = lambda: None  # keep the fragmented file
    recorder.start()
    camera = TestPatternCamera(w, h, 30.0)
    mic = ToneMicrophone(48000, 1, tone=Tone(level_dbfs=-30))
    rng = np.random.default_rng(1)
    noise = [rng.integers(-16, 16, (h, w, 3), dtype=np.int16) for _ in range(8)]
    video = iter(camera.frames(seconds))
    audio = iter(mic.blocks(seconds))
    v, a = next(video, None), next(audio, None)
    i = 0
    while v is not None or a is not None:
        if a is None or (v is not None and v[1] <= a[1]):
            assert v is not None
            frame = np.clip(v[0].astype(np.int16) + noise[i % 8], 0, 255).astype(np.uint8)
            recorder.push_video(frame, v[1])
            i += 1
            v = next(video, None)
        else:
            recorder.push_audio(a[0], a[1])
            a = next(audio, None)
    final = recorder.stop()
    return Take(seconds, final, recorder.fragmented)


def replay(take: Take, into: Path, stop: threading.Event) -> None:
    """Grow `into` with the working file's bytes at the take's own pace."""
    data = take.working.read_bytes()
    began = time.monotonic()
    with open(into, "wb") as out:
        while not stop.is_set():
            done = min(1.0, (time.monotonic() - began) / take.seconds)
            upto = int(len(data) * done)
            out.write(data[out.tell() : upto])
            out.flush()
            if done >= 1.0:
                return
            time.sleep(0.1)


@dataclass(frozen=True, slots=True)
class Result:
    path: str
    link: str
    minutes: float
    mb: float  # the take's size
    stop_to_link: float
    stop_to_playable: float
    bytes_after_stop: int
    local_work: float  # Stop → the upload's first byte
    stop_to_done: float  # the send returned (the email GIF up too)
    bytes_to_playable: int  # of bytes_after_stop, those sent before the share was live
    streamed_mb: float = 0.0  # went up while recording
    requests_to_playable: int = 0  # HTTP requests after Stop until the share was live

    def row(self) -> str:
        return (
            f"| {self.link} | {self.minutes:g} min ({self.mb:.1f} MB) | {self.path} | "
            f"{self.stop_to_link:.2f} | {self.stop_to_playable:.2f} | {self.stop_to_done:.2f} | "
            f"{self.bytes_to_playable / 1e6:.2f} | {self.bytes_after_stop / 1e6:.2f} | "
            f"{self.local_work:.1f} | {self.streamed_mb:.1f} | {self.requests_to_playable} |"
        )


def _count_requests() -> None:
    """Note every request (requests' Session.send: the API calls, tus's creates and PATCHes),
    to count those a send makes after Stop through its link's proxy, and to show them on
    a timeline (--timeline)."""
    import base64

    import requests

    original = requests.Session.send

    def send(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        url = urlsplit(str(request.url))
        SENT.append((began, url.netloc))
        length = int(request.headers.get("Content-Length") or 0)
        response = original(self, request, **kwargs)
        name = ""
        if request.method == "POST" and url.path.endswith("/uploads"):
            for pair in str(request.headers.get("Upload-Metadata", "")).split(","):
                key, _, value = pair.strip().partition(" ")
                if key == "name":
                    name = base64.b64decode(value).decode()
            if location := response.headers.get("Location"):
                UPLOAD_NAMES[urlsplit(location).path] = name
        elif request.method in ("PATCH", "HEAD"):
            name = UPLOAD_NAMES.get(url.path, "?")
        CALLS.append(Call(began, time.monotonic(), url.netloc, str(request.method),
                          url.path, name, length))  # fmt: skip
        return response

    requests.Session.send = send  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Call:
    began: float
    ended: float
    host: str
    method: str
    path: str
    name: str  # the upload's file, for tus requests
    length: int  # the request body's bytes

    def kind(self, tail: set[str]) -> str:
        if self.method == "PUT" and self.path.endswith("/files"):
            return "declare"
        if "/uploads" in self.path:
            what = "tail" if self.name in tail else self.name.split("/")[-1]
            if self.name.startswith("parts/") and self.name not in tail:
                what = "piece/moov"
            step = {"POST": "create", "PATCH": "patch", "HEAD": "offset"}.get(self.method, "")
            return f"{step} {what}"
        return f"{self.method} {self.path.rsplit('/', 1)[-1]}"


CALLS: list[Call] = []
LAST_STOP: dict[str, Any] = {}  # the last send's Stop (monotonic), Stop → live, proxy host
SHOW_TIMELINE = threading.Event()
UPLOAD_NAMES: dict[str, str] = {}


def timeline(host: str, stopped: float, to_live: float, tail: set[str]) -> list[str]:
    """The requests to `host` after Stop until the share was live: when each began and ended
    (seconds after Stop), what it was, its body's bytes; then the bytes by kind."""
    lines: list[str] = []
    by_kind: dict[str, tuple[int, int]] = {}
    for c in sorted(CALLS, key=lambda c: c.began):
        if c.host != host or c.ended < stopped or c.began > stopped + to_live:
            continue
        kind = c.kind(tail)
        lines.append(f"  {c.began - stopped:6.2f} → {c.ended - stopped:6.2f}  {kind:<24} "
                     f"{c.length / 1e3:8.1f} kB")  # fmt: skip
        group = kind.split(" ", 1)[-1] if kind.startswith(("create", "patch")) else kind
        n, b = by_kind.get(group, (0, 0))
        by_kind[group] = (n + 1, b + c.length)
    for kind, (n, b) in sorted(by_kind.items(), key=lambda kv: -kv[1][1]):
        lines.append(f"  total {kind:<18} {n:3d} requests {b / 1e6:6.3f} MB")
    return lines


Timings = tuple[float, float, float, float, int, int]


def _send(take: Take, final: Path, live: Path | None, target: str,
          sent: Callable[[], int], where: str) -> Timings:  # fmt: skip
    """Stop → link, Stop → playable, Stop → the first byte of the upload (the local work),
    Stop → the send done; the bytes `sent` counted until the share was live; the requests
    to `where` (the proxy's URL) after Stop until then."""
    at_stop = sent()
    stopped = time.monotonic()
    link_at: list[float] = []
    upload_at: list[float] = []
    live_at: list[float] = []
    live_bytes: list[int] = []

    def progress(p: Progress) -> None:
        if p.bytes_done is not None and not upload_at:
            upload_at.append(time.monotonic() - stopped)
        if p.stage == "upload" and p.message == "published" and not live_at:
            live_at.append(time.monotonic() - stopped)
            live_bytes.append(sent() - at_stop)

    hooks = SendHooks(
        progress=progress, on_link=lambda _r: link_at.append(time.monotonic() - stopped)
    )
    request = ShareRequest(
        final, Person("Dr. Ada Ng"), sender=Person("Rita Rep"), target=target,
        edit=MediaEdit(trim=(TRIM, take.seconds - TRIM)), live=live,
    )  # fmt: skip
    result = send(request, Until.LIVE, hooks)
    done = time.monotonic() - stopped
    assert result.live, result
    to_live = live_at[0] if live_at else done
    up_live = live_bytes[0] if live_bytes else sent() - at_stop
    host = urlsplit(where).netloc
    calls = sum(1 for t, h in list(SENT) if h == host and stopped <= t <= stopped + to_live)
    LAST_STOP.update(stopped=stopped, to_live=to_live, host=host)
    return link_at[0], to_live, upload_at[0] if upload_at else 0.0, done, up_live, calls


def _gif_first_switch() -> None:
    """Let a thread's send make the email GIF before publish, as before it followed publish
    (the send runs the outbox worker in the calling thread)."""
    from rep_video.share import package

    original = package.composed_media  # type: ignore[attr-defined]

    def composed(*args: Any, gif: bool = True, **kwargs: Any) -> Any:
        gif = gif or getattr(GIF_FIRST, "on", False)
        return original(*args, gif=gif, **kwargs)  # type: ignore[misc]

    package.composed_media = composed  # type: ignore[attr-defined]


def _instant(take: Take, folder: Path, target: ServerTarget, proxy: ShapingProxy,
             path: str, link: Link) -> Result:  # fmt: skip
    """The take streamed while it is replayed at its pace, then Stop: send with it."""
    folder.mkdir(parents=True)
    growing = folder / "take.recording.mp4"
    growing.touch()
    state_file = folder / "live.json"
    live = LiveUpload.begin(target, growing, state_file, draft_manifest())
    live.start()
    replay(take, growing, threading.Event())
    final = folder / "take.mp4"
    shutil.copyfile(take.final, final)  # Stop writes the take (not timed here)
    live.release()  # as the app's Stop: the chunks in flight finish behind it
    streamed = LiveState.load(state_file)
    backlog = growing.stat().st_size - max(streamed.sent, streamed.start)
    before = proxy.bytes_up
    GIF_FIRST.on = path != "instant"
    try:
        to_link, to_play, local, done, up_live, calls = _send(
            take, final, state_file, target.name, lambda: proxy.bytes_up, proxy.url
        )
    finally:
        GIF_FIRST.on = False
    mb, minutes = final.stat().st_size / 1e6, take.seconds / 60
    if SHOW_TIMELINE.is_set():
        _show_timeline(final, link, path, backlog)
    return Result(path, link.label(), minutes, mb, to_link, to_play, proxy.bytes_up - before,
                  local, done, up_live, (streamed.sent - streamed.start) / 1e6, calls)  # fmt: skip


def _show_timeline(final: Path, link: Link, path: str, backlog: int) -> None:
    """What crossed after Stop until the share was live, request by request (--timeline)."""
    from rep_video.media.mp4.tables import read_plain
    from rep_video.share.targets.file_chunks import CHUNK_SIZE, cut_chunks

    mdat = read_plain(final).mdat
    tail = {c.name for c in cut_chunks(final, mdat.start, mdat.end, CHUNK_SIZE)}
    print(f"{link.label()} {path}: {backlog / 1e6:.2f} MB of the take not complete on the "
          f"server at Stop; requests after Stop until live:")  # fmt: skip
    print("\n".join(timeline(LAST_STOP["host"], LAST_STOP["stopped"], LAST_STOP["to_live"],
                             tail)), flush=True)  # fmt: skip


def run_link(srv_url_port: tuple[str, int], token: str, link: Link, takes: list[Take],
             work: Path, out: list[Result], paths: list[str]) -> None:  # fmt: skip
    _url, port = srv_url_port
    name = f"l{int(link.up_bits / 1e6)}"
    with ShapingProxy(port, link) as proxy:
        with CONFIG_LOCK:  # the settings file is read and written whole
            config.add_target(name, "server", {"url": proxy.url})
            secrets.set_secret(name, "api_token", token)
        target = ServerTarget(name, proxy.url, token)
        for take in takes:
            for path in paths:
                if path == "today":
                    out.append(_today(take, name, proxy, link))
                else:
                    folder = work / f"{name}-{take.seconds:g}-{len(out)}"
                    out.append(_instant(take, folder, target, proxy, PATHS[path], link))
                print(json.dumps(asdict(out[-1])), flush=True)


def _today(take: Take, name: str, proxy: ShapingProxy, link: Link) -> Result:
    """The same take and trim sent without a live upload: the whole video after Stop."""
    mb, minutes = take.final.stat().st_size / 1e6, take.seconds / 60
    before = proxy.bytes_up
    to_link, to_play, local, done, up_live, calls = _send(
        take, take.final, None, name, lambda: proxy.bytes_up, proxy.url
    )
    return Result("today", link.label(), minutes, mb, to_link, to_play,
                  proxy.bytes_up - before, local, done, up_live, 0.0, calls)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 3])
    parser.add_argument("--links", nargs="+", default=["10/80", "3/150"])
    parser.add_argument("--paths", nargs="+", default=["instant", "today"], choices=list(PATHS))
    parser.add_argument(
        "--serial", action="store_true", help="one link after the other, not both at once"
    )
    parser.add_argument(
        "--per-connection",
        action="store_true",
        help="each connection gets the link's whole rate (the runs before 2026-12-04 21:40)",
    )
    parser.add_argument(
        "--timeline", action="store_true", help="print each send's requests after Stop"
    )
    parser.add_argument(
        "--takes", type=Path, help="keep the recorded takes in this folder, and reuse them"
    )
    args = parser.parse_args()
    if args.timeline:
        SHOW_TIMELINE.set()
    _count_requests()
    if "gif-first" in args.paths:
        _gif_first_switch()
    links = [Link(float(a) * 1e6, float(b) / 1000, shared=not args.per_connection)
             for a, b in (s.split("/") for s in args.links)]  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="rv-bench-instant-work-"))
    started = datetime.now(UTC)
    load = os.getloadavg()
    takes = []
    for minutes in args.minutes:
        folder = (args.takes or work) / f"take-{minutes:g}"
        kept = Take(minutes * 60, folder / "take.mp4", folder / "take.recording.mp4")
        if args.takes and kept.final.exists() and kept.working.exists():
            takes.append(kept)
            print(f"reusing the {minutes:g}-minute take in {folder}", flush=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        t = time.monotonic()
        takes.append(record_take(folder, minutes * 60))
        print(f"recorded {minutes:g} min in {time.monotonic() - t:.0f} s: "
              f"{takes[-1].final.stat().st_size / 1e6:.1f} MB", flush=True)  # fmt: skip
    results: list[Result] = []
    with running_server(work / "srv") as srv:
        token = srv.create_token("bench")
        threads = [
            threading.Thread(
                target=run_link,
                args=((srv.url, srv.port), token, link, takes, work, results, args.paths),
            )
            for link in links
        ]
        for th in threads:
            th.start()
            if args.serial:  # the sends of two links do not share the CPU
                th.join()
        for th in threads:
            th.join()
    end_load = os.getloadavg()[0]
    print(f"\n{started:%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {load[0]:.1f} at the start, {end_load:.1f} at the end")  # fmt: skip
    print(
        "\n| Link | Take | Path | Stop → link s | Stop → playable s | Stop → done s "
        "| MB to playable | MB after Stop | Local work s | MB streamed while recording "
        "| Requests to playable |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted(results, key=lambda r: (r.link, r.minutes, r.path)):
        print(r.row())
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
