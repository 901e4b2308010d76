"""`rep-video admin report`: 200 shares of four reps in two teams, built in the server's
database with its own models (views, furthest points, call-backs, materials, replies, the
page's yes/no answers, shares still pending or sent before the window), then the CSV's every
figure checked against what was inserted (computed here from the plan, per rep and in
total), `--team` narrowing it, the HTML report rendered by headless Chromium from a file with
its three charts' SVG marks there and no request leaving the page; under
`analytics = "aggregate"` no physician's name anywhere; bad input one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from rep_video.cli import main
from rep_video.server.adoption_report import week_of
from rep_video.server.db import Account, PageFeedback, Share, ShareAnswer, ViewEvent
from tests.server.helpers import auth
from tests.support.inprocess_server import InProcessServer, inprocess_server

REPS = {"ana": ("Ana Alves", "north"), "ben": ("Ben Brandt", "north"),
        "cleo": ("Cleo Chen", "south"), "dev": ("Dev Dutta", "south")}  # fmt: skip
SINCE = (datetime.now(UTC) - timedelta(days=34)).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Planned:
    """One share as the test inserts it."""

    account: str
    created: datetime
    state: str = "live"
    opened: int = 0  # page loads
    furthest: int | None = None  # progress %; None: no progress beacon
    answers: list[str] = field(default_factory=list)
    useful: list[bool] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.state != "pending" and self.created >= SINCE


def _plan() -> list[Planned]:
    plans = []
    names = list(REPS)
    for i in range(200):
        p = Planned(names[i % 4] if i % 9 else "ana", SINCE + timedelta(hours=4 * i))
        p.state = "pending" if i % 17 == 5 else ("revoked" if i % 23 == 3 else "live")
        if i % 3:
            p.opened = 1 + i % 2
            p.furthest = None if i % 7 == 1 else (0, 25, 50, 75, 100)[i % 5]
        p.answers = (["callback"] if i % 7 == 0 else []) + (["reply"] if i % 11 == 0 else [])
        p.answers += ["materials"] if i % 13 == 0 else []
        p.useful = [True] if i % 5 in (0, 2) else ([False] if i % 5 == 3 else [])
        p.useful += [False] if i % 19 == 4 else []  # a second answer on a few pages
        plans.append(p)
    for k in range(6):  # sent before the window: never counted
        plans.append(Planned("ben", SINCE - timedelta(days=3, hours=k), opened=1, useful=[True]))
    return plans


def _insert(server: InProcessServer, plans: list[Planned]) -> None:
    for name, (display, team) in REPS.items():
        server.create_token(name)
        server.set_identity(name, display_name=display, team=team)
    with server.state.sessions.begin() as s:
        ids = {a.name: a.id for a in s.query(Account)}
        for i, p in enumerate(plans):
            sid = f"report-share-{i:03d}"
            manifest = {"recipient": {"name": f"Dr. Patient{i:03d}"}, "rep": {"name": "x"}}
            s.add(Share(id=sid, token=f"tok-{i:03d}", account_id=ids[p.account], state=p.state,
                        recipient=f"Dr. Patient{i:03d}", rep_name=REPS[p.account][0],
                        manifest_json=json.dumps(manifest), files_json="[]",
                        created_at=p.created))  # fmt: skip
            s.flush()
            later = p.created + timedelta(hours=1)
            for _ in range(p.opened):
                s.add(ViewEvent(share_id=sid, kind="opened", at=later))
            if p.furthest is not None:
                s.add(ViewEvent(share_id=sid, kind="progress", value=str(p.furthest), at=later))
            for action in p.answers:
                when = "Today" if action == "callback" else None
                s.add(ShareAnswer(share_id=sid, action=action, at=later, preferred_time=when))
            for useful in p.useful:
                s.add(PageFeedback(share_id=sid, useful=useful, at=p.created + timedelta(hours=2)))


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _expected(plans: list[Planned], account: str | None) -> dict[str, str]:
    """The CSV row the plan makes for `account` (None: the total), computed here."""
    mine = [p for p in plans if p.counted and (account is None or p.account == account)]
    opened = [p for p in mine if p.opened]
    answers = Counter(a for p in mine for a in p.answers)
    yes = sum(u for p in mine for u in p.useful)
    no = sum(not u for p in mine for u in p.useful)
    return {
        "sends": str(len(mine)), "opened": str(len(opened)),
        "opened_pct": _fmt(round(100 * len(opened) / len(mine), 1)),
        "median_watch_pct": _fmt(statistics.median(p.furthest or 0 for p in opened)),
        "callbacks": str(answers["callback"]), "materials": str(answers["materials"]),
        "replies": str(answers["reply"]), "useful_yes": str(yes), "useful_no": str(no),
        "usefulness_pct": _fmt(round(100 * yes / (yes + no), 1)),
        "meeting_to_send_days": "not recorded",
    }  # fmt: skip


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[InProcessServer, list[Planned]]]:
    plans = _plan()
    with inprocess_server(tmp_path_factory.mktemp("report-srv")) as server:
        _insert(server, plans)
        yield server, plans


def _report(server: InProcessServer, *args: str) -> list[str]:
    return ["admin", "report", "--since", SINCE.date().isoformat(), *args,
            "--data", str(server.data_dir)]  # fmt: skip


def _csv(text: str) -> dict[str, dict[str, str]]:
    return {r["account"] or "total": r for r in csv.DictReader(io.StringIO(text))}


def test_the_csv_has_each_reps_figures_and_the_total(
    built: tuple[InProcessServer, list[Planned]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    server, plans = built
    assert sum(p.counted for p in plans) > 150  # most of the 200 are in the window
    out = tmp_path / "out" / "report.csv"
    assert main(_report(server, "--output", str(out))) == 0
    assert "report of 4 reps" in capsys.readouterr().err
    assert [p.name for p in out.parent.iterdir()] == ["report.csv"]  # no temp file left
    rows = _csv(out.read_text())
    assert list(rows) == ["ana", "ben", "cleo", "dev", "total"]
    for account in (*REPS, None):
        row = rows[account or "total"]
        want = _expected(plans, account)
        assert {k: row[k] for k in want} == want, account
        assert row["analytics"] == "identified"
    assert (rows["cleo"]["rep_name"], rows["cleo"]["team"]) == ("Cleo Chen", "south")
    assert rows["total"]["scope"] == "total" and rows["ana"]["scope"] == "rep"
    # Not only derived the same way: the sum of the reps' sends is the total's.
    assert sum(int(rows[a]["sends"]) for a in REPS) == int(rows["total"]["sends"])

    assert main(_report(server, "--team", "south")) == 0
    south = _csv(capsys.readouterr().out)
    assert list(south) == ["cleo", "dev", "total"]
    south_total = [p for p in plans if p.account in ("cleo", "dev")]
    assert south["total"]["sends"] == _expected(south_total, None)["sends"]
    assert south["total"]["useful_yes"] == _expected(south_total, None)["useful_yes"]


def test_the_html_report_renders_its_charts_offline(
    built: tuple[InProcessServer, list[Planned]], tmp_path: Path, chromium_browser: Any
) -> None:
    server, plans = built
    out = tmp_path / "report.html"
    assert main(_report(server, "--format", "html", "--output", str(out))) == 0
    html = out.read_text()
    assert "Dr. Patient" not in html  # rows are reps and the total, never a physician
    context = chromium_browser.new_context(java_script_enabled=False)
    requests: list[str] = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        assert requests == [out.as_uri()]  # the file itself, nothing else
        assert errors == []  # e.g. no style refused by its own CSP
        assert (
            page.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse")
            == "collapse"
        )
        weeks = page.locator("#sends-per-week svg rect")
        counted = [p.created for p in plans if p.counted]
        assert weeks.count() >= len({c.isocalendar()[:2] for c in counted})
        heights = [float(weeks.nth(i).get_attribute("height") or 0) for i in range(weeks.count())]
        assert max(heights) > 0
        per_week = Counter(week_of(c) for c in counted)
        bars = [t.split(": ") for t in _texts(page, "#sends-per-week svg rect title")]
        assert {week: int(n) for week, n in bars if n != "0"} == dict(per_week)
        opened = [p.furthest or 0 for p in plans if p.counted and p.opened]
        want = [f"{step} %: {opened.count(step)}" for step in (0, 25, 50, 75, 100)]
        assert _texts(page, "#watch-distribution svg rect title") == want
        useful_weeks = {(p.created + timedelta(hours=2)).isocalendar()[:2]
                        for p in plans if p.counted and p.useful}  # fmt: skip
        assert page.locator("#usefulness svg circle").count() == len(useful_weeks)
        for chart in ("#sends-per-week", "#watch-distribution", "#usefulness"):
            box = page.locator(f"{chart} svg").bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, chart
        assert page.get_by_role("row").count() == 1 + 4 + 1  # heads, four reps, total
        assert page.get_by_text("not recorded").is_visible()
    finally:
        context.close()


def _texts(page: Any, selector: str) -> list[str]:
    return [t or "" for t in page.locator(selector).all_text_contents()]


def test_under_aggregate_no_physician_is_named(
    built: tuple[InProcessServer, list[Planned]], capsys: pytest.CaptureFixture[str]
) -> None:
    server, plans = built
    admin = server.create_token("report-admin", admin=True)
    policy = f"{server.url}/api/v1/admin/policy"
    assert (
        httpx.put(policy, json={"analytics": "aggregate"}, headers=auth(admin)).status_code == 200
    )
    try:
        assert main(_report(server)) == 0
        text = capsys.readouterr().out
        assert main(_report(server, "--format", "html")) == 0
        html = capsys.readouterr().out
    finally:
        httpx.put(policy, json={}, headers=auth(admin))
    assert "Dr. Patient" not in text and "Dr. Patient" not in html
    rows = _csv(text)
    assert {r["analytics"] for r in rows.values()} == {"aggregate"}
    assert rows["total"]["sends"] == _expected(plans, None)["sends"]
    assert "views are counted as totals only" in html


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--since", "last week"], "--since 'last week' is not a date"),
        (["--since", "2026-13-01"], "is not a date"),
        (["--since", "2999-01-01"], "is in the future"),
        (["--since", "2026-11-01", "--format", "pdf"], "--format 'pdf' is not known"),
        (["--since", "2026-11-01", "--team", "west"], "no account is in team 'west'"),
        (["--since", "2026-11-01", "--team", " "], "--team needs a team's name"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    built: tuple[InProcessServer, list[Planned]], args: list[str], says: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    server, _plans = built
    out = tmp_path / "r.csv"
    argv = ["admin", "report", *args, "--output", str(out), "--data", str(server.data_dir)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


@pytest.mark.postgres
def test_the_report_reads_postgresql(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    plans = _plan()
    with inprocess_server(tmp_path / "srv", database_url=pg_url) as pg_server:
        _insert(pg_server, plans)
        monkeypatch.setenv("REP_VIDEO_SERVER_DATABASE_URL", pg_url)
        assert main(_report(pg_server)) == 0
    rows = _csv(capsys.readouterr().out)
    for account in (*REPS, None):
        want = _expected(plans, account)
        assert {k: rows[account or "total"][k] for k in want} == want, account


def test_a_long_window_charts_the_weeks_from_the_first_send(
    built: tuple[InProcessServer, list[Planned]], capsys: pytest.CaptureFixture[str]
) -> None:
    server, plans = built
    argv = ["admin", "report", "--since", "2001-01-01", "--format", "html",
            "--data", str(server.data_dir)]  # fmt: skip
    assert main(argv) == 0
    html = capsys.readouterr().out
    first = min(p.created for p in plans if p.state != "pending").date()
    monday, weeks = first - timedelta(days=first.weekday()), 0
    while monday <= datetime.now(UTC).date():
        weeks, monday = weeks + 1, monday + timedelta(days=7)
    chart = html.split('id="sends-per-week"', 1)[1].split("</figure>", 1)[0]
    assert chart.count("<rect") == weeks  # not 25 years of empty weeks
    assert "2001-W01" not in chart
