"""Stage a share package: everything a target publishes, built locally first.

Two steps, so that the link can be reserved before the slow work:
- `prepare_package` (fast: a probe, the checks, the approved files) checks everything the user
  can get wrong, copies the approved files (checked against their sha256), writes a first
  manifest.json and a recipe.json saying how the media is to be made, and renames the folder
  to `shares_dir()/<token>`. The outbox can take it from there: reserve the link at once.
- `complete_package` makes the media from the recipe (`media.publish.pipeline`: trim →
  finalize → optional intro card → poster → email GIF) in a hidden folder inside the package,
  moves them in, rewrites the manifest with the real duration and removes recipe.json last. A
  crash or a cancel leaves the recipe in place and the next run starts the media again.

`stage_package` does both at once; a failure or a cancel there leaves nothing behind. The send
pipeline (send.py) reserves the link between the two.
The source video is only read, never moved or deleted. The static page itself (index.html) is
written by the targets that need one (folder, s3), from the manifest."""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from rep_video import paths
from rep_video.content.model import ContentItem
from rep_video.errors import UserError
from rep_video.fileutil import sha256_file
from rep_video.media.publish.composed import composed_media
from rep_video.media.publish.pipeline import MediaOrder, PublishedMedia, publish_media
from rep_video.progress import UNTRACKED, Progress, Tracker
from rep_video.share.captions_step import make_share_captions, take_mapping
from rep_video.share.layout_file import LAYOUT_NAME, PIECES_DIR, save_layout
from rep_video.share.local_retention import note_send
from rep_video.share.manifest import AttachmentRef, ShareManifest, WordingConfirmation
from rep_video.share.recipe import MediaRecipe
from rep_video.share.request import CheckedRequest
from rep_video.share.targets.base import RECIPE_NAME, SharePackage
from rep_video.share.tokens import new_token

VIDEO_NAME = "video.mp4"
POSTER_NAME = "poster.jpg"
PREVIEW_NAME = "preview.gif"
FILES_DIR = "files"
STAGING_PREFIX = ".staging-"
MEDIA_PREFIX = ".media-"


def stage_package(request: CheckedRequest, tracker: Tracker = UNTRACKED) -> SharePackage:
    """Build the whole package for one send at once: `prepare_package`, then
    `complete_package`. A failure or a cancel leaves nothing behind."""
    package = prepare_package(request, tracker)
    try:
        return complete_package(package.folder, tracker=tracker)
    except BaseException:
        shutil.rmtree(package.folder, ignore_errors=True)
        raise


def prepare_package(request: CheckedRequest, tracker: Tracker = UNTRACKED) -> SharePackage:
    """The quick half: check the video against the request (UserError for an unreadable or
    audio-only file, a trim outside the clip, a video longer than the policy allows, an
    attachment whose file changed), copy the approved files, write the first manifest (its
    duration is the planned one) and the media recipe. The package's `complete` is False until
    `complete_package` has run. Nothing is left behind on failure."""
    from rep_video.media import probe as media_probe

    video = Path(request.video).resolve()
    edit = request.edit
    info = media_probe.probe(video)  # UserError for missing, empty, truncated, non-media
    if info.video is None:
        raise UserError(f"{video.name} has no picture (audio only); pick a video file.")
    length = _check_trim(edit.trim, info.duration) if edit.trim else info.duration
    if edit.intro:
        from rep_video.media.publish.intro import CARD_SECONDS

        length += CARD_SECONDS  # the policy limits what the physician watches
    limit = request.max_seconds
    if limit is not None and length > limit + 0.05:
        raise UserError(
            f"the video is {length:.1f} s long and the limit is {limit:.0f} s; "
            "trim it (--trim S:E) and send again."
        )
    for item in request.attachments:  # fail fast; the copy checks the bytes it ships again
        _check_attachment(item)
    root = paths.shares_dir()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        tracker.report(Progress("files", 0.0, "approved files"))
        refs = _copy_attachments(request.attachments, work / FILES_DIR, tracker)
        refs = [
            _in_language(ref, item, request.language)
            for ref, item in zip(refs, request.attachments, strict=True)
        ]
        manifest = ShareManifest(
            token=new_token(),
            recipient=request.recipient,
            rep=request.rep,
            message=request.message.strip(),
            created_at=datetime.now(UTC).replace(microsecond=0),
            expires_at=request.expires_at,
            duration=round(length, 3),
            video=VIDEO_NAME,
            poster=POSTER_NAME,
            preview=PREVIEW_NAME,
            attachments=tuple(refs),
            page_approval_code=request.page_approval_code,
            language=request.language,
            wording_confirmed=tuple(
                WordingConfirmation(f.term, f.matched, f.reason, f.passage.where)
                for f in request.wording_warnings
            ),
            message_template=request.message_template,
            message_approval_code=request.message_approval_code,
            script_id=request.script_id,
            script_approval_code=request.script_approval_code,
        )
        MediaRecipe(str(video), edit, request.captions).write(work)
        manifest.write(work)
        final = root / manifest.token
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    note_send(video, final)  # the recording may go once this package is delivered
    return SharePackage(final, manifest)


def complete_package(
    folder: Path,
    *,
    tracker: Tracker = UNTRACKED,
    compose: bool = False,
) -> SharePackage:
    """Make the media of a prepared package (nothing to do if it is complete) and return the
    package with its final manifest. UserError if the source is gone or unusable, `Cancelled`
    if `tracker` is cancelled; either way the recipe stays, so a later call starts again.

    `compose`: the target can compose the video from bytes it holds. The video is then made
    as a layout of the recording and a few new pieces when that is possible, and the layout
    kept beside it (layout_file.py), so the upload sends only what the server lacks."""
    folder = Path(folder)
    manifest = ShareManifest.read(folder)
    if not (folder / RECIPE_NAME).exists():
        return SharePackage(folder, manifest)
    recipe = MediaRecipe.read(folder)
    for stale in [*folder.glob(MEDIA_PREFIX + "*"), folder / PIECES_DIR]:
        shutil.rmtree(stale, ignore_errors=True)  # a run that crashed: start its media again
    (folder / LAYOUT_NAME).unlink(missing_ok=True)
    work = Path(tempfile.mkdtemp(prefix=MEDIA_PREFIX, dir=folder))
    try:
        order = recipe.order(manifest)
        media = _make_media(order, work, folder if compose else None, tracker)
        captions = make_share_captions(
            recipe.captions,
            order.source,
            take_mapping(order),
            work,
            manifest.language,
            tracker.cancel,
        )
        made = [(media.poster, POSTER_NAME), (media.email_gif, PREVIEW_NAME),
                (media.video, VIDEO_NAME)]  # fmt: skip
        if captions is not None:
            made.append((work / captions.file, captions.file))
        for path, name in made:
            if path is not None:
                os.replace(path, folder / name)
        # No GIF yet: it follows publish (make_preview), the page does not need it.
        preview = PREVIEW_NAME if media.email_gif is not None else None
        manifest = replace(manifest, duration=round(media.duration, 3), captions=captions,
                           preview=preview)  # fmt: skip
        manifest.write(folder)
        (folder / RECIPE_NAME).unlink()  # last: from here on the package is complete
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tracker.report(Progress("staged", 1.0, f"package ready: {folder.name}"))
    return SharePackage(folder, manifest)


def preview_follows(package: SharePackage) -> bool:
    """The package's email GIF is still to be made: it goes after publish."""
    return package.complete and package.manifest.preview is None


def make_preview(package: SharePackage) -> Path:
    """The email GIF of a package whose GIF follows publish, made from its video (once:
    written temp + rename, so one that exists is complete)."""
    from rep_video.media.publish.email_gif import make_email_gif

    gif = package.path_of(PREVIEW_NAME)
    if not gif.is_file():
        make_email_gif(package.path_of(package.manifest.video), gif)
    return gif


def preview_sent(package: SharePackage) -> SharePackage:
    """The GIF is on the target: the manifest names it (last, so a crash before sends it again)."""
    manifest = replace(package.manifest, preview=PREVIEW_NAME)
    manifest.write(package.folder)
    return SharePackage(package.folder, manifest)


def _make_media(
    order: MediaOrder,
    work: Path,
    package: Path | None,
    tracker: Tracker,
) -> PublishedMedia:
    """The media of `order` in `work`; with a `package`, as a layout saved in it if possible."""
    if package is not None:
        pieces = package / PIECES_DIR
        pieces.mkdir()
        composed = composed_media(order, work, pieces, tracker, gif=False)
        if composed is not None:
            save_layout(composed.layout, package)
            return composed.media
        shutil.rmtree(pieces, ignore_errors=True)
    return publish_media(order, work, tracker)


def _check_trim(trim: tuple[float, float], duration: float) -> float:
    start, end = trim
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
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
    items: Sequence[ContentItem], folder: Path, tracker: Tracker
) -> list[AttachmentRef]:
    refs: list[AttachmentRef] = []
    used: set[str] = set()
    for item in items:
        tracker.check()
        if item.file is None and item.kind != "link":
            # An item of the share server's catalog: the server attaches its own file.
            refs.append(_ref(item, f"{item.id}.{'pdf' if item.kind == 'pdf' else 'jpg'}", None))
            continue
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
    # What names it (Approved: id, title, kind, approval_code, version), as the catalog has it.
    return AttachmentRef(
        item.id,
        item.title,
        item.kind,
        item.approval_code,
        item.version,
        expires_on=item.expires,
        file_name=file_name,
        url=item.url,
        sha256=item.sha256,
        size=size,
    )


def _in_language(ref: AttachmentRef, item: ContentItem, language: str) -> AttachmentRef:
    title, title_language = item.title_for(language)
    return replace(ref, title=title, title_language=title_language)


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
