"""A package made for a target that composes (complete_package(compose=True)): its video is
the layout of the take kept in layout.json, which reads the take and the new pieces in the
package, survives the package moving, and is dropped when a file it reads is gone; an edit
that cannot be laid out makes the media the ordinary way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rep_video.fileutil import sha256_file
from rep_video.share.layout_file import LAYOUT_NAME, PIECES_DIR, load_layout
from rep_video.share.package import complete_package, prepare_package
from rep_video.share.request import CheckedRequest, MediaEdit
from rep_video.share.targets.base import SharePackage
from tests.unit.media.capture.conftest import record_into
from tests.unit.share.test_package import REP, TO


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_into(tmp_path_factory.mktemp("take"), 4.0, (320, 240), flash_at=(2.2,)).path


def _composed(video: Path, edit: MediaEdit) -> SharePackage:
    request = CheckedRequest(video=video, recipient=TO, rep=REP, edit=edit)
    return complete_package(prepare_package(request).folder, compose=True)


def test_a_trimmed_take_is_kept_as_its_layout(take: Path, tmp_path: Path) -> None:
    package = _composed(take, MediaEdit(trim=(0.7, 3.3)))
    layout = load_layout(package.folder)
    assert layout is not None
    assert layout.sha256() == sha256_file(package.folder / "video.mp4")
    stored = json.loads((package.folder / LAYOUT_NAME).read_text())["parts"]
    read = {p["path"] for p in stored if "path" in p}
    assert str(take) in read  # the take itself, where it is
    pieces = read - {str(take)}
    assert pieces and all(p.startswith(PIECES_DIR + "/") for p in pieces)  # inside the package
    assert all((package.folder / p).is_file() for p in pieces)
    moved = tmp_path / "moved"
    shutil.copytree(package.folder, moved)
    again = load_layout(moved)
    assert again is not None and again.sha256() == layout.sha256()
    # A piece gone, or the take shorter than the layout reads: no layout (the video is sent).
    (moved / sorted(pieces)[0]).unlink()
    assert load_layout(moved) is None
    short = tmp_path / "short.mp4"
    short.write_bytes(take.read_bytes()[:1000])
    text = (
        (package.folder / LAYOUT_NAME)
        .read_text()
        .replace(json.dumps(str(take)), json.dumps(str(short)))
    )
    (package.folder / LAYOUT_NAME).write_text(text)
    assert load_layout(package.folder) is None


@pytest.mark.slow
def test_an_exact_trim_is_made_the_ordinary_way(take: Path) -> None:
    package = _composed(take, MediaEdit(trim=(0.7, 3.3), trim_mode="exact"))
    assert (package.folder / "video.mp4").is_file() and package.complete
    assert not (package.folder / LAYOUT_NAME).exists()
    assert not (package.folder / PIECES_DIR).exists()
    assert load_layout(package.folder) is None
