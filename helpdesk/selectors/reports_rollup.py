"""The desk report from the daily roll-up (helpdesk/services/report_rollup.py) instead of the tickets.

Whole months come from the month rows, the other days of the period from the day rows, and today
plus any day touched by a change still waiting for its commit from the source tables (the same SQL
that writes the roll-up, so both agree). A year is ~12 month rows and ~30 day rows per (team,
assignee) pair instead of every ticket of the year.

Counts, SLA shares, CSAT and the volumes are exact. Medians and p90s are estimated from the fixed
duration buckets (see BOUNDS_MINUTES): the rank is located in its bucket and interpolated inside it
as if the bucket's values were evenly spread, so an estimate is always inside the bucket that holds
the exact value (buckets are 25 % wide: 2.0 h is reported as something between 1.8 h and 2.3 h).

Returns None when the report's days are not the roll-up's days (an agent in another time zone than
settings.TIME_ZONE): the caller then computes the report from the tickets (selectors.reports).
"""

# ruff: noqa: S608  (SQL is assembled from this module's constant table/column names; values are bound)

from __future__ import annotations

import datetime as dt
from operator import add

from django.conf import settings
from django.db import connection
from django.utils import timezone

from helpdesk.models import Topic
from helpdesk.selectors.access import agent_for, agent_sees_all, agent_sees_unrouted, agent_team_ids
from helpdesk.selectors.reports import Period, Report, _fill_labels, report_backlog, report_tickets
from helpdesk.services.report_rollup import (
    ARRAYS,
    BOUNDS_MINUTES,
    CHANNELS,
    KEYS,
    ROLLUP_TABLE,
    STATE_TABLE,
    SUMS,
    facts_params,
    facts_sql,
    rollup_tz,
    ticket_days,
)
from helpdesk.services.report_rollup_capture import pending_ticket_ids

MEASURES = (*SUMS, *ARRAYS)


def _value_at(hist, position: int) -> float:
    """The `position`-th smallest value (0-based), in minutes, as if each bucket's values were evenly
    spread inside it; above the last bound, the last bound."""
    seen = 0
    for k, count in enumerate(hist):
        if count and position < seen + count:
            low = BOUNDS_MINUTES[k - 1] if k else 0.0
            if k >= len(BOUNDS_MINUTES):
                return low
            return low + (BOUNDS_MINUTES[k] - low) * (position - seen + 0.5) / count
        seen += count
    raise ValueError("position beyond the histogram")


def percentile_from_histogram(hist, fraction: float) -> float | None:
    """percentile_cont(fraction) estimated from bucket counts, in hours; None without values.

    As percentile_cont: the values at the two ranks around fraction * (n - 1), linearly interpolated;
    each of them is placed inside its bucket, so the estimate is off by at most the buckets' width
    (25 % of the value)."""
    n = sum(hist)
    if not n:
        return None
    rank = fraction * (n - 1)
    below = int(rank)
    low = _value_at(hist, below)
    high = _value_at(hist, min(below + 1, n - 1))
    return (low + (high - low) * (rank - below)) / 60.0


def _visibility(user, team_id: int | None) -> tuple[str, dict] | None:
    """SQL over the roll-up's team_id/assignee_id mirroring access.visible_tickets; None: nothing."""
    agent = agent_for(user)
    if agent is None:
        return None
    clauses, params = [], {}
    if not agent_sees_all(agent):
        visible = ["team_id = ANY(%(vis_teams)s)", "assignee_id = %(vis_agent)s"]
        params.update(vis_teams=agent_team_ids(agent), vis_agent=agent.pk)
        if agent_sees_unrouted(agent):
            visible.append("team_id IS NULL")
        clauses.append("(" + " OR ".join(visible) + ")")
    if team_id:
        clauses.append("team_id = %(vis_team)s")
        params["vis_team"] = team_id
    return (" AND ".join(clauses) or "TRUE"), params


def _source_days(first: dt.date, last: dt.date) -> set[dt.date]:
    """Days read from the tickets: today, the days that ended since the roll-up last caught up
    (rollup_catch_up builds them at the next change or by the daily task), and days with changes not
    committed yet."""
    today = timezone.now().astimezone(rollup_tz()).date()
    days = {today}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT complete_before FROM {STATE_TABLE}")
        row = cursor.fetchone()
    if row and row[0] is not None:
        days |= {row[0] + dt.timedelta(days=i) for i in range(max(0, (today - row[0]).days))}
    pending = pending_ticket_ids()
    if pending:
        days |= ticket_days(pending)[0]
    return {day for day in days if first <= day <= last}


def _plan(first: dt.date, last: dt.date, source: set[dt.date]) -> tuple[list, list, list]:
    """(months added from month rows, days added from day rows, days subtracted from day rows) whose
    sum is every day of [first, last] outside `source`. A month row is the sum of its day rows, so a
    mostly covered month is read as its month row minus the few days it should not count."""
    months, plus, minus = [], [], []
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days = [month + dt.timedelta(days=i) for i in range((following - month).days)]
        wanted = [day for day in days if first <= day <= last and day not in source]
        unwanted = [day for day in days if day not in wanted]
        if len(unwanted) < len(wanted):
            months.append(month)
            minus += unwanted
        else:
            plus += wanted
        month = following
    return months, plus, minus


def report_build_rollup(*, user, period: Period, team_id: int | None = None) -> Report | None:
    if getattr(period.start.tzinfo, "key", None) != settings.TIME_ZONE:
        return None
    first, last = period.start.date(), (period.end - dt.timedelta(days=1)).date()
    report = Report(period=period)
    visibility = _visibility(user, team_id)
    if visibility is None:
        groups, daily = [], {}
    else:
        where, params = visibility
        source = _source_days(first, last)
        groups, daily = _read(where, params, first, last, _plan(first, last, source), sorted(source))
    _fill(report, groups, daily, first, period, user=user, team_id=team_id)
    return report


def _read(where, params, first, last, plan, source) -> tuple[list[dict], dict]:
    """Roll-up rows grouped by their keys (measures summed, subtracted days weighted -1) and
    {day: [created, solved]}."""
    keys = ", ".join(KEYS)
    net = "sum({0}) FILTER (WHERE NOT sub) - coalesce(sum({0}) FILTER (WHERE sub), 0)"
    sums = ", ".join(net.format(name) for name in SUMS)
    # pgvector's element-wise sum; a key with subtracted days always has its month row too
    vector = "(CASE WHEN bool_or(sub) THEN sum({0}) FILTER (WHERE NOT sub) - sum({0}) FILTER (WHERE sub) ELSE sum({0}) END)"
    arrays = ", ".join(vector.format(name) + "::real[]::int[]" for name in ARRAYS)
    months, plus, minus = plan
    # `where` is built by _visibility from fixed column names; every value is a bound parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {keys}, {sums}, {arrays} FROM (SELECT *, span = 'd' AND day = ANY(%(minus)s) AS sub "
            f"FROM {ROLLUP_TABLE} WHERE {where} AND ((span = 'm' AND day = ANY(%(months)s)) "
            f"OR (span = 'd' AND day = ANY(%(days)s)))) r GROUP BY {keys}",
            {**params, "months": months, "days": plus + minus, "minus": minus},
        )
        fetched = cursor.fetchall()
        cursor.execute(
            f"SELECT day, sum(created), sum(solved) FROM {ROLLUP_TABLE} WHERE span = %(daily_span)s "
            f"AND day >= %(first)s AND day <= %(last)s AND NOT (day = ANY(%(source)s)) AND {where} GROUP BY day",
            {
                **params,
                "first": first,
                "last": last,
                "source": source,
                "daily_span": "t" if where == "TRUE" else "d",
            },
        )
        daily = {day: [created, solved] for day, created, solved in cursor.fetchall()}
        vectors = ", ".join(f"{name}::real[]::int[]" for name in ARRAYS)
        for day in source:  # today, and days with changes not committed yet: from the tickets
            cursor.execute(
                f"SELECT day, {keys}, {', '.join(SUMS)}, {vectors} FROM ({facts_sql()}) f WHERE {where}",
                {**params, **facts_params(day, day)},
            )
            for row in cursor.fetchall():
                entry = daily.setdefault(row[0], [0, 0])
                entry[0] += row[1 + len(KEYS)]
                entry[1] += row[2 + len(KEYS)]
                fetched.append(row[1:])
    return [dict(zip((*KEYS, *MEASURES), row, strict=True)) for row in _net(fetched)], daily


def _net(fetched) -> list[tuple]:
    """Rows (keys, sums, counts) summed per key (a key comes from the roll-up and from today's tickets)."""
    width = len(KEYS)
    net: dict = {}
    for row in fetched:
        key, values = row[:width], list(row[width:])
        if key in net:
            values = [
                list(map(add, old, new)) if isinstance(old, list) else old + new
                for old, new in zip(net[key], values, strict=True)
            ]
        net[key] = values
    return [(*key, *values) for key, values in net.items() if any(values[: len(SUMS)])]


def _add(total: dict, row: dict, sums=SUMS, arrays=tuple(ARRAYS)) -> None:
    """Add a row's measures (only the named ones) into `total`."""
    for name in sums:
        total[name] = total.get(name, 0) + row[name]
    for name in arrays:
        values = total.get(name)
        total[name] = list(row[name]) if values is None else list(map(add, values, row[name]))


def _share(ok: int, n: int) -> float | None:
    return (ok / n) if n else None


def _fill(
    report: Report, groups: list[dict], daily: dict, first: dt.date, period: Period, *, user, team_id
) -> None:
    total: dict = {}
    by_assignee: dict = {}
    by_team: dict = {}
    by_csat_agent: dict = {}
    by_csat_team: dict = {}
    by_topic: dict = {}
    per_group = (("created", "solved"), ("fr_hist", "res_hist"))
    per_csat = (("csat_n", "csat_sum"), ())
    for row in groups:
        _add(total, row)
        _add(by_assignee.setdefault(row["assignee_id"], {}), row, *per_group)
        _add(by_team.setdefault(row["team_id"], {}), row, *per_group)
        if row["csat_n"]:
            _add(by_csat_agent.setdefault(row["csat_agent_id"], {}), row, *per_csat)
            _add(by_csat_team.setdefault(row["csat_team_id"], {}), row, *per_csat)
        by_topic[row["topic_id"]] = by_topic.get(row["topic_id"], 0) + row["created"]
    if not total:
        _add(total, {**dict.fromkeys(SUMS, 0), **{name: [0] * size for name, size in ARRAYS.items()}})
    counts = dict(zip(CHANNELS, total["channel_counts"], strict=True))
    report.volume_by_channel = sorted(
        ({"channel": channel, "n": n} for channel, n in counts.items() if n), key=lambda r: -r["n"]
    )
    names = dict(Topic.objects.filter(pk__in=[k for k in by_topic if k]).values_list("pk", "name"))
    topics: dict = {}
    for topic_id, n in by_topic.items():
        if n:
            name = names.get(topic_id) if topic_id else None
            topics[name] = topics.get(name, 0) + n
    report.volume_by_topic = sorted(({"topic": k, "n": n} for k, n in topics.items()), key=lambda r: -r["n"])[
        :15
    ]
    day = first
    while day < period.end.date() or (day == period.end.date() and not report.daily):
        created, solved = daily.get(day, (0, 0))
        report.daily.append({"day": day, "created": created, "solved": solved})
        day += dt.timedelta(days=1)
    report.totals = {
        "created": total["created"],
        "solved": total["solved"],
        "first_response": _stats(total["fr_hist"]),
        "resolution": _stats(total["res_hist"]),
        "sla": {
            "first_response": _share(total["sla_responded_ok"], total["sla_responded"]),
            "resolution": _share(total["sla_resolved_ok"], total["sla_resolved"]),
            "n": total["sla_responded"],
        },
        "csat": {
            "n": total["csat_n"],
            "avg": (total["csat_sum"] / total["csat_n"]) if total["csat_n"] else None,
            "satisfied": _share(total["csat_good"], total["csat_n"]),
        },
    }
    report_backlog(report, report_tickets(user=user, team_id=team_id))
    report.per_agent = _grouped(by_assignee, by_csat_agent, "assignee")
    report.per_team = _grouped(by_team, by_csat_team, "team")
    _fill_labels(report.per_agent, report.per_team)


def _stats(hist) -> dict:
    return {
        "median": percentile_from_histogram(hist, 0.5),
        "p90": percentile_from_histogram(hist, 0.9),
        "n": sum(hist),
    }


def _grouped(by_key: dict, by_csat: dict, key: str) -> list[dict]:
    """Rows shaped like selectors.reports._grouped: a key appears in a row only when that part has data."""
    rows: dict = {}
    for k, m in by_key.items():
        if k is None:
            continue
        if m["created"]:
            rows[k] = {key: k, "label": None, "created": m["created"],
                       "first_response_median": percentile_from_histogram(m["fr_hist"], 0.5)}  # fmt: skip
        if m["solved"]:
            rows.setdefault(k, {key: k, "label": None, "created": 0}).update(
                {"solved": m["solved"], "resolution_median": percentile_from_histogram(m["res_hist"], 0.5)}
            )
    for k, m in by_csat.items():
        if k is None or not m["csat_n"]:
            continue
        rows.setdefault(k, {key: k, "label": None, "created": 0}).update(
            {
                key.replace("assignee", "agent"): k,
                "csat_avg": m["csat_sum"] / m["csat_n"],
                "csat_n": m["csat_n"],
            }
        )
    return sorted(rows.values(), key=lambda r: (-(r.get("solved") or 0), -(r.get("created") or 0)))
