"""Desk reports: volume, response and resolution times, SLA compliance, CSAT and backlog,
per agent and per team, for a period. Every number is computed in PostgreSQL over the tickets
the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract, TruncDate

from helpdesk.models import CsatSurvey, Team, TicketSLA, TicketStatus
from helpdesk.selectors.access import visible_tickets
from helpdesk.selectors.inbox import agent_choices

OPEN_STATUSES = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD]


class Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _hours(start_field: str, end_field: str):
    return (
        Extract(ExpressionWrapper(F(end_field) - F(start_field), output_field=DurationField()), "epoch")
        / 3600.0
    )


@dataclass
class Period:
    start: dt.datetime
    end: dt.datetime

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)


EARLIEST_REPORT_DAY = dt.date(2000, 1, 1)
MAX_REPORT_DAYS = 366  # one row per day is drawn and exported: a wider range is cut to the last year


def report_period(*, start: dt.date | None, end: dt.date | None, days: int, today: dt.date, tz) -> Period:
    """The bounded period a report covers: within [2000-01-01, today + 1 day] and at most a year.

    Missing or out-of-range dates fall back to the last `days` days; a reversed range is swapped.
    """
    latest = today + dt.timedelta(days=1)
    if start is None or end is None:
        start, end = today - dt.timedelta(days=days - 1), today
    if end < start:
        start, end = end, start
    end = min(max(end, EARLIEST_REPORT_DAY), latest)
    start = min(max(start, EARLIEST_REPORT_DAY, end - dt.timedelta(days=MAX_REPORT_DAYS - 1)), end)
    return Period(
        start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


@dataclass
class Report:
    period: Period
    volume_by_channel: list[dict] = field(default_factory=list)
    volume_by_topic: list[dict] = field(default_factory=list)
    daily: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    backlog: list[dict] = field(default_factory=list)
    per_agent: list[dict] = field(default_factory=list)
    per_team: list[dict] = field(default_factory=list)


def _time_stats(qs, start_field: str, end_field: str) -> dict:
    hours = _hours(start_field, end_field)
    return qs.filter(**{f"{end_field}__isnull": False}).aggregate(
        median=Percentile(hours, 0.5), p90=Percentile(hours, 0.9), n=Count("id")
    )


def _sla(ticket_ids) -> dict:
    states = TicketSLA.objects.filter(ticket_id__in=ticket_ids)
    agg = states.aggregate(
        responded=Count("id", filter=Q(ticket__first_response_at__isnull=False)),
        responded_ok=Count(
            "id", filter=Q(ticket__first_response_at__isnull=False, first_response_breached=False)
        ),
        resolved=Count("id", filter=Q(ticket__solved_at__isnull=False)),
        resolved_ok=Count("id", filter=Q(ticket__solved_at__isnull=False, resolution_breached=False)),
    )
    share = lambda ok, n: (ok / n) if n else None  # noqa: E731
    return {
        "first_response": share(agg["responded_ok"], agg["responded"]),
        "resolution": share(agg["resolved_ok"], agg["resolved"]),
        "n": agg["responded"],
    }


def _csat(surveys) -> dict:
    agg = surveys.aggregate(n=Count("id"), avg=Avg("rating"), good=Count("id", filter=Q(rating__gte=4)))
    return {"n": agg["n"], "avg": agg["avg"], "satisfied": (agg["good"] / agg["n"]) if agg["n"] else None}


def _grouped(created, solved, surveys, key: str, label_field: str) -> list[dict]:
    """Per-agent or per-team rows: created, solved, median first response and resolution, CSAT."""
    fr_hours = _hours("created_at", "first_response_at")
    res_hours = _hours("created_at", "solved_at")
    rows = {
        row[key]: row
        for row in created.exclude(**{f"{key}__isnull": True})
        .values(key, label=F(label_field))
        .annotate(created=Count("id"), first_response_median=Percentile(fr_hours, 0.5))
    }
    for row in (
        solved.exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(solved=Count("id"), resolution_median=Percentile(res_hours, 0.5))
    ):
        rows.setdefault(row[key], {key: row[key], "label": None, "created": 0}).update(row)
    csat_key = key.replace("assignee", "agent")
    for row in (
        surveys.exclude(**{f"{csat_key}__isnull": True})
        .values(csat_key)
        .annotate(csat_avg=Avg("rating"), csat_n=Count("id"))
    ):
        rows.setdefault(row[csat_key], {key: row[csat_key], "label": None, "created": 0}).update(row)
    return sorted(rows.values(), key=lambda r: (-(r.get("solved") or 0), -(r.get("created") or 0)))


def report_tickets(*, user, team_id: int | None = None):
    """The tickets a report covers: visible to the user, not merged into another, of the team if given."""
    tickets = visible_tickets(user=user).filter(merged_into__isnull=True)
    if team_id:
        tickets = tickets.filter(team_id=team_id)
    return tickets


def report_backlog(report: Report, tickets) -> None:
    """Open tickets by status now (not a period figure) into report.backlog and totals["backlog"]."""
    report.backlog = list(
        tickets.filter(status__in=OPEN_STATUSES).values("status").annotate(n=Count("id")).order_by("status")
    )
    labels = dict(TicketStatus.choices)
    for row in report.backlog:
        row["label"] = str(labels.get(row["status"], row["status"]))
    report.totals["backlog"] = sum(row["n"] for row in report.backlog)


def report_build(*, user, period: Period, team_id: int | None = None) -> Report:
    """The report computed directly from the tickets (the reference the roll-up is checked against,
    and the path for agents whose time zone is not the roll-up's)."""
    tickets = report_tickets(user=user, team_id=team_id)
    created = tickets.filter(created_at__gte=period.start, created_at__lt=period.end)
    solved = tickets.filter(solved_at__gte=period.start, solved_at__lt=period.end)
    surveys = CsatSurvey.objects.filter(
        ticket__in=tickets, answered_at__gte=period.start, answered_at__lt=period.end, rating__isnull=False
    )
    report = Report(period=period)
    report.volume_by_channel = list(created.values("channel").annotate(n=Count("id")).order_by("-n"))
    report.volume_by_topic = list(
        created.values(topic=F("triage__topic__name")).annotate(n=Count("id")).order_by("-n")[:15]
    )
    by_day_created = dict(
        created.annotate(day=TruncDate("created_at")).values_list("day").annotate(n=Count("id"))
    )
    by_day_solved = dict(
        solved.annotate(day=TruncDate("solved_at")).values_list("day").annotate(n=Count("id"))
    )
    day = period.start.date()
    while day < period.end.date() or (day == period.end.date() and not report.daily):
        report.daily.append(
            {"day": day, "created": by_day_created.get(day, 0), "solved": by_day_solved.get(day, 0)}
        )
        day += dt.timedelta(days=1)
    report.totals = {
        "created": created.count(),
        "solved": solved.count(),
        "first_response": _time_stats(created, "created_at", "first_response_at"),
        "resolution": _time_stats(solved, "created_at", "solved_at"),
        "sla": _sla(created.values("id")),
        "csat": _csat(surveys),
    }
    report_backlog(report, tickets)
    report.per_agent = _grouped(created, solved, surveys, "assignee", "assignee__display_name")
    report.per_team = _grouped(created, solved, surveys, "team", "team__name")
    _fill_labels(report.per_agent, report.per_team)
    return report


def _fill_labels(agent_rows: list[dict], team_rows: list[dict]) -> None:
    names = dict(agent_choices([r["assignee"] for r in agent_rows]))
    for row in agent_rows:
        row["label"] = names.get(row["assignee"], row.get("label"))
    teams = dict(Team.objects.filter(pk__in=[r["team"] for r in team_rows]).values_list("pk", "name"))
    for row in team_rows:
        row["label"] = teams.get(row["team"], row.get("label"))
