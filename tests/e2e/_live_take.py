"""A take recorded at its own pace while LiveUpload streams it (the e2e tests' recorder, also
run as a process of its own that a test kills mid-take):

    python -m tests.e2e._live_take URL TOKEN FOLDER SECONDS CHUNK"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rep_video.media.capture.recorder import Recorder
from rep_video.media.capture.synthetic import TestPatternCamera, Tone, ToneMicrophone
from rep_video.share.live_upload import LiveUpload
from rep_video.share.manifest import Person, ShareManifest
from rep_video.share.targets.base import SharePackage
from rep_video.share.targets.server import ServerTarget
from rep_video.share.tokens import new_token

TAKE = "take.mp4"
STATE = "live.json"


def draft_manifest(recipient: str = "") -> ShareManifest:
    now = datetime.now(UTC)
    return ShareManifest(
        token=new_token(), recipient=Person(name=recipient), rep=Person(name="Rita Rep"),
        message="", created_at=now, expires_at=now + timedelta(days=30), duration=4.0,
        poster=None, preview=None,
    )  # fmt: skip


def streaming(
    folder: Path, url: str, token: str, chunk: int
) -> tuple[ServerTarget, Recorder, Path, LiveUpload]:
    """A recorder started in `folder` and a live upload of it to the server at `url`,
    started; the target, the recorder, the state file, the live upload."""
    target = ServerTarget("acme", url, token, retry_window=20)
    recorder = Recorder(folder / "rec" / TAKE, 640, 360, 30.0, 48000, 1)
    recorder.start()
    state_file = folder / STATE
    live = LiveUpload.begin(target, recorder.fragmented, state_file, draft_manifest(), chunk)
    live.start()
    return target, recorder, state_file, live


def work_dir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def draft_package(folder: Path) -> SharePackage:
    """A package folder with a manifest only: what upload_layout needs besides the layout."""
    folder.mkdir(parents=True)
    manifest = draft_manifest("Dr. Ada Test")
    manifest.write(folder)
    return SharePackage(folder, manifest)


def record(
    recorder: Recorder, seconds: float, at: dict[float, Callable[[], None]] | None = None
) -> None:
    """Feed the synthetic camera and microphone at their own pace (a real take's timing);
    `at`: something to do when the capture clock reaches a time."""
    camera = TestPatternCamera(recorder.width, recorder.height, 30.0, flash_at=(2.5,))
    mic = ToneMicrophone(48000, 1, tone=Tone(beep_at=(2.5,), level_dbfs=-30))
    items = sorted(
        [(t, 0, f) for f, t in camera.frames(seconds)]
        + [(t, 1, s) for s, t in mic.blocks(seconds)],
        key=lambda i: (i[0], i[1]),
    )
    todo = dict(at or {})
    began = time.monotonic()
    for t, kind, data in items:
        if (wait := began + t - time.monotonic()) > 0:
            time.sleep(wait)
        for when in [w for w in todo if w <= t]:
            todo.pop(when)()
        if kind == 0:
            recorder.push_video(data, t)  # type: ignore[arg-type]
        else:
            recorder.push_audio(data, t)  # type: ignore[arg-type]


def main(url: str, token: str, folder: str, seconds: str, chunk: str) -> None:
    where = Path(folder)
    recorder = Recorder(where / TAKE, 640, 360, 30.0, 48000, 1)
    recorder.start()
    target = ServerTarget("acme", url, token, retry_window=20)
    live = LiveUpload.begin(
        target, recorder.fragmented, where / STATE, draft_manifest(), int(chunk)
    )
    live.start()
    record(recorder, float(seconds))
    recorder.stop()
    live.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
