"""Captions through the share server (a real process): the manifest's captions and language
are validated, captions.vtt is checked at publish and served as text/vtt, and the page shows
the captions on the muted, autoplaying video in Chromium, in the physician's language."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from rep_video.captions.cues import Cue
from rep_video.captions.webvtt_io import write_webvtt
from rep_video.share.manifest import CaptionsRef
from tests.server.helpers import auth, create_and_publish, create_body, manifest, tus_upload
from tests.support.browser import PhonePage
from tests.support.captions_page import assert_captions_show
from tests.support.clips import make_clip
from tests.support.server_process import ServerProcess

CUES = (Cue(0.2, 1.8, "Guten Tag, Frau Doktor."), Cue(1.9, 5.5, "Hier ist der Leitfaden."))


@pytest.fixture(scope="module")
def clip(clips_dir: Path) -> Path:
    return make_clip(clips_dir / "captioned.mp4", duration=6.0, size=(320, 180))


@pytest.fixture(scope="module")
def vtt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vtt") / "captions.vtt"
    write_webvtt(path, CUES)
    return path


def _captioned() -> object:
    return replace(manifest(), language="de", captions=CaptionsRef("de", CUES))


def test_the_page_shows_captions_and_the_transcript_in_german(
    server: ServerProcess, tokens: dict[str, str], clip: Path, vtt: Path, phone_page: PhonePage
) -> None:
    share = create_and_publish(
        server.url, tokens["rita"], {"video.mp4": clip, "captions.vtt": vtt}, _captioned()
    )
    served = httpx.get(f"{share['url']}/media/captions.vtt")
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/vtt; charset=utf-8"
    assert served.text.startswith("WEBVTT")
    page = phone_page.page
    assert page.goto(share["url"]).status == 200
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("track").get_attribute("label") == "Untertitel"
    assert_captions_show(page, "Hier ist der Leitfaden.")
    assert phone_page.console_errors == []  # the CSP lets the track load
    assert phone_page.offsite_requests() == []


def test_a_broken_caption_file_keeps_the_share_pending(
    server: ServerProcess, tokens: dict[str, str], clip: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "captions.vtt"
    bad.write_text("WEBVTT\n\n00:00:03.000 --> 00:00:01.000\nbackwards\n")
    files = {"video.mp4": clip, "captions.vtt": bad}
    created = httpx.post(
        f"{server.url}/api/v1/shares", json=create_body(_captioned(), files),  # type: ignore[arg-type]
        headers=auth(tokens["rita"]),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    share = created.json()
    for name, path in files.items():
        tus_upload(share["upload_url"], tokens["rita"], share["id"], name, path)
    published = httpx.post(
        f"{server.url}/api/v1/shares/{share['id']}/publish", headers=auth(tokens["rita"])
    )
    assert published.status_code == 422
    assert "captions.vtt cue 1" in published.text and "ends before it starts" in published.text


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"language": "xx"}, "language"),
        ({"language": 7}, "language"),
        ({"captions": {"language": "de", "cues": []}}, "cues"),
        ({"captions": {"language": "de", "cues": [{"start": 2, "end": 1, "text": "x"}]}}, "cues"),
        ({"captions": {"language": "de; x", "cues": [{"start": 0, "end": 1, "text": "x"}]}},
         "language"),
        ({"captions": {"language": "de", "cues": [{"start": 0, "end": 1e300, "text": "x"}]}},
         "end"),
    ],
)  # fmt: skip
def test_bad_captions_or_language_in_the_manifest_are_a_422(
    server: ServerProcess, tokens: dict[str, str], clip: Path, change: dict, where: str
) -> None:
    body = create_body(manifest(), {"video.mp4": clip})
    body["manifest"].update(change)
    answer = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert answer.status_code == 422, answer.text
    assert where in answer.text


def test_captions_must_be_among_the_declared_files(
    server: ServerProcess, tokens: dict[str, str], clip: Path
) -> None:
    body = create_body(_captioned(), {"video.mp4": clip})  # type: ignore[arg-type]
    answer = httpx.post(f"{server.url}/api/v1/shares", json=body, headers=auth(tokens["rita"]))
    assert answer.status_code == 422
    assert "captions.vtt is not among the declared files" in answer.text


def test_an_unknown_link_answers_in_the_browsers_language(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/s/{'x' * 32}", headers={"Accept-Language": "fr-CH, de;q=0.5"})
    assert page.status_code == 404
    assert '<html lang="fr"' in page.text and "Lien introuvable" in page.text
