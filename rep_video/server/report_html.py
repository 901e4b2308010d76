"""The adoption report as one self-contained HTML file (`rep-video admin report --format
html`): the per-rep table and three charts — sends per week, the watch-% distribution,
usefulness per week — drawn here as inline SVG, with one inline style block. No script, no
font, no image, nothing fetched: it opens offline, and its own Content-Security-Policy
(`default-src 'none'`, the style by its hash) holds it to that. Every text is escaped."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

from rep_video.server.adoption_report import NOT_RECORDED, Figures, Report, figure_text

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 20, 44
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d2430; background: #fff; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 28px 0 8px; }
.meta { color: #5b6472; margin: 0 0 4px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 8px; border-bottom: 1px solid #d9dee6; text-align: right; }
td { white-space: nowrap; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
tr.total td { font-weight: 700; border-top: 2px solid #1d2430; }
figure { margin: 0 0 24px; }
figcaption { font-weight: 600; margin: 0 0 4px; }
svg { width: 100%; max-width: 640px; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: #3b4350; }
""".strip()
BAR, LINE, AXIS = "#2f6fdb", "#1b8a5a", "#9aa3af"


def csp() -> str:
    digest = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def render_report(report: Report) -> str:
    teams = ", ".join(report.teams) if report.teams else "all teams"
    head = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp()}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>RepVideo adoption report since {report.since}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n"
    )
    body = [
        f"<h1>Adoption report: {report.since} to {report.until}</h1>",
        f'<p class="meta">Shares sent since {report.since} (UTC), {escape(teams)}; '
        f"analytics = {escape(report.analytics)}.</p>",
        _analytics_note(report.analytics),
        "<h2>Per rep and in total</h2>",
        _table(report),
        '<p class="meta">Time from the meeting to the send: '
        f"{NOT_RECORDED} (the shares carry no meeting day).</p>",
        "<h2>Charts</h2>",
        *_charts(report),
    ]
    main = "\n".join(b for b in body if b)
    return f"{head}<body>\n<main>\n{main}\n</main>\n</body>\n</html>\n"


def _charts(report: Report) -> list[str]:
    weeks, watched = report.sends_per_week, report.watch_distribution
    return [
        _bars("sends-per-week", "Sends per week", list(weeks), list(weeks.values())),
        _bars(
            "watch-distribution",
            "How far the opened videos were watched",
            [f"{step} %" for step in watched],
            list(watched.values()),
        ),
        _line(
            "usefulness",
            '"Was this video useful?": yes in % per week',
            list(report.useful_per_week),
            list(report.useful_per_week.values()),
        ),
    ]


def _analytics_note(analytics: str) -> str:
    if analytics == "identified":
        return ""
    return (
        f'<p class="meta">Under analytics = {escape(analytics)} views are counted as totals '
        "only, by no share: opened % and watch % cover the views recorded per share before.</p>"
    )


HEADS = ("Rep", "Team", "Sends", "Opened", "Median watch", "Call-backs", "Materials",
         "Replies", "Useful (yes / answers)")  # fmt: skip


def _table(report: Report) -> str:
    rows = [f"<tr>{''.join(f'<th scope=col>{h}</th>' for h in HEADS)}</tr>"]
    for figures in report.reps:
        rows.append(_row(figures, ""))
    rows.append(_row(report.total, ' class="total"'))
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def _row(f: Figures, cls: str) -> str:
    rep = escape(f.rep_name) + (f" ({escape(f.account)})" if f.account else "")
    cells = (
        rep, escape(f.team or ""), str(f.sends),
        _with_pct(f.opened, f.opened_pct), _pct_text(f.median_watch_pct),
        str(f.callbacks), str(f.materials), str(f.replies),
        f"{_pct_text(f.usefulness_pct)} ({f.useful_yes} / {f.useful_yes + f.useful_no})",
    )  # fmt: skip
    return f"<tr{cls}>{''.join(f'<td>{c}</td>' for c in cells)}</tr>"


def _pct_text(value: float | None) -> str:
    return "–" if value is None else f"{figure_text(value)} %"


def _with_pct(count: int, value: float | None) -> str:
    return f"{count} ({_pct_text(value)})"


def _frame(chart_id: str, title: str, inner: list[str]) -> str:
    axis = (
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="{AXIS}"/>'
    )
    return (
        f'<figure id="{chart_id}"><figcaption id="{chart_id}-title">{escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title">{axis}{"".join(inner)}</svg></figure>'
    )


def _slots(n: int) -> tuple[float, list[float]]:
    """The width of each of `n` slots and their centres."""
    slot = (WIDTH - LEFT - RIGHT) / max(n, 1)
    return slot, [LEFT + slot * (i + 0.5) for i in range(n)]


def _labels(labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    every = max(1, len(labels) // 12)  # a long window: every n-th week, so they never overlap
    return [
        f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, centres, strict=True))
        if i % every == 0
    ]


def _bars(chart_id: str, title: str, labels: Sequence[str], values: Sequence[int]) -> str:
    slot, centres = _slots(len(values))
    top = max(values, default=0) or 1
    plot = HEIGHT - TOP - BOTTOM
    inner = []
    for label, value, x in zip(labels, values, centres, strict=True):
        h = plot * value / top
        y = HEIGHT - BOTTOM - h
        inner.append(
            f'<rect x="{x - slot * 0.35:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>'
        )
    return _frame(chart_id, title, inner + _labels(labels, centres))


def _line(
    chart_id: str, title: str, labels: Sequence[str], tallies: Sequence[tuple[int, int]]
) -> str:
    """Yes in % of the answers, one point a week that had answers."""
    if not tallies:
        return _frame(chart_id, title, [
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no answers yet</text>'
        ])  # fmt: skip
    _slot, centres = _slots(len(tallies))
    plot = HEIGHT - TOP - BOTTOM
    points, dots = [], []
    for (yes, no), x in zip(tallies, centres, strict=True):
        share = 100 * yes / (yes + no)
        y = HEIGHT - BOTTOM - plot * share / 100
        shown = figure_text(round(share, 1))
        points.append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}">'
            f"<title>{shown} % of {yes + no}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{shown} %</text>'
        )
    scale = [
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM - plot * v / 100 + 4:.1f}" '
        f'text-anchor="end">{v} %</text>'
        for v in (0, 50, 100)
    ]
    line = f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
    return _frame(chart_id, title, [*scale, line, *dots, *_labels(labels, centres)])
