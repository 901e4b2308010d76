"""Adoption and the physician's experience, measured (`rep-video admin report`): per rep and
in total, over the shares sent since a day — sends, opened %, median watch %, call-backs,
materials requests and replies, the usefulness score from the page's "Was this video useful?"
— and the series the HTML report charts (sends per week, the watch-% distribution,
usefulness per week). Read from the server's database like the CRM export
(share_export.share_facts, BATCH shares a round), so a year of shares is a few hundred
queries.

Definitions (docs/ADMIN.md, "Adoption report"): a send is a share created in the window that
was published (not still pending); opened, one with at least one page load recorded; its
watch % the furthest point its page reported (0, 25, 50, 75, 100); the median is over the
opened sends. The usefulness score is yes / (yes + no) in %. No figure names a physician,
whatever the analytics mode: the rows are reps and the total. Under "aggregate" or "off"
the views counted since then are the rep's totals only (no share, no time), so opened % and
watch % cover the views recorded per share; the report says so. The time from the meeting
to the send is not recorded: neither the manifest nor the app's drafts carry a meeting day."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from rep_video.server.db import Account, PageFeedback, Share
from rep_video.server.share_export import BATCH, share_facts
from rep_video.server.webhook_queue import analytics_now

WATCH_STEPS = (0, 25, 50, 75, 100)  # what a page reports: the furthest quarter reached
NOT_RECORDED = "not recorded"


def week_of(moment: datetime | date) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """One rep's figures (or the total's: `account` "")."""

    account: str
    rep_name: str
    team: str | None
    sends: int = 0
    opened: int = 0
    watched: list[int] = field(default_factory=list)  # each opened send's furthest %
    callbacks: int = 0
    materials: int = 0
    replies: int = 0
    useful_yes: int = 0
    useful_no: int = 0

    @property
    def opened_pct(self) -> float | None:
        return pct(self.opened, self.sends)

    @property
    def median_watch_pct(self) -> float | None:
        return float(statistics.median(self.watched)) if self.watched else None

    @property
    def usefulness_pct(self) -> float | None:
        return pct(self.useful_yes, self.useful_yes + self.useful_no)

    def add(self, other: Figures) -> None:
        self.sends += other.sends
        self.opened += other.opened
        self.watched += other.watched
        self.callbacks += other.callbacks
        self.materials += other.materials
        self.replies += other.replies
        self.useful_yes += other.useful_yes
        self.useful_no += other.useful_no


@dataclass
class Report:
    since: date
    until: date
    teams: tuple[str, ...]  # () = every team
    analytics: str
    reps: list[Figures]
    total: Figures
    sends_per_week: dict[str, int]  # every ISO week from `since` to `until`, oldest first
    watch_distribution: dict[int, int]  # WATCH_STEPS -> opened sends that got that far
    useful_per_week: dict[str, tuple[int, int]]  # week -> (yes, no); weeks with answers


def build_report(
    engine: Engine, since: datetime, teams: Sequence[str] = (), now: datetime | None = None
) -> Report:
    """The report over shares created at or after `since`, of the reps in `teams` (all if
    empty). ValueError when a team named has no account (a typo would report nothing)."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        analytics = analytics_now(conn)
        accounts = {a.id: a for a in conn.execute(select(Account.__table__)).all()}
        known_teams = {a.team for a in accounts.values() if a.team}
        if unknown := sorted(set(teams) - known_teams):
            shown = ", ".join(sorted(known_teams)) or "none yet"
            raise ValueError(f"no account is in team {unknown[0]!r} (teams: {shown})")
        chosen = [a for a in accounts.values() if not teams or a.team in teams]
        ids = [a.id for a in chosen]
        shares = conn.execute(
            select(Share.id, Share.account_id, Share.created_at, Share.rep_name)
            .where(Share.created_at >= since, Share.state != "pending")
            .where(Share.account_id.in_(ids))
            .order_by(Share.created_at, Share.id)
        ).all()
        per_rep = {a.id: Figures(a.name, a.display_name or a.name, a.team) for a in chosen}
        useful_weeks: dict[str, list[int]] = {}
        for start in range(0, len(shares), BATCH):
            batch = shares[start : start + BATCH]
            _count(conn, batch, per_rep, useful_weeks)
    for share in shares:  # a rep without a display name: the name their pages showed
        rep = per_rep[share.account_id]
        if rep.rep_name == rep.account and share.rep_name:
            rep.rep_name = share.rep_name
    reps = sorted((r for r in per_rep.values() if r.sends), key=lambda r: r.account)
    total = Figures("", "total", None)
    for rep in reps:
        total.add(rep)
    return Report(
        since=since.date(),
        until=now.date(),
        teams=tuple(teams),
        analytics=analytics,
        reps=reps,
        total=total,
        sends_per_week=_weeks(since.date(), now.date(), [s.created_at for s in shares]),
        watch_distribution={step: total.watched.count(step) for step in WATCH_STEPS},
        useful_per_week={w: (v[0], v[1]) for w, v in sorted(useful_weeks.items())},
    )


def _count(
    conn: Any, batch: Sequence[Any], per_rep: dict[int, Figures], weeks: dict[str, list[int]]
) -> None:
    facts = share_facts(conn, [s.id for s in batch])
    for share in batch:
        rep, known = per_rep[share.account_id], facts[share.id]
        rep.sends += 1
        if known["views"]:
            rep.opened += 1
            rep.watched.append(int(known["max"]))
        actions = Counter(action for action, _when in known["answers"])
        rep.callbacks += actions["callback"]
        rep.materials += actions["materials"]
        rep.replies += actions["reply"]
    owner = {s.id: s.account_id for s in batch}
    answers = select(PageFeedback.share_id, PageFeedback.useful, PageFeedback.at).where(
        PageFeedback.share_id.in_(list(owner))
    )
    for share_id, useful, at in conn.execute(answers):
        rep = per_rep[owner[share_id]]
        tally = weeks.setdefault(week_of(_utc(at)), [0, 0])
        if useful:
            rep.useful_yes += 1
            tally[0] += 1
        else:
            rep.useful_no += 1
            tally[1] += 1


def _utc(moment: datetime) -> datetime:
    # Core rows from SQLite come back without a zone; the server stores UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _weeks(since: date, until: date, created: Sequence[datetime]) -> dict[str, int]:
    """Sends per ISO week, from the first send's week (a `--since` long before it would chart
    years of empty weeks) to `until`'s, the empty weeks between included."""
    out: dict[str, int] = {}
    start = max(since, min(_utc(c) for c in created).date()) if created else since
    monday = start - timedelta(days=start.weekday())
    while monday <= until:  # every week of the window, the empty ones too
        out[week_of(monday)] = 0
        monday += timedelta(days=7)
    for moment in created:
        week = week_of(_utc(moment))
        out[week] = out.get(week, 0) + 1
    return dict(sorted(out.items()))


CSV_COLUMNS = (
    "scope", "account", "rep_name", "team", "sends", "opened", "opened_pct",
    "median_watch_pct", "callbacks", "materials", "replies", "useful_yes", "useful_no",
    "usefulness_pct", "meeting_to_send_days", "analytics",
)  # fmt: skip


def csv_rows(report: Report) -> list[list[str]]:
    """The header, a row per rep, then the total."""
    rows = [list(CSV_COLUMNS)]
    for scope, f in [*(("rep", r) for r in report.reps), ("total", report.total)]:
        rows.append([
            scope, f.account, f.rep_name, f.team or "", str(f.sends), str(f.opened),
            figure_text(f.opened_pct), figure_text(f.median_watch_pct), str(f.callbacks),
            str(f.materials), str(f.replies), str(f.useful_yes), str(f.useful_no),
            figure_text(f.usefulness_pct), NOT_RECORDED, report.analytics,
        ])  # fmt: skip
    return rows


def figure_text(value: float | None) -> str:
    """ "" for no figure (nothing to divide by), else one decimal at most (50, 62.5)."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:.1f}"
