"""libx264's own option syntax, shared by every place that configures it (the recorder's tiers,
the transcode settings, the settings matched to a source's parameter sets)."""

from __future__ import annotations

from collections.abc import Mapping


def x264_params(params: Mapping[str, object]) -> str:
    """The value of libx264's `x264-params` option: `key=value` pairs joined by ":" (which is
    why values that need a separator use "," or "/")."""
    return ":".join(f"{k}={v}" for k, v in params.items())
