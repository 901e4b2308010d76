"""Finalize any clip to the mobile profile (docs/MEDIA.md). Each stream is looked at on its own: a
stream already in the profile is copied, one that is not is re-encoded, so our own recordings
(and a trimmed recording) are only remuxed into a faststart MP4 — in process with PyAV
(`remux.py`), and a re-encode runs in process too (`media/transcode.py`). No audio in, no audio out;
an audio-only file is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.media import encoding as fa
from rep_video.media.probe import MediaInfo, probe, require_video
from rep_video.media.profile import audio_problems, video_problems
from rep_video.media.publish.remux import remux
from rep_video.media.transcode import Job, transcode
from rep_video.media.transcode_settings import transcode_settings
from rep_video.progress import UNTRACKED, Progress, Tracker


@dataclass(frozen=True, slots=True)
class FinalizeResult:
    remuxed: bool  # True: nothing was re-encoded
    info: MediaInfo


@dataclass(frozen=True, slots=True)
class FinalizePlan:
    video: fa.TranscodeSettings | None  # None: copy the video stream
    audio: str  # "copy", "encode" or "none"
    reasons: tuple[str, ...]

    @property
    def remux_only(self) -> bool:
        return self.video is None and self.audio != "encode"


def plan_finalize(info: MediaInfo, *, reencode: bool = False) -> FinalizePlan:
    """Pure: what finalize will do with a probed clip, and why. `reencode` re-encodes the video
    even when it is in the profile (a clip from another H.264 encoder that an intro card
    cannot join by stream copy)."""
    require_video(info)
    v_problems = video_problems(info) or (["re-encoded to join the intro card"] if reencode else [])
    a_problems = audio_problems(info)
    return FinalizePlan(
        video=transcode_settings(info) if v_problems else None,
        audio="none" if info.audio is None else ("encode" if a_problems else "copy"),
        reasons=tuple(v_problems + a_problems),
    )


def finalize(
    src: Path,
    dst: Path,
    tracker: Tracker = UNTRACKED,
    *,
    reencode: bool = False,
) -> FinalizeResult:
    """Write `src` in the mobile profile to `dst` (MP4). Returns whether it was only
    remuxed, and the probe of the result. `reencode`: see `plan_finalize`."""
    src, dst = Path(src), Path(dst)
    info = probe(src)
    if src.resolve() == dst.resolve():
        raise UserError("the finalized file must not replace its source; choose another output.")
    plan = plan_finalize(info, reencode=reencode)
    what = "remux" if plan.remux_only else "transcode"
    tracker.report(
        Progress(stage="finalize", fraction=0.0, message=f"{what}: {'; '.join(plan.reasons)}")
    )
    with temp_output(dst, suffix=".mp4") as tmp:
        if plan.remux_only:
            remux(src, tmp, audio=plan.audio == "copy", tracker=tracker)
        else:
            job = Job(plan.video, plan.audio, rotation=require_video(info).rotation,
                      duration=info.duration)  # fmt: skip
            transcode(src, tmp, job, tracker)
    tracker.report(Progress(stage="finalize", fraction=1.0))
    return FinalizeResult(remuxed=plan.remux_only, info=probe(dst))
