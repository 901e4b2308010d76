"""One recording sent to several physicians: the media is made once and the pages share it.

Every recipient gets a package of their own (token, manifest, message, language: share/
package.py), so each is an outbox entry of its own that fails, retries and is journalled on
its own. The first recipient's package is the *leader*; a package whose media would come out
byte for byte the same (the same recipe: source, trim, poster, captions; no intro card, which
names the recipient) is a *follower* of it:

- `link_followers` writes leader.json into each follower (and followers.json into the leader)
  before anything is enqueued;
- once the leader's media is made, `hand_off` gives it to every follower still waiting: each
  media file is hard-linked into the follower (one file on disk; copied where the file
  system cannot link), its manifest takes the real duration and captions, shared.json names
  the files taken, and its recipe goes last (from then on it is complete);
- a follower worked on before that waits for the leader (`WaitingForLeader`, an ordinary
  retry), unless the leader's entry has ended without media (failed, cancelled, removed): it
  then makes its own from its own recipe, so no recipient depends on another's success;
- on a share server, a follower whose leader is live declares the files it took `same_as`
  the leader's share (`same_as_state`): nothing is uploaded and the server stores one copy;
  the email GIF, which a share server's send makes after publish, is made once too: the
  leader links it into its followers (`hand_off_file`) and each sends it.

docs/ARCHITECTURE.md, "One recording, many physicians", says where the copies are per
target."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rep_video.errors import TargetBusy
from rep_video.fileutil import atomic_write_text
from rep_video.share.manifest import ShareManifest
from rep_video.share.outbox.machine import DONE, PENDING, OutboxEntry
from rep_video.share.recipe import MediaRecipe
from rep_video.share.targets.base import RECIPE_NAME

LEADER_NAME = "leader.json"  # in a follower: {"package": the leader's folder}
FOLLOWERS_NAME = "followers.json"  # in the leader: {"packages": [follower folders]}
SHARED_NAME = "shared.json"  # in a follower that took the leader's media: {"files": [...]}


class WaitingForLeader(TargetBusy):
    """A follower's turn came before the first recipient's video was made or live: it is
    tried again (the outbox's backoff), and the leader goes first in the queue."""


def link_followers(leader: Path, followers: Sequence[Path]) -> list[Path]:
    """Mark the `followers` whose media would equal the leader's as its followers; returns
    them. The others make their own media (an intro card names each recipient)."""
    mine = MediaRecipe.read(leader)
    if mine.edit.intro:
        return []
    linked = [Path(f) for f in followers if MediaRecipe.read(Path(f)) == mine]
    for folder in linked:
        _write(folder / LEADER_NAME, {"package": str(Path(leader).resolve())})
    if linked:
        _write(leader / FOLLOWERS_NAME, {"packages": [str(f.resolve()) for f in linked]})
    return linked


def leader_of(folder: Path) -> Path | None:
    """The leader's package folder of a follower, None for any other package."""
    data = _read(Path(folder) / LEADER_NAME)
    return Path(data["package"]) if data else None


def media_names(manifest: ShareManifest) -> list[str]:
    """The files of a package that its media step makes (the approved files are not)."""
    names = [manifest.video, *(n for n in (manifest.poster, manifest.preview) if n)]
    if manifest.captions is not None:
        names.append(manifest.captions.file)
    return names


def hand_off(leader: Path) -> int:
    """Give the leader's media (made now) to its followers that still wait; returns how many
    took it. A follower already complete (it made its own) is left as it is."""
    data = _read(Path(leader) / FOLLOWERS_NAME)
    taken = 0
    for folder in (data or {}).get("packages", []):
        with contextlib.suppress(FileNotFoundError):  # a follower removed meanwhile
            taken += take_media(Path(folder), Path(leader))
    return taken


def hand_off_file(leader: Path, name: str) -> None:
    """A file the leader made after its media (the email GIF, made once the page is live),
    linked into each follower that took its media and has none yet: the followers send it
    rather than make their own."""
    data = _read(Path(leader) / FOLLOWERS_NAME)
    for folder in (Path(f) for f in (data or {}).get("packages", [])):
        if (folder / SHARED_NAME).exists() and not (folder / name).exists():
            with contextlib.suppress(OSError):  # a follower removed meanwhile: it makes its own
                _link_or_copy(Path(leader) / name, folder / name)


def take_media(follower: Path, leader: Path) -> bool:
    """Link the leader's media into `follower` and complete it; False (nothing changed) when
    the leader's media is not there (not made yet, or released after its delivery)."""
    if not (follower / RECIPE_NAME).exists():
        return True  # complete already
    if (leader / RECIPE_NAME).exists() or not (leader / "manifest.json").exists():
        return False
    source = ShareManifest.read(leader)
    names = media_names(source)
    if not all((leader / n).is_file() for n in names):
        return False  # delivered, and its staged copy released
    for name in names:
        _link_or_copy(leader / name, follower / name)
    mine = ShareManifest.read(follower)
    replace(
        mine, duration=source.duration, captions=source.captions, video=source.video,
        poster=source.poster, preview=source.preview,
    ).write(follower)  # fmt: skip
    _write(follower / SHARED_NAME, {"files": names})
    (follower / RECIPE_NAME).unlink()  # last: the follower is complete from here on
    return True


def leader_ended(leader_entry: OutboxEntry | None) -> bool:
    """Whether a follower that found no media to take should stop waiting and make its own:
    the leader's entry is gone or has ended (failed, cancelled, or delivered and its staged
    media released before the hand-off, after a crash)."""
    return leader_entry is None or leader_entry.state not in PENDING


def same_as_state(follower: Path, leader_entry: OutboxEntry | None, target: str) -> Any:
    """What a share server needs to serve a follower's media from the leader's live share:
    {"share": id, "files": {name: {"size", "sha256"}}}, the files the follower took and the
    leader declared with the same size; None when the leader is not live on `target` (it
    failed or went elsewhere: the follower uploads its own copy). WaitingForLeader while the
    leader is still on its way."""
    taken = (_read(Path(follower) / SHARED_NAME) or {}).get("files") or []
    if not taken:
        return None
    if leader_entry is not None and leader_entry.state in PENDING:
        raise WaitingForLeader("waiting for the first recipient's upload to finish")
    r = leader_entry.reservation if leader_entry else None
    if leader_entry is None or leader_entry.state != DONE or r is None or r.target != target:
        return None
    declared = {f["name"]: f for f in r.state.get("files") or [] if isinstance(f, dict)}
    files = {
        name: {"size": declared[name]["size"], "sha256": declared[name]["sha256"]}
        for name in taken
        if name in declared
        and (Path(follower) / name).is_file()
        and (Path(follower) / name).stat().st_size == declared[name]["size"]
    }
    return {"share": r.share_id, "files": files} if files else None


def _link_or_copy(src: Path, dst: Path) -> None:
    """`dst` as a hard link of `src` (the same bytes on disk once), else a copy; under a
    temporary name first, so `dst` is whole or absent."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    part = dst.with_name(f".{dst.name}.part")
    part.unlink(missing_ok=True)
    try:
        os.link(src, part)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(src, part)
    os.replace(part, dst)


def _write(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, indent=2))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None
