"""The sent video of one of our recordings as a layout (media/mp4/layout.py): a new moov, the
few new pieces (the GOPs re-encoded at each smart-cut point, the intro card) and spans of the
recording itself, never re-muxed. Executed here it is the video in the package; a share server
that holds the recording's bytes (streamed while recording) builds the same file from the same
layout, so only the new pieces cross the network after Stop.

The decisions are today's: the trim plan (cut/trim_plan.py), the re-encoded pieces with the
recording's own x264 settings (cut/trim.py), the card and its encoder (intro.py). Only the
packaging differs: samples are referenced where they are instead of being copied by a muxer.

Sound at the cuts: the AAC frame before the in-point is kept (a decoder needs one frame of
lead-in) and the edit list hides it and the part of the next frame before the in-point, so the
sound starts with the picture. After an intro card there is no second edit (browsers do not
all honour several), so the card's silence is made as long as puts the clip's first sound
where its picture starts, to within half an AAC frame (±10.7 ms at 48 kHz)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rep_video.media.cut.trim import CannotMatch, encode_pieces, plan_for
from rep_video.media.cut.trim_plan import Segment, TrimPlan
from rep_video.media.mp4.boxes import Mp4Error
from rep_video.media.mp4.layout import FileLayout, Region, lay_out
from rep_video.media.mp4.tables import PlainFile, read_plain
from rep_video.media.mp4.tracks import Sample, Track, same_format
from rep_video.media.probe import MediaInfo, probe, require_video
from rep_video.media.profile import audio_problems, video_problems
from rep_video.progress import UNTRACKED, CancelToken, Progress, Tracker

AAC_FRAME = 1024


class CannotAssemble(Exception):
    """This source or edit cannot be built from spans of the recording (the caller makes the
    video the ordinary way)."""


@dataclass(frozen=True, slots=True)
class Edit:
    trim: tuple[float, float] | None = None
    trim_mode: str = "smart"
    intro: tuple[str, str] | None = None  # (recipient, sender) of the card


@dataclass(frozen=True, slots=True)
class Assembled:
    layout: FileLayout
    duration: float  # seconds the video shows, card included
    pieces: tuple[Path, ...]  # the new media files the layout reads from (in `work`)


def assemble_video(
    source: Path,
    edit: Edit,
    work: Path,
    tracker: Tracker = UNTRACKED,
) -> Assembled:
    """The layout of `source` with `edit` applied; new pieces are written into `work`, which
    must outlive the layout. CannotAssemble when the edit needs a full re-encode or the
    source is not one of ours."""
    info = probe(source)
    if video_problems(info) or audio_problems(info):
        raise CannotAssemble("the source is not in the mobile profile")
    try:
        plain = read_plain(source)
        return _assemble(info, plain, edit, work, tracker)
    except (Mp4Error, CannotMatch) as exc:
        raise CannotAssemble(str(exc)) from exc


def _assemble(
    info: MediaInfo,
    plain: PlainFile,
    edit: Edit,
    work: Path,
    tracker: Tracker,
) -> Assembled:
    video, audio = plain.track(b"vide"), plain.track(b"soun")
    if video is None or video.info.media_time or any(s.cts for s in video.samples):
        raise CannotAssemble("the video has reordered frames or an edit")
    plan = _plan(info, edit)
    pieces = encode_pieces(info, plan, work, tracker)
    copy = next(i for i, seg in enumerate(plan.segments) if seg.action == "copy")
    head = [pieces[i] for i in sorted(pieces) if i < copy]
    tail = [pieces[i] for i in sorted(pieces) if i > copy]
    v_samples: list[Sample] = []
    for i, seg in enumerate(plan.segments):
        v_samples += _piece_video(video, pieces[i]) if i in pieces else _copied(video, seg)
    new_video = Track(video.info, v_samples)
    tracks = [new_video]
    shown: dict[int, int] = {}
    new_audio = _audio_window(audio, plan) if audio is not None else None
    card: list[Path] = []
    if edit.intro is not None:
        card_file = _card(info, audio, new_audio, edit.intro, work, tracker.cancel)
        card = [card_file.path]
        new_video, new_audio = _after_card(card_file, new_video, new_audio)
        tracks = [new_video]
    if new_audio is not None:
        tracks.append(new_audio[0])
        shown[new_audio[0].info.track_id] = new_audio[1]
    whole = edit.trim is None and edit.intro is None
    source = Region(plain.path, plain.mdat.start, plain.mdat.end) if whole else Region(plain.path)
    regions = [*(Region(p) for p in card + head), source, *(Region(p) for p in tail)]
    tracker.report(Progress(stage="trim", message="laying out the video"))
    layout = lay_out(plain.moov, tracks, regions, shown=shown)
    seconds = new_video.media_duration / new_video.info.timescale
    return Assembled(layout, seconds, (*card, *head, *tail))


def _plan(info: MediaInfo, edit: Edit) -> TrimPlan:
    if edit.trim is None:
        return TrimPlan("fast", 0.0, info.duration, (Segment(0.0, info.duration, "copy"),))
    plan = plan_for(info, edit.trim[0], edit.trim[1], edit.trim_mode)
    if plan.mode == "exact" or not plan.copies:
        raise CannotAssemble(f"a {plan.mode} trim re-encodes the whole range")
    return plan


def _ticks(seconds: float, scale: int) -> int:
    return round(seconds * scale)


def _copied(video: Track, seg: Segment) -> list[Sample]:
    """The recording's frames whose presentation time is in [seg.start, seg.end)."""
    scale = video.info.timescale
    times = video.presentation_times()
    half = (video.samples[0].duration // 2) if video.samples else 0
    lo, hi = _ticks(seg.start, scale) - half, _ticks(seg.end, scale) - half
    picked = [s for t, s in zip(times, video.samples, strict=True) if lo <= t < hi]
    if not picked or not picked[0].sync:
        raise CannotAssemble("a copied range does not start on a keyframe")
    return picked


def _piece_video(video: Track, piece: Path) -> list[Sample]:
    made = read_plain(piece).track(b"vide")
    if made is None or not same_format(video.info, made.info) or made.info.media_time:
        raise CannotAssemble("a re-encoded cut does not match the recording's format")
    if any(s.cts for s in made.samples) or not made.samples or not made.samples[0].sync:
        raise CannotAssemble("a re-encoded cut does not start with a keyframe")
    return made.samples


def _audio_window(audio: Track, plan: TrimPlan) -> tuple[Track, int]:
    """The AAC frames that sound in [plan.start, plan.end) and the one before them, with the
    edit that starts the sound at plan.start; and the ticks it shows."""
    scale = audio.info.timescale
    start, end = _ticks(plan.start, scale), _ticks(plan.end, scale)
    shift = audio.info.media_time
    decode = audio.decode_times()
    samples = audio.samples
    first = next((i for i, s in enumerate(samples) if decode[i] - shift + s.duration > start), None)
    last = max((i for i in range(len(samples)) if decode[i] - shift < end), default=None)
    if first is None or last is None or last < first:
        raise CannotAssemble("no sound inside the trim")
    lead = max(0, first - 1)
    media_time = start + shift - decode[lead]
    total = decode[last] - shift + samples[last].duration
    shown = min(end, total) - start
    info = replace(audio.info, media_time=media_time)
    return Track(info, samples[lead : last + 1]), shown


@dataclass(frozen=True, slots=True)
class _CardFile:
    path: Path
    video: Track
    audio: Track | None


def _card(
    info: MediaInfo,
    audio: Track | None,
    clip_audio: tuple[Track, int] | None,
    names: tuple[str, str],
    work: Path,
    cancel: CancelToken | None,
) -> _CardFile:
    from rep_video.media.publish import intro  # moviepy: only when asked for

    v = require_video(info)
    encoder = intro.card_encoder(info)
    if encoder is None:
        raise CannotAssemble("no x264 setting writes the recording's parameter sets")
    samples = None
    if audio is not None and clip_audio is not None:
        # Card silence + the clip's lead-in should add up to the card's length (module doc).
        want = _ticks(intro.CARD_SECONDS, audio.info.timescale) - clip_audio[0].info.media_time
        samples = max(1, round(want / AAC_FRAME)) * AAC_FRAME
    path = work / "card.mp4"
    card = intro.render_card(v.width, v.height, v.fps, intro.card_text(*names))
    try:
        intro.encode_card(info, encoder, card, path, cancel, audio_samples=samples)
    finally:
        card.close()
    made = read_plain(path)
    card_video = made.track(b"vide")
    frames = round(intro.CARD_SECONDS * v.fps)
    if card_video is None or len(card_video.samples) != frames:
        raise CannotAssemble("the intro card came out with the wrong number of frames")
    return _CardFile(path, card_video, made.track(b"soun"))


def _after_card(
    card: _CardFile, video: Track, audio: tuple[Track, int] | None
) -> tuple[Track, tuple[Track, int] | None]:
    """The card's frames and sound in front of the clip's, in the clip's tracks."""
    if not same_format(video.info, card.video.info) or card.video.info.media_time:
        raise CannotAssemble("the intro card does not match the recording's format")
    joined_video = Track(video.info, card.video.samples + video.samples)
    if audio is None:
        return joined_video, None
    clip, clip_shown = audio
    if card.audio is None or not same_format(clip.info, card.audio.info):
        raise CannotAssemble("the intro card's sound does not match the recording's")
    card_shown = card.audio.media_duration - card.audio.info.media_time
    joined = Track(replace(clip.info, media_time=card.audio.info.media_time),
                   card.audio.samples + clip.samples)  # fmt: skip
    return joined_video, (joined, card_shown + clip.info.media_time + clip_shown)
