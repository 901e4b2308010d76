"""Stage a share package: everything a target publishes, built locally first.

trim → finalize (mobile profile) → optional intro card → poster → preview → approved files
(copied and checked against their sha256) → manifest.json. The work happens in a hidden
folder under `paths.shares_dir()` that is renamed to `<token>` only when complete, so a
failure or a cancel leaves nothing behind, and the outbox only ever sees whole packages. The
source video is only read, never moved or deleted. The static page itself (index.html) is
written by the targets that need one (folder, s3), from the manifest."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rep_video import paths
from rep_video.content.checksum import sha256_file
from rep_video.content.model import ContentItem
from rep_video.errors import UserError
from rep_video.progress import CancelToken, Progress, ProgressFn, no_progress
from rep_video.share.manifest import AttachmentRef, Person, ShareManifest
from rep_video.share.targets.base import SharePackage
from rep_video.share.tokens import new_token

VIDEO_NAME = "video.mp4"
POSTER_NAME = "poster.jpg"
PREVIEW_NAME = "preview.gif"
FILES_DIR = "files"
STAGING_PREFIX = ".staging-"

# Rough share of the wall time each step takes, for one overall progress fraction.
_WEIGHTS = {"trim": 3.0, "finalize": 4.0, "intro": 1.5, "poster": 0.5, "preview": 1.0, "files": 0.3}


def stage_package(
    video: Path,
    *,
    recipient: Person,
    rep: Person,
    message: str = "",
    attachments: Sequence[ContentItem] = (),
    trim: tuple[float, float] | None = None,
    trim_mode: str = "smart",
    intro: bool = False,
    expires_at: datetime | None = None,
    page_approval_code: str | None = None,
    max_seconds: float | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> SharePackage:
    """Build the package for one send and return it (folder `shares_dir()/<token>`).
    UserError for bad input (unreadable or audio-only video, a trim outside the clip, a video
    longer than `max_seconds`, an attachment whose file changed), before heavy work where
    possible; `Cancelled` if `cancel` fires. Either way nothing is left behind."""
    from rep_video.media import probe as media_probe

    video = Path(video)
    info = media_probe.probe(video)  # UserError for missing, empty, truncated, non-media
    if info.video is None:
        raise UserError(f"{video.name} has no picture (audio only); pick a video file.")
    length = _check_trim(trim, info.duration) if trim else info.duration
    if intro:
        from rep_video.media.intro import CARD_SECONDS

        length += CARD_SECONDS  # the policy limits what the physician watches
    if max_seconds is not None and length > max_seconds + 0.05:
        raise UserError(
            f"the video is {length:.1f} s long and the limit is {max_seconds:.0f} s; "
            "trim it (--trim S:E) and send again."
        )
    for item in attachments:  # fail fast; the copy checks the bytes it ships again
        _check_attachment(item)
    steps = [s for s in _WEIGHTS if (s != "trim" or trim) and (s != "intro" or intro)]
    stages = _Stages(steps, progress)
    root = paths.shares_dir()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        manifest = _build(
            work,
            video,
            recipient=recipient,
            rep=rep,
            message=message,
            attachments=attachments,
            trim=trim,
            trim_mode=trim_mode,
            intro=intro,
            expires_at=expires_at,
            page_approval_code=page_approval_code,
            stages=stages,
            cancel=cancel,
        )
        final = root / manifest.token
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress(Progress("staged", 1.0, f"package ready: {final.name}"))
    return SharePackage(final, manifest)


def _build(
    work: Path,
    video: Path,
    *,
    recipient: Person,
    rep: Person,
    message: str,
    attachments: Sequence[ContentItem],
    trim: tuple[float, float] | None,
    trim_mode: str,
    intro: bool,
    expires_at: datetime | None,
    page_approval_code: str | None,
    stages: _Stages,
    cancel: CancelToken | None,
) -> ShareManifest:
    # Imported on first use: they pull in OpenCV and moviepy, which the CLI and the UI
    # should not pay for at start-up.
    from rep_video.media import finalize as media_finalize
    from rep_video.media import poster as media_poster
    from rep_video.media import preview as media_preview
    from rep_video.media import trim as media_trim

    source = video
    if trim:
        source = work / ".trimmed.mp4"
        media_trim.trim(
            video, source, trim[0], trim[1], trim_mode, progress=stages.sub("trim"), cancel=cancel
        )
    _check_cancel(cancel)
    out = work / VIDEO_NAME
    result = media_finalize.finalize(source, out, progress=stages.sub("finalize"), cancel=cancel)
    info = result.info
    if source != video:
        source.unlink(missing_ok=True)
    _check_cancel(cancel)
    if intro:
        from rep_video.media import intro as media_intro  # moviepy: only when asked for

        joined = work / ".with-intro.mp4"
        info = media_intro.add_intro_card(
            out, joined, recipient.name, rep.name, stages.sub("intro"), cancel
        )
        os.replace(joined, out)
        _check_cancel(cancel)
    stages.start("poster")
    media_poster.make_poster(out, work / POSTER_NAME)
    _check_cancel(cancel)
    stages.start("preview")
    media_preview.make_preview(out, work / PREVIEW_NAME)
    _check_cancel(cancel)
    stages.start("files")
    refs = _copy_attachments(attachments, work / FILES_DIR, cancel)
    manifest = ShareManifest(
        token=new_token(),
        recipient=recipient,
        rep=rep,
        message=message.strip(),
        created_at=datetime.now(UTC).replace(microsecond=0),
        expires_at=expires_at,
        duration=round(info.duration, 3),
        video=VIDEO_NAME,
        poster=POSTER_NAME,
        preview=PREVIEW_NAME,
        attachments=tuple(refs),
        page_approval_code=page_approval_code,
    )
    manifest.write(work)
    return manifest


def _check_trim(trim: tuple[float, float], duration: float) -> float:
    start, end = trim
    if start < 0 or end <= start:
        raise UserError(
            f"the trim {start:g}–{end:g} s is empty or reversed; "
            "the start must come before the end."
        )
    if end > duration + 0.05:  # a little slack: containers round durations
        raise UserError(
            f"the trim ends at {end:g} s but the video is only {duration:.2f} s long; "
            "pick an end inside the clip."
        )
    return min(end, duration) - start


def _copy_attachments(
    items: Sequence[ContentItem], folder: Path, cancel: CancelToken | None
) -> list[AttachmentRef]:
    refs: list[AttachmentRef] = []
    used: set[str] = set()
    for item in items:
        _check_cancel(cancel)
        if item.file is None:
            refs.append(_ref(item, None, None))
            continue
        name = _file_name(item, used)
        used.add(name.lower())
        folder.mkdir(exist_ok=True)
        size = _copy_checked(item, folder / name)
        refs.append(_ref(item, name, size))
    return refs


def _ref(item: ContentItem, file_name: str | None, size: int | None) -> AttachmentRef:
    return AttachmentRef(
        id=item.id,
        title=item.title,
        kind=item.kind,
        approval_code=item.approval_code,
        version=item.version,
        expires_on=item.expires,
        file_name=file_name,
        url=item.url,
        sha256=item.sha256,
        size=size,
    )


def _file_name(item: ContentItem, used: set[str]) -> str:
    """The approved file's own name, made safe for any URL and file system; prefixed with
    the item id if two attachments share a name."""
    assert item.file is not None
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", item.file.name).strip(".-") or item.id
    if name.lower() in used:
        name = f"{item.id}-{name}"
    return name


def _check_attachment(item: ContentItem) -> None:
    if item.file is None:
        return
    try:
        actual = sha256_file(item.file)
    except OSError:
        actual = None
    if actual != item.sha256:
        reason = (
            "its file is missing"
            if actual is None
            else "its file does not match its approved sha256"
        )
        raise UserError(
            f"cannot attach '{item.id}' ({item.approval_code}): {reason}; "
            "ask your admin to fix the catalog."
        )


def _copy_checked(item: ContentItem, dst: Path) -> int:
    """Copy while hashing, so the bytes shipped are the bytes checked (no window between a
    check and a copy in which the file could change)."""
    assert item.file is not None
    digest = hashlib.sha256()
    size = 0
    try:
        with open(item.file, "rb") as src, open(dst, "wb") as out:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise UserError(
            f"cannot attach '{item.id}' ({item.approval_code}): its file is missing; "
            "ask your admin to fix the catalog."
        ) from None
    if digest.hexdigest() != item.sha256:
        raise UserError(
            f"cannot attach '{item.id}' ({item.approval_code}): its file does not match its "
            "approved sha256; ask your admin to fix the catalog."
        )
    return size


def _check_cancel(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


class _Stages:
    """Maps each step's own 0..1 progress onto one overall fraction."""

    def __init__(self, steps: list[str], progress: ProgressFn) -> None:
        total = sum(_WEIGHTS[s] for s in steps)
        self._progress = progress
        self._span: dict[str, tuple[float, float]] = {}
        at = 0.0
        for s in steps:
            width = _WEIGHTS[s] / total
            self._span[s] = (at, width)
            at += width

    def start(self, step: str) -> None:
        self._progress(Progress(step, self._span[step][0]))

    def sub(self, step: str) -> Callable[[Progress], None]:
        lo, width = self._span[step]

        def report(p: Progress) -> None:
            fraction = lo + width * min(1.0, max(0.0, p.fraction)) if p.fraction else lo
            self._progress(
                Progress(step, fraction, p.message, rate=p.rate, eta_seconds=p.eta_seconds)
            )

        self.start(step)
        return report
