"""How a package's media is to be made, as plain data: recipe.json in the package from the
moment the link is reserved until the media is made (share/package.py), so a crash or a
restart makes it again from the source."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from rep_video.fileutil import atomic_write_text
from rep_video.media.publish.pipeline import IntroCard, MediaOrder
from rep_video.share.captions_step import CaptionsInput
from rep_video.share.captions_step import from_json as captions_from
from rep_video.share.captions_step import to_json as captions_json
from rep_video.share.manifest import ShareManifest
from rep_video.share.request import MediaEdit
from rep_video.share.targets.base import RECIPE_NAME


@dataclass(frozen=True, slots=True)
class MediaRecipe:
    """How to make a package's media: plain data, persisted as recipe.json in the package."""

    source: str  # the rep's recording or imported file (absolute path), only ever read
    edit: MediaEdit
    captions: CaptionsInput | None = None  # on the take's timeline, or a script to align

    def order(self, manifest: ShareManifest) -> MediaOrder:
        e = self.edit
        intro = IntroCard(manifest.recipient.name, manifest.rep.name) if e.intro else None
        return MediaOrder(Path(self.source), e.trim, e.trim_mode, intro, e.poster_at)

    def write(self, folder: Path) -> None:
        data = {
            "source": self.source,
            **asdict(self.edit),
            "captions": captions_json(self.captions),
        }
        atomic_write_text(Path(folder) / RECIPE_NAME, json.dumps(data, indent=2))

    @classmethod
    def read(cls, folder: Path) -> MediaRecipe:
        data = json.loads((Path(folder) / RECIPE_NAME).read_text(encoding="utf-8"))
        trim = data.get("trim")
        edit = MediaEdit(
            trim=(float(trim[0]), float(trim[1])) if trim else None,
            trim_mode=str(data.get("trim_mode", "smart")),
            intro=bool(data.get("intro", False)),
            poster_at=None if data.get("poster_at") is None else float(data["poster_at"]),
        )
        return cls(
            source=str(data["source"]), edit=edit, captions=captions_from(data.get("captions"))
        )
