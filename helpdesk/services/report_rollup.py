"""The daily report roll-up: what the reports page reads instead of scanning a year of tickets.

Table `helpdesk_report_rollup` holds, per day (span 'd') and per calendar month (span 'm', the sum of
its days; span 't' is a day's total over all keys, for the daily chart) and per (team, assignee, CSAT agent, CSAT team, topic): tickets created and solved, the
first-response and resolution durations as fixed-bucket histograms, SLA met/breached counts, CSAT
answers, and created tickets per channel. Days are calendar days in settings.TIME_ZONE.

Maintenance is idempotent: a change never adds to a counter; it recomputes every row of the days the
changed tickets touch (their creation, solution and survey-answer days, now and as last recorded in
`helpdesk_report_rollup_ticket`) from the source tables, under an advisory lock per day, and then
the month rows of those days from the day rows. Retries, duplicate events and races therefore
converge on what the source tables say. Changes are collected from model signals (tickets, SLA
states, surveys, messages, triage; report_rollup_capture.py) and applied in transaction.on_commit; `report_rollup_backfill`
(command and migration) rebuilds everything.

Durations are kept as counts per bucket (pgvector `vector` columns, so that summing them over a year
is one C aggregate per column); bucket k holds durations in [BOUNDS[k-1], BOUNDS[k]) minutes
(BOUNDS grow by 25 %, 1 minute to a year). Percentiles are estimated by interpolating inside the
bucket that holds the rank, so an estimate is never off by more than that bucket's width (25 % of
the value at most; see helpdesk.selectors.reports_rollup).
"""

# ruff: noqa: S608  (SQL is assembled from this module's constant table/column names; values are bound)

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from helpdesk.models import CsatSurvey, Ticket, TicketChannel, TicketSLA

ROLLUP_TABLE = "helpdesk_report_rollup"
LEDGER_TABLE = "helpdesk_report_rollup_ticket"
STATE_TABLE = "helpdesk_report_rollup_state"
BOUNDS_MINUTES = tuple(round(1.25**k, 3) for k in range(60))  # 1 min .. ~1 year
BUCKETS = len(BOUNDS_MINUTES) + 1  # width_bucket: 0 below the first bound, len(bounds) at/above the last
CHANNELS = tuple(value for value, _label in TicketChannel.choices)
KEYS = ("team_id", "assignee_id", "csat_agent_id", "csat_team_id", "topic_id")
SUMS = (
    "created",
    "solved",
    "sla_responded",
    "sla_responded_ok",
    "sla_resolved",
    "sla_resolved_ok",
    "csat_n",
    "csat_sum",
    "csat_good",
)
ARRAYS = {"fr_hist": BUCKETS, "res_hist": BUCKETS, "channel_counts": len(CHANNELS)}
COLUMNS = ("day", *KEYS, *SUMS, *ARRAYS)


def rollup_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _tables() -> dict[str, str]:
    triage = Ticket._meta.get_field("triage").related_model._meta.db_table  # ai's model, by relation only
    return {
        "ticket": Ticket._meta.db_table,
        "sla": TicketSLA._meta.db_table,
        "csat": CsatSurvey._meta.db_table,
        "triage": triage,
    }


def _counts_vector(column: str, values) -> str:
    """Counts per value as a pgvector vector: summed element-wise by pgvector's C `sum(vector)`
    (float4: exact up to 16,777,216 per element)."""
    counts = ", ".join(f"(count(*) FILTER (WHERE {column} = {value}))::real" for value in values)
    return f"ARRAY[{counts}]::vector"


def _hist(column: str) -> str:
    return _counts_vector(column, range(BUCKETS))


def _channels() -> str:
    return _counts_vector("ch", range(1, len(CHANNELS) + 1))


def facts_sql() -> str:
    """Grouped roll-up rows (COLUMNS order) for the days in [%(start)s, %(end)s), from the source
    tables. Parameters: tz, start, end (timestamptz bounds of whole days), bounds, channels."""
    t = _tables()
    minutes = "extract(epoch FROM ({end} - t.created_at)) / 60.0"
    bucket = "width_bucket(" + minutes + ", %(bounds)s::float8[])"
    return f"""
WITH facts AS (
  SELECT (t.created_at AT TIME ZONE %(tz)s)::date AS day, t.team_id, t.assignee_id,
         NULL::bigint AS csat_agent_id, NULL::bigint AS csat_team_id, tr.topic_id,
         1 AS created, 0 AS solved,
         CASE WHEN t.first_response_at IS NOT NULL THEN {bucket.format(end="t.first_response_at")} END AS fr_b,
         NULL::int AS res_b, array_position(%(channels)s::text[], t.channel::text) AS ch,
         (s.id IS NOT NULL AND t.first_response_at IS NOT NULL)::int AS sla_responded,
         (s.id IS NOT NULL AND t.first_response_at IS NOT NULL AND NOT s.first_response_breached)::int
           AS sla_responded_ok,
         (s.id IS NOT NULL AND t.solved_at IS NOT NULL)::int AS sla_resolved,
         (s.id IS NOT NULL AND t.solved_at IS NOT NULL AND NOT s.resolution_breached)::int AS sla_resolved_ok,
         0 AS csat_n, 0 AS csat_sum, 0 AS csat_good
  FROM "{t["ticket"]}" t
  LEFT JOIN "{t["triage"]}" tr ON tr.ticket_id = t.id
  LEFT JOIN "{t["sla"]}" s ON s.ticket_id = t.id
  WHERE t.merged_into_id IS NULL AND t.created_at >= %(start)s AND t.created_at < %(end)s
  UNION ALL
  SELECT (t.solved_at AT TIME ZONE %(tz)s)::date, t.team_id, t.assignee_id, NULL, NULL, tr.topic_id,
         0, 1, NULL, {bucket.format(end="t.solved_at")}, NULL, 0, 0, 0, 0, 0, 0, 0
  FROM "{t["ticket"]}" t
  LEFT JOIN "{t["triage"]}" tr ON tr.ticket_id = t.id
  WHERE t.merged_into_id IS NULL AND t.solved_at >= %(start)s AND t.solved_at < %(end)s
  UNION ALL
  SELECT (c.answered_at AT TIME ZONE %(tz)s)::date, t.team_id, t.assignee_id, c.agent_id, c.team_id,
         tr.topic_id, 0, 0, NULL, NULL, NULL, 0, 0, 0, 0, 1, c.rating, (c.rating >= 4)::int
  FROM "{t["csat"]}" c
  JOIN "{t["ticket"]}" t ON t.id = c.ticket_id
  LEFT JOIN "{t["triage"]}" tr ON tr.ticket_id = t.id
  WHERE t.merged_into_id IS NULL AND c.rating IS NOT NULL
    AND c.answered_at >= %(start)s AND c.answered_at < %(end)s
)
SELECT day, {", ".join(KEYS)}, {", ".join(f"sum({name})::int AS {name}" for name in SUMS)},
       {_hist("fr_b")} AS fr_hist, {_hist("res_b")} AS res_hist, {_channels()} AS channel_counts
FROM facts GROUP BY day, {", ".join(KEYS)}"""


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of `first`, start of the day after `last`) in the roll-up's time zone."""
    tz = rollup_tz()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def facts_params(first: dt.date, last: dt.date) -> dict:
    start, end = day_bounds(first, last)
    return {"tz": settings.TIME_ZONE, "start": start, "end": end, "bounds": list(BOUNDS_MINUTES),
            "channels": list(CHANNELS)}  # fmt: skip


def _summed() -> tuple[str, str]:
    """The measures summed over day rows: the counts as ints, the histograms element-wise."""
    return ", ".join(f"sum({name})::int" for name in SUMS), ", ".join(f"sum({name})" for name in ARRAYS)


def _month_sql() -> str:
    sums, arrays = _summed()
    return (
        f"INSERT INTO {ROLLUP_TABLE} (span, {', '.join(COLUMNS)}) "
        f"SELECT 'm', %(month)s, {', '.join(KEYS)}, {sums}, {arrays} FROM {ROLLUP_TABLE} "
        f"WHERE span = 'd' AND day >= %(month)s AND day < %(next)s GROUP BY {', '.join(KEYS)}"
    )


def _totals_sql() -> str:
    """Span 't': one row per day summing its day rows (the daily chart of a report nobody restricts)."""
    sums, arrays = _summed()
    return (
        f"INSERT INTO {ROLLUP_TABLE} (span, day, {', '.join(SUMS)}, {', '.join(ARRAYS)}) "
        f"SELECT 't', day, {sums}, {arrays} FROM {ROLLUP_TABLE} "
        f"WHERE span = 'd' AND day >= %(first)s AND day <= %(last)s GROUP BY day"
    )


def _month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def rollup_recompute_days(days) -> None:
    """Rebuild the day rows of `days` and the month rows of their months from the source tables."""
    days = sorted(set(days))
    if not days:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        months = sorted({_month_of(day) for day in days})
        for month, _next in months:  # one lock per month, in order: no deadlocks between writers
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x52505431, month.toordinal()])
        for day in days:
            cursor.execute(f"DELETE FROM {ROLLUP_TABLE} WHERE span IN ('d', 't') AND day = %s", [day])
            cursor.execute(
                f"INSERT INTO {ROLLUP_TABLE} (span, {', '.join(COLUMNS)}) SELECT 'd', * FROM ({facts_sql()}) f",
                facts_params(day, day),
            )
            cursor.execute(_totals_sql(), {"first": day, "last": day})
        for month, next_month in months:
            cursor.execute(f"DELETE FROM {ROLLUP_TABLE} WHERE span = 'm' AND day = %s", [month])
            cursor.execute(_month_sql(), {"month": month, "next": next_month})
        cursor.execute(f"UPDATE {STATE_TABLE} SET version = version + 1, refreshed_at = now()")


def ticket_days_sql(where: str = "t.id = ANY(%(ids)s)") -> str:
    """(ticket_id, days) for the tickets matching `where`: the days each one counts on now."""
    t = _tables()
    return f"""
SELECT t.id, array_remove(ARRAY[(t.created_at AT TIME ZONE %(tz)s)::date,
                                (t.solved_at AT TIME ZONE %(tz)s)::date]
        || coalesce((SELECT array_agg(DISTINCT (c.answered_at AT TIME ZONE %(tz)s)::date) FROM "{t["csat"]}" c
                     WHERE c.ticket_id = t.id AND c.answered_at IS NOT NULL), '{{}}'), NULL)
FROM "{t["ticket"]}" t WHERE {where}"""


def ticket_days(ticket_ids) -> tuple[set[dt.date], dict[int, list[dt.date]]]:
    """Every day the tickets count on, now or as last recorded, and their current days per ticket."""
    ids = sorted(set(ticket_ids))
    with connection.cursor() as cursor:
        cursor.execute(ticket_days_sql(), {"tz": settings.TIME_ZONE, "ids": ids})
        current = {ticket_id: list(days) for ticket_id, days in cursor.fetchall()}
        cursor.execute(f"SELECT days FROM {LEDGER_TABLE} WHERE ticket_id = ANY(%s)", [ids])
        recorded = [day for (days,) in cursor.fetchall() for day in days]
    return {*recorded, *(day for days in current.values() for day in days)}, current


def rollup_today() -> dt.date:
    return timezone.now().astimezone(rollup_tz()).date()


def rollup_catch_up() -> dt.date:
    """Build the rows of the days that ended since the last call (usually yesterday, once) and return
    today: the first day the roll-up does not maintain. Today is always read from the tickets, so a
    change to a ticket that counts only today (every new ticket, every chat line) costs the roll-up
    nothing but its ledger row."""
    today = rollup_today()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT complete_before FROM {STATE_TABLE}")
        row = cursor.fetchone()
    if row is None or (row[0] is not None and row[0] >= today):
        return today
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT complete_before FROM {STATE_TABLE} FOR UPDATE")
        (complete_before,) = cursor.fetchone()
        if complete_before is not None and complete_before < today:
            span = (today - complete_before).days
            rollup_recompute_days(complete_before + dt.timedelta(days=i) for i in range(span))
        # NULL: never maintained since the backfill, which built every day up to its own today
        cursor.execute(f"UPDATE {STATE_TABLE} SET complete_before = %s", [today])
    return today


def _ledger_only_sql() -> str:
    """One statement for the usual refresh, where no day before today is involved (every new ticket,
    every change on the day a ticket was created): the roll-up is complete up to today and neither
    the tickets' current days nor their recorded ones are older than today, so no day row changes and
    only the ledger is rewritten. Returns whether it was (false: nothing was written)."""
    return f"""
WITH cur (id, days) AS ({ticket_days_sql()}),
old AS (SELECT days FROM {LEDGER_TABLE} WHERE ticket_id = ANY(%(ids)s)),
ok AS (
  SELECT coalesce((SELECT complete_before >= %(today)s FROM {STATE_TABLE}), false)
     AND NOT EXISTS (SELECT 1 FROM cur, unnest(cur.days) d WHERE d < %(today)s)
     AND NOT EXISTS (SELECT 1 FROM old, unnest(old.days) d WHERE d < %(today)s) AS ok
),
gone AS (
  DELETE FROM {LEDGER_TABLE} WHERE ticket_id = ANY(%(ids)s) AND (SELECT ok FROM ok)
    AND ticket_id NOT IN (SELECT id FROM cur)
),
put AS (
  INSERT INTO {LEDGER_TABLE} (ticket_id, days) SELECT id, days FROM cur WHERE (SELECT ok FROM ok)
  ON CONFLICT (ticket_id) DO UPDATE SET days = EXCLUDED.days
)
SELECT ok FROM ok"""


def rollup_refresh_tickets(ticket_ids) -> None:
    """Bring the roll-up up to date for these tickets (created, changed, reopened, merged or deleted).
    Only their days before today are rebuilt; the ledger records all their days."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return
    with connection.cursor() as cursor:  # the usual case: the ledger only, in one statement
        cursor.execute(_ledger_only_sql(), {"tz": settings.TIME_ZONE, "ids": ids, "today": rollup_today()})
        if cursor.fetchone()[0]:
            return
    today = rollup_catch_up()
    with transaction.atomic():
        days, current = ticket_days(ids)
        rollup_recompute_days(day for day in days if day < today)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {LEDGER_TABLE} WHERE ticket_id = ANY(%s)", [ids])
            if current:
                cursor.executemany(
                    f"INSERT INTO {LEDGER_TABLE} (ticket_id, days) VALUES (%s, %s)",
                    [(ticket_id, days) for ticket_id, days in current.items()],
                )


def rollup_backfill(*, chunk_days: int = 31, log=None) -> int:
    """Rebuild the whole roll-up and ledger from the source tables. Returns the day rows written."""
    t = _tables()
    tz = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT min(created_at), max(greatest(created_at, solved_at)) FROM "{t["ticket"]}"')
        first, last = cursor.fetchone()
        cursor.execute(f'SELECT max(answered_at) FROM "{t["csat"]}"')
        (answered,) = cursor.fetchone()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ROLLUP_TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {ROLLUP_TABLE}")
        cursor.execute(f"DELETE FROM {LEDGER_TABLE}")
        if first is not None:
            last = max(last, answered) if answered else last
            day, final = first.astimezone(rollup_tz()).date(), last.astimezone(rollup_tz()).date()
            while day <= final:
                chunk_end = min(final, day + dt.timedelta(days=chunk_days - 1))
                cursor.execute(
                    f"INSERT INTO {ROLLUP_TABLE} (span, {', '.join(COLUMNS)}) SELECT 'd', * FROM ({facts_sql()}) f",
                    facts_params(day, chunk_end),
                )
                if log:
                    log(f"{day} .. {chunk_end}")
                day = chunk_end + dt.timedelta(days=1)
            cursor.execute(_totals_sql(), {"first": first.astimezone(rollup_tz()).date(), "last": final})
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', day)::date FROM {ROLLUP_TABLE} WHERE span = 'd'"
            )
            for (month,) in cursor.fetchall():
                cursor.execute(_month_sql(), {"month": month, "next": _month_of(month)[1]})
        cursor.execute(
            f"INSERT INTO {LEDGER_TABLE} (ticket_id, days) SELECT * FROM ({ticket_days_sql('TRUE')}) d",
            {"tz": tz},
        )
        cursor.execute(
            f"UPDATE {STATE_TABLE} SET version = version + 1, refreshed_at = now(), complete_before = %s",
            [rollup_today()],
        )
        cursor.execute(f"SELECT count(*) FROM {ROLLUP_TABLE} WHERE span = 'd'")
        return cursor.fetchone()[0]


def rollup_after_migrate(sender=None, **kwargs) -> None:
    """post_migrate: roll up what is there when the roll-up was never built (a database migrated to
    this version with tickets in it), and empty it when its tickets are gone (flush)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STATE_TABLE])
        if not cursor.fetchone()[0]:
            return
        cursor.execute(f"SELECT refreshed_at IS NULL FROM {STATE_TABLE}")
        row = cursor.fetchone()
        cursor.execute(
            f'SELECT EXISTS (SELECT 1 FROM {ROLLUP_TABLE}) AND NOT EXISTS (SELECT 1 FROM "{Ticket._meta.db_table}")'
        )
        orphaned = cursor.fetchone()[0]
    if row is None or row[0] or orphaned:
        if row is None:
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {STATE_TABLE} (id) VALUES (1)")
        rollup_backfill()


def rollup_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {STATE_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else 0
