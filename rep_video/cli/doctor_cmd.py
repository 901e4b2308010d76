"""`rep-video doctor [--json]`: what this machine can do. PyAV (FFmpeg's libraries: all the media
work runs in process, no ffmpeg executable) with its encoders and filters, cameras and
microphones, the keychain, the config files and folders, and whether sending works. Each line
reads `ok`, `warn` or `fail`; exit 0 when sending works (encoders present, settings readable,
the publish and staging folders writable), 1 otherwise.

Qt is only touched inside `_devices()`, through importlib, so importing this module keeps
PySide6 out of the core (docs/ARCHITECTURE.md, rule 1)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from rep_video import __version__, paths
from rep_video.errors import UserError

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    needed_to_send: bool = False  # a `fail` here means sending does not work


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        help="check PyAV's encoders, devices, keychain and folders; exit 0 when sending works",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    checks = run_checks()
    works = sending_works(checks)
    if args.json:
        body = {
            "version": __version__,
            "sending_works": works,
            "checks": [asdict(c) for c in checks],
        }
        print(json.dumps(body, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            print(f"{c.status:<4}  {c.name:<{width}}  {c.detail}")
        print("sending works" if works else "sending does NOT work: fix the `fail` lines above")
    return 0 if works else 1


def sending_works(checks: list[Check]) -> bool:
    return not any(c.status == "fail" and c.needed_to_send for c in checks)


def run_checks() -> list[Check]:
    checks: list[Check] = []
    for probe in (_pyav, _encoders, _filters, _settings, _keyring, _devices, _folders, _updates):
        try:
            checks.extend(probe())
        except Exception as exc:  # one broken probe must not hide the others
            needed = probe in (_pyav, _encoders, _filters, _settings, _folders)
            checks.append(Check(probe.__name__.strip("_"), "fail", _one_line(exc), needed))
    return checks


def _one_line(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0]


def _pyav() -> list[Check]:
    import av

    libavcodec = ".".join(str(n) for n in av.library_versions.get("libavcodec", ()))
    return [Check("pyav", "ok", f"av {av.__version__}, libavcodec {libavcodec}", True)]


def _encoders() -> list[Check]:
    """Open each encoder for real: a codec can be listed and still fail to open."""
    from av.codec.context import CodecContext

    checks = []
    # libx264 and AAC: recording, re-encodes, the intro card; gif: the email preview.
    for name, kind in (("libx264", "video"), ("aac", "audio"), ("gif", "video")):
        try:
            ctx: Any = CodecContext.create(name, "w")
            if kind == "video":
                ctx.width, ctx.height = 64, 64
                ctx.pix_fmt = "pal8" if name == "gif" else "yuv420p"
                ctx.time_base = Fraction(1, 30)
            else:
                ctx.sample_rate, ctx.layout, ctx.format = 48000, "mono", "fltp"
                ctx.time_base = Fraction(1, 48000)
            ctx.open()
            checks.append(Check(f"encoder {name}", "ok", f"{kind} encoder opens", True))
        except Exception as exc:
            checks.append(Check(f"encoder {name}", "fail", _one_line(exc), True))
    return checks


# The libavfilter filters the media steps build their graphs from (transcode, exact trim,
# email GIF with its palette pass, autorotate).
FILTERS = ("scale", "fps", "format", "trim", "setpts", "atrim", "asetpts", "aresample", "aformat",
           "transpose", "hflip", "vflip", "split", "palettegen", "paletteuse")  # fmt: skip


def _filters() -> list[Check]:
    import av.filter

    missing = [f for f in FILTERS if f not in av.filter.filters_available]
    if missing:
        return [Check("filters", "fail", f"PyAV lacks {', '.join(missing)}; reinstall the app",
                      True)]  # fmt: skip
    return [Check("filters", "ok", f"the {len(FILTERS)} media filters are there", True)]


def _settings() -> list[Check]:
    from rep_video import config

    try:
        settings = config.load_settings()
    except UserError as exc:
        return [Check("settings", "fail", exc.message, True)]
    target = settings.default_target or "built-in (folder / embedded server)"
    summary = f"{len(settings.targets)} target(s); default: {target}"
    checks = [Check("settings", "ok", summary, True)]
    for label, path in (("user", paths.user_config_file()), ("admin", paths.admin_config_file())):
        if unknown := config.unknown_keys(path):
            detail = f"{path}: {', '.join(unknown)} unknown, so ignored; check the spelling"
            checks.append(Check(f"{label} settings", "warn", f"{detail} (docs/ADMIN.md)"))
    return checks


def _updates() -> list[Check]:
    from rep_video import config, updates

    url = str(config.load_settings().get("updates.url") or "")
    if not url:
        return [Check("updates", "ok", f"{__version__}; update checks off (no updates.url)")]
    try:
        release = updates.newer_release(url)
    except UserError as exc:
        return [Check("updates", "warn", exc.message)]
    if release is None:
        return [Check("updates", "ok", f"{__version__} is the latest ({url})")]
    return [Check("updates", "warn", f"RepVideo {release.version} is out: {release.download}")]


def _keyring() -> list[Check]:
    import keyring

    from rep_video import secrets

    try:
        # The keychain the secrets really go to, as the app resolves it: never a chain of
        # class names, one of which may be a plain-text file.
        return [Check("keychain", "ok", secrets.keychain_description())]
    except secrets.KeychainUnavailable:
        pass
    from keyring.backends import chainer

    backend = keyring.get_keyring()
    found = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in found] or ["no backend"]
    if any("keyrings.alt" in n for n in names):
        return [Check("keychain", "warn", f"{', '.join(names)} store secrets as files, which "
                      "RepVideo refuses; uninstall keyrings.alt")]  # fmt: skip
    return [Check("keychain", "warn", f"{', '.join(names)}: {_NO_KEYCHAIN}")]


_NO_KEYCHAIN = (
    "no system keychain; server and S3 targets cannot keep their secrets (a headless server "
    "target can read REP_VIDEO_TARGET_<NAME>_TOKEN or a token file: docs/ADMIN.md)"
)


def _devices() -> list[Check]:
    cameras, microphones, source = _list_devices()
    checks = []
    for label, found in (("cameras", cameras), ("microphones", microphones)):
        if found:
            checks.append(Check(label, "ok", f"{', '.join(found)} (via {source})"))
        else:
            hint = "none found; record with --demo-devices or import a video file"
            checks.append(Check(label, "warn", hint))
    return checks


def _list_devices() -> tuple[list[str], list[str], str]:
    """Camera and microphone names from the UI's device layer, or Qt Multimedia directly.
    Both need a Qt application object; a core one is enough (no display)."""
    # Qt Multimedia logs every optional library it cannot load; doctor's lines say it better.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false;default.warning=false")
    qtcore = importlib.import_module("PySide6.QtCore")
    if qtcore.QCoreApplication.instance() is None:
        _keep_alive.append(qtcore.QCoreApplication([]))
    try:
        devices: Any = importlib.import_module("ui.devices")
    except ImportError:
        multimedia: Any = importlib.import_module("PySide6.QtMultimedia")
        cams = [d.description() for d in multimedia.QMediaDevices.videoInputs()]
        mics = [d.description() for d in multimedia.QMediaDevices.audioInputs()]
        return cams, mics, "Qt Multimedia"
    cams = [d.label for d in devices.list_cameras(False)]
    mics = [d.label for d in devices.list_microphones(False)]
    return cams, mics, "Qt Multimedia"


_keep_alive: list[object] = []


def _folders() -> list[Check]:
    checks = [
        Check("user config", "ok", _described(paths.user_config_file())),
        _admin_config(),
        Check("cache", "ok", str(paths.cache_dir())),
    ]
    for label, folder, needed in (
        ("recordings", paths.recordings_dir(), False),
        ("share staging", paths.shares_dir(), True),
        ("folder target", paths.default_folder_target_dir(), True),
    ):
        problem = _writable(folder)
        status: Status = "ok" if problem is None else ("fail" if needed else "warn")
        detail = str(folder) if problem is None else f"{folder}: {problem}"
        checks.append(Check(label, status, detail, needed))
    checks.append(_free_space(paths.recordings_dir()))
    return checks


# A 3-minute 720p recording is about 12 MB, but the fragmented and final copies coexist and
# shares are staged too; below this the rep would fill the disk within a day of recording.
LOW_SPACE_BYTES = 1 << 30


def _free_space(folder: Path) -> Check:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the disk it will be on
    free = shutil.disk_usage(folder).free
    status: Status = "ok" if free >= LOW_SPACE_BYTES else "warn"
    return Check("free space", status, f"{free / (1 << 30):.1f} GB free for recordings")


def _admin_config() -> Check:
    """Where the admin file is read from; an override the app ignores is a warning, so IT
    testing a policy with REP_VIDEO_ADMIN_CONFIG learns why it has no effect."""
    path = paths.admin_config_file()
    override = os.environ.get(paths.ADMIN_CONFIG_ENV)
    if override and (problem := paths.admin_override_problem(Path(override).expanduser())):
        return Check("admin config", "warn", f"{_described(path)}; {paths.ADMIN_CONFIG_ENV} "
                     f"ignored: {problem}")  # fmt: skip
    return Check("admin config", "ok", _described(path))


def _described(path: Path) -> str:
    return str(path) if path.exists() else f"{path} (not present)"


def _writable(folder: Path) -> str | None:
    """None if a file can be created in `folder` (made if missing), else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".doctor-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or _one_line(exc)
    return None
