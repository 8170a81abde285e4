"""/desk/reports/: parse the period, build the report through the selector, render or export CSV."""

from __future__ import annotations

import csv
import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.request_input import date_param, int_param
from core.views import agent_required
from helpdesk import charts
from helpdesk.models import Team, TicketChannel
from helpdesk.selectors.reports import Period, report_period
from helpdesk.selectors.reports_cache import report_build_cached

PRESETS = {"7": 7, "30": 30, "90": 90}


def _period(request) -> Period:
    today = timezone.localdate()
    window = {"earliest": dt.date.min, "latest": dt.date.max}  # bounded by report_period
    return report_period(
        start=date_param(request.GET.get("from"), **window),
        end=date_param(request.GET.get("to"), **window),
        days=PRESETS.get(request.GET.get("days", "30"), 30),
        today=today,
        tz=timezone.get_current_timezone(),
    )


@agent_required
def reports(request):
    team_id = int_param(request.GET.get("team"), default=0, low=0, high=2**31 - 1) or None
    report = report_build_cached(user=request.user, period=_period(request), team_id=team_id)
    if request.GET.get("format") == "csv":
        return _csv(report)
    channels = {value: str(label) for value, label in TicketChannel.choices}  # "Web form", not "web"
    context = {
        "report": report,
        "teams": Team.objects.order_by("name").only("id", "name"),  # the team filter's options
        "team_id": team_id,
        "nav_active": "reports",
        "channel_chart": charts.bar_chart(
            [(channels.get(r["channel"], r["channel"]), r["n"]) for r in report.volume_by_channel],
            label=_("Volume by channel"),
        ),
        "topic_chart": charts.bar_chart(
            [(r["topic"] or _("(no topic)"), r["n"]) for r in report.volume_by_topic],
            label=_("Volume by topic"),
        ),
        "daily_chart": charts.daily_chart(report.daily),
        "query": request.GET.urlencode(),
    }
    return render(request, "desk/reports.html", context)


def _csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    start, end = report.period.start.date(), (report.period.end - dt.timedelta(days=1)).date()
    response["Content-Disposition"] = f'attachment; filename="helmdesk-report-{start}-{end}.csv"'
    out = csv.writer(response)
    totals = report.totals
    out.writerow(["section", "key", "value"])
    for key in ("created", "solved", "backlog"):
        out.writerow(["totals", key, totals[key]])
    for name in ("first_response", "resolution"):
        out.writerow(["totals", f"{name}_median_hours", _fmt(totals[name]["median"])])
        out.writerow(["totals", f"{name}_p90_hours", _fmt(totals[name]["p90"])])
    out.writerow(["sla", "first_response_compliance", _fmt(totals["sla"]["first_response"])])
    out.writerow(["sla", "resolution_compliance", _fmt(totals["sla"]["resolution"])])
    out.writerow(["csat", "responses", totals["csat"]["n"]])
    out.writerow(["csat", "average", _fmt(totals["csat"]["avg"])])
    out.writerow(["csat", "satisfied_share", _fmt(totals["csat"]["satisfied"])])
    for row in report.volume_by_channel:
        out.writerow(["channel", row["channel"], row["n"]])
    for row in report.volume_by_topic:
        out.writerow(["topic", row["topic"] or "", row["n"]])
    for row in report.daily:
        out.writerow(["daily_created", row["day"].isoformat(), row["created"]])
        out.writerow(["daily_solved", row["day"].isoformat(), row["solved"]])
    out.writerow([])
    out.writerow(
        ["group", "name", "created", "solved", "first_response_median_h", "resolution_median_h", "csat_avg"]
    )
    for group, rows in (("agent", report.per_agent), ("team", report.per_team)):
        for row in rows:
            out.writerow([
                group, row.get("label") or "", row.get("created", 0), row.get("solved", 0),
                _fmt(row.get("first_response_median")), _fmt(row.get("resolution_median")), _fmt(row.get("csat_avg")),
            ])  # fmt: skip
    return response


def _fmt(value) -> str:
    return "" if value is None else f"{value:.3f}"
