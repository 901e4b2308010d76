"""The email preview: an animated GIF of the first seconds, ≤ 480 px wide and ≤ 1.5 MB
(BombBomb-style: a moving picture in the email links to the page). Each attempt that comes
out too big retries with fewer colours, fewer frames a second, then a smaller width.

Made in process with PyAV (FFmpeg's libraries, which the recorder already ships), through the
same filter graph the ffmpeg command used: no executable to ship or start for it, and the
output is the same size frame for frame (docs/PERFORMANCE.md, the media benchmark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import av.filter

from rep_video.errors import UserError
from rep_video.fileutil import temp_output
from rep_video.media.probe import probe, require_video
from rep_video.media.transcode import UPRIGHT

MAX_GIF_BYTES = 1_500_000
MAX_GIF_WIDTH = 480
# (width, fps, colours), tried in order until one fits.
# 10 fps looks smooth enough in an email and costs 17% less than 12 fps.
ATTEMPTS: tuple[tuple[int, int, int], ...] = (
    (480, 10, 128),
    (480, 10, 64),
    (400, 8, 48),
    (320, 8, 32),
    (240, 6, 16),
)
PALETTE_WIDTH = 160


def gif_chain(width: int, fps: int, rotation: int = 0) -> list[tuple[str, str | None]]:
    """The filters from the decoded frame to the `split`: upright, `fps`, then a scale by area
    averaging (sharp and cheap for a big downscale)."""
    return [*UPRIGHT[rotation], ("fps", str(fps)), ("scale", f"{width}:-2:flags=area")]


def palette_filters(width: int, colors: int) -> tuple[tuple[str, str], ...]:
    """The palette branch (shrink, palettegen) and its use (paletteuse): a palette made for
    these frames applied with light dithering, far smaller and cleaner than a fixed 256-colour
    GIF. The palette is computed on a copy shrunk to PALETTE_WIDTH: palettegen's cost grows with
    the number of distinct colours, which a downscale cuts by ~9x, while the colours that matter
    survive it (measured: 2.5x faster on the synthetic camera's gradients, same file size)."""
    return (
        ("scale", f"{min(PALETTE_WIDTH, width)}:-2:flags=area"),
        ("palettegen", f"max_colors={colors}:stats_mode=diff"),
        ("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle"),
    )


def _graph(stream: Any, width: int, fps: int, colors: int, rotation: int) -> av.filter.Graph:
    """buffer → upright → fps → scale → split; split's first output → shrink → palettegen →
    paletteuse's second input (the palette), its second output → paletteuse → sink."""
    g = av.filter.Graph()
    prev = g.add_buffer(template=stream)
    for name, args in [*gif_chain(width, fps, rotation), ("split", None)]:
        node = g.add(name, args) if args else g.add(name)
        prev.link_to(node)
        prev = node
    shrink, palette, use = (g.add(name, args) for name, args in palette_filters(width, colors))
    sink = g.add("buffersink")
    prev.link_to(shrink, 0, 0)
    shrink.link_to(palette)
    prev.link_to(use, 1, 0)
    palette.link_to(use, 0, 1)
    use.link_to(sink)
    g.configure()
    return g


def write_gif(video: Path, dst: Path, seconds: float, attempt: tuple[int, int, int]) -> None:
    """One attempt: the first `seconds` of `video` as a GIF looping forever, into `dst`."""
    width, fps, colors = attempt
    rotation = require_video(probe(video)).rotation
    with av.open(str(video)) as src, av.open(str(dst), "w", format="gif",
                                             options={"loop": "0"}) as out:  # fmt: skip
        stream = src.streams.video[0]
        stream.thread_type = "AUTO"
        graph = _graph(stream, width, fps, colors, rotation)
        encoder: Any = None

        def drain() -> None:
            nonlocal encoder
            while True:
                try:
                    frame = graph.vpull()
                except (BlockingIOError, EOFError):
                    return
                if encoder is None:
                    encoder = out.add_stream("gif", rate=fps)
                    encoder.width, encoder.height = frame.width, frame.height
                    encoder.pix_fmt, encoder.time_base = "pal8", frame.time_base
                out.mux(encoder.encode(frame))

        for frame in src.decode(stream):
            if frame.time is not None and frame.time >= seconds:
                break
            graph.vpush(frame)
            drain()
        graph.vpush(None)  # palettegen emits the palette, paletteuse every frame, at the end
        drain()
        if encoder is None:
            raise UserError(f"{video.name} has no picture in its first {seconds:g} s to preview.")
        out.mux(encoder.encode(None))


def make_email_gif(video: Path, dst: Path, seconds: float = 3.0) -> Path:
    """Write the GIF to `dst` and return it."""
    video, dst = Path(video), Path(dst)
    info = probe(video)
    v = require_video(info)
    length = min(seconds, info.duration)
    with temp_output(dst, suffix=".gif") as tmp:
        for width, fps, colors in ATTEMPTS:
            w = min(width, MAX_GIF_WIDTH, v.display_width - v.display_width % 2)
            try:
                write_gif(video, tmp, length, (w, fps, colors))
            except av.error.FFmpegError as e:
                raise UserError(f"the preview of {video.name} could not be made ({e}); "
                                "send it without, or record again.") from e  # fmt: skip
            if tmp.stat().st_size <= MAX_GIF_BYTES:
                break
        else:
            raise UserError(f"the preview of {video.name} stays above 1.5 MB; send it without.")
    return dst
