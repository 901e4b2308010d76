"""WCAG AA contrast of the share page's colours (4.5:1 for text), computed from page.css
with the WCAG relative-luminance formula, and a check that no colour bypasses the variables
(so a new colour cannot slip in untested)."""

from __future__ import annotations

import re

import pytest

from rep_video.resources import resource_path

CSS = resource_path("share", "page.css").read_text(encoding="utf-8")

# (text colour, background colour) as the stylesheet uses them.
TEXT_PAIRS = [
    ("--text", "--bg"),
    ("--text", "--surface"),
    ("--muted", "--bg"),
    ("--muted", "--surface"),
    ("--accent", "--bg"),
    ("--accent", "--surface"),
    ("--on-accent", "--accent"),
    ("--notice-text", "--notice-bg"),
]


def variables() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS, re.S)
    assert root
    return dict(re.findall(r"(--[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", root.group(1)))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_luminance_function_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just fails


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_colour_pairs_meet_wcag_aa(fg: str, bg: str) -> None:
    colours = variables()
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}:1"


def test_every_text_colour_in_the_css_is_a_tested_variable() -> None:
    body = re.sub(r":root\s*{.*?}", "", CSS, flags=re.S)
    # No literal colours outside :root.
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", body) == []
    used_fg = set(re.findall(r"(?<![-\w])color:\s*var\((--[a-z-]+)\)", body))
    tested_fg = {fg for fg, _ in TEXT_PAIRS}
    assert used_fg and used_fg <= tested_fg, used_fg - tested_fg
    used_bg = set(re.findall(r"background:\s*var\((--[a-z-]+)\)", body))
    # The player's black sits behind the video only, never behind text.
    assert used_bg - {"--player"} <= {bg for _, bg in TEXT_PAIRS}
