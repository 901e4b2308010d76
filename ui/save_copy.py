"""Save the video of a send that did not go, so the rep can get it to the physician another way.

The staged package holds the finished video once it is made; before that, its recipe names the
rep's recording and the trim, and the cut is made the same way a send makes it."""

from __future__ import annotations

import shutil
from pathlib import Path

from rep_video.errors import UserError
from rep_video.progress import CancelToken, Progress, ProgressFn
from rep_video.share.package import VIDEO_NAME
from rep_video.share.recipe import MediaRecipe
from rep_video.share.targets.base import RECIPE_NAME
from ui import core_bridge
from ui.i18n import translate


def save_video_copy(package: Path, dest: Path, progress: ProgressFn, cancel: CancelToken) -> Path:
    dest = Path(dest)
    made = package / VIDEO_NAME
    if made.is_file() and not (package / RECIPE_NAME).exists():
        _copy(made, dest)
        return dest
    if not (package / RECIPE_NAME).exists():
        raise UserError(
            translate(
                "save_copy", "This send's video is no longer on this computer; record it again."
            )
        )
    recipe = MediaRecipe.read(package)
    source = Path(recipe.source)
    if not source.is_file():
        raise UserError(
            translate("save_copy", "The recording {name} is gone from this computer.").format(
                name=source.name
            )
        )
    edit = recipe.edit
    if edit.trim is None:
        _copy(source, dest)
        return dest
    progress(Progress("trim", None, translate("save_copy", "Cutting the video…")))
    core_bridge.trim_to(source, dest, edit.trim, edit.trim_mode, cancel)
    return dest


def _copy(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
