"""The report from the daily roll-up agrees with the report computed from the tickets.

The roll-up is maintained as in production: every change's transaction.on_commit refreshes it (the
callbacks run here through django_capture_on_commit_callbacks). Counts, volumes, SLA and CSAT must
be equal; medians and p90s come from duration buckets and must lie inside the bucket of the exact
value. After edits, a reopen, a team change, a merge and a delete, the incrementally maintained
roll-up must be row for row what a full rebuild gives (no drift).
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from helpdesk.models import Ticket
from helpdesk.selectors.reports import Period, report_build
from helpdesk.selectors.reports_rollup import percentile_from_histogram, report_build_rollup
from helpdesk.services.csat import csat_record, csat_send
from helpdesk.services.messages import message_post
from helpdesk.services.report_rollup import (
    BOUNDS_MINUTES,
    BUCKETS,
    ROLLUP_TABLE,
    rollup_backfill,
    rollup_catch_up,
    rollup_refresh_tickets,
)
from helpdesk.services.tickets import ticket_create, ticket_merge, ticket_transition, ticket_update
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db


def _period(days: int = 60) -> Period:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, tzinfo=tz)
    return Period(start=start, end=dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


@pytest.fixture
def desk(customer, team, other_team, agent, other_agent, django_capture_on_commit_callbacks):
    """28 tickets over five weeks (today included) in two teams, three channels, four agents (one
    ticket unassigned), first responses from 20 minutes to 3 days, 19 solved, 12 rated."""
    third = make_agent("carol", teams=[team, other_team])
    agents = [agent, other_agent, third, None]
    channels = ["email", "chat", "web"]
    now = timezone.now()
    tickets = []
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(28):
            created = now - dt.timedelta(days=35 - i * 1.27, hours=i % 5)
            assignee = agents[i % 4]
            with time_machine.travel(created, tick=False):
                ticket = ticket_create(
                    requester=customer, subject=f"t{i}", body_text="x", channel=channels[i % 3],
                    team=team if i % 3 else other_team,
                )  # fmt: skip
                if assignee is not None:
                    ticket_update(ticket=ticket, assignee=assignee, actor=assignee)
            if i % 7 != 6 and created + dt.timedelta(minutes=20) < now:
                with time_machine.travel(created + dt.timedelta(minutes=20 + 173 * i), tick=False):
                    message_post(
                        ticket=ticket, author_kind="agent", author_agent=assignee or agent, body_text="hi"
                    )
            solved_at = created + dt.timedelta(hours=2 + 7 * i)
            if i % 3 != 2 and solved_at < now:
                with time_machine.travel(solved_at, tick=False):
                    ticket_transition(ticket=ticket, to_status="solved", actor=agent)
                    if i % 2 == 0:
                        survey = csat_send(ticket=ticket)
                        csat_record(token=survey.token, rating=1 + i % 5)
            tickets.append(ticket)
    return tickets


def _assert_same(user, period, team_id=None):
    exact = report_build(user=user, period=period, team_id=team_id)
    rolled = report_build_rollup(user=user, period=period, team_id=team_id)
    assert rolled is not None
    for key in ("created", "solved", "backlog", "sla", "csat"):
        assert rolled.totals[key] == exact.totals[key], key
    for key in ("first_response", "resolution"):
        assert rolled.totals[key]["n"] == exact.totals[key]["n"]
        for stat in ("median", "p90"):
            _assert_in_bucket(rolled.totals[key][stat], exact.totals[key][stat])
    assert sorted(rolled.volume_by_channel, key=str) == sorted(exact.volume_by_channel, key=str)
    assert sorted(rolled.volume_by_topic, key=str) == sorted(exact.volume_by_topic, key=str)
    assert rolled.daily == exact.daily
    assert rolled.backlog == exact.backlog
    for mine, theirs in ((rolled.per_agent, exact.per_agent), (rolled.per_team, exact.per_team)):
        assert _plain(mine) == _plain(theirs)
        for a, b in zip(sorted(mine, key=_label), sorted(theirs, key=_label), strict=True):
            for stat in ("first_response_median", "resolution_median"):
                _assert_in_bucket(a.get(stat), b.get(stat))
    return rolled


def _label(row):
    return str(row["label"])


def _plain(rows):
    """The exactly comparable part of per-agent / per-team rows."""
    drop = {"first_response_median", "resolution_median", "csat_avg"}
    return sorted(
        (
            {k: v for k, v in row.items() if k not in drop} | {"csat": round(row.get("csat_avg") or 0, 9)}
            for row in rows
        ),
        key=_label,
    )


def _bucket(hours: float) -> int:
    minutes = hours * 60
    return sum(1 for bound in BOUNDS_MINUTES if bound <= minutes)


def _assert_in_bucket(estimate, exact):
    if exact is None:
        assert estimate is None
        return
    # each value is placed inside its bucket (25 % wide), then interpolated as percentile_cont does
    assert estimate == pytest.approx(exact, rel=0.25, abs=1 / 60)


def _rows(before=None):
    """The roll-up's rows; with `before`, only the day rows and month rows of whole days before it
    (the part the marks maintain: today is read from the tickets and built once it is over)."""
    where = (
        "TRUE"
        if before is None
        else "day < date_trunc('month', %(before)s::date)::date OR (span <> 'm' AND day < %(before)s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT span, day, team_id, assignee_id, csat_agent_id, csat_team_id, topic_id, created, solved, "
                       f"sla_responded, sla_resolved, csat_n, csat_sum, csat_good, fr_hist::text, res_hist::text, "
                       f"channel_counts::text FROM {ROLLUP_TABLE} WHERE {where} ORDER BY 1, 2, 3, 4, 5, 6, 7",
                       {"before": before})  # fmt: skip
        return cursor.fetchall()


def test_rollup_report_matches_the_tickets(desk, admin_agent, agent, team):
    report = _assert_same(admin_agent.user, _period())
    assert report.totals["created"] == 28 and report.totals["csat"]["n"] > 5
    assert len({row["channel"] for row in report.volume_by_channel}) == 3
    _assert_same(agent.user, _period())  # an agent's teams, own tickets and the unrouted ones
    _assert_same(admin_agent.user, _period(), team_id=team.pk)
    _assert_same(admin_agent.user, _period(10))  # a period starting mid-way: partial month rows
    _assert_same(admin_agent.user, _period(400))


def test_edits_reopen_merge_and_delete_keep_the_rollup_exact(
    desk, admin_agent, agent, other_team, django_capture_on_commit_callbacks
):
    solved = [t for t in desk if Ticket.objects.get(pk=t.pk).solved_at is not None]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=solved[0], to_status="open", actor=agent)  # reopened: no longer solved
        ticket_update(ticket=solved[1], team=other_team, actor=agent)  # moves between teams
        ticket_update(ticket=desk[3], assignee=None, actor=agent)
        ticket_merge(source=desk[4], target=desk[5], actor=agent)  # merged tickets leave the report
        Ticket.objects.get(pk=desk[7].pk).delete()
    _assert_same(admin_agent.user, _period())
    _assert_same(agent.user, _period())
    today = timezone.localdate()
    maintained = _rows(before=today)
    rollup_backfill()
    rebuilt = _rows(before=today)
    assert rebuilt == maintained, "the incremental roll-up drifted from a full rebuild"


def test_a_change_that_counts_only_today_leaves_the_rollup_alone(
    desk, admin_agent, customer, team, django_capture_on_commit_callbacks
):
    """New tickets and chat lines count today: read from the tickets, no day or month row rebuilt."""
    before = _rows()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(requester=customer, subject="today", body_text="x", channel="chat", team=team)
        message_post(ticket=ticket, author_kind="customer", body_text="and another line")
    assert _rows() == before
    report = _assert_same(admin_agent.user, _period())
    assert report.totals["created"] == 29


def test_the_day_that_ended_is_built_at_the_next_change_or_by_the_task(
    desk, admin_agent, customer, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(requester=customer, subject="late", body_text="x", channel="web", team=team)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        # Not built yet: the reader takes yesterday from the tickets, so the report is already right.
        _assert_same(admin_agent.user, _period())
        assert rollup_catch_up() == timezone.localdate()
        assert rollup_catch_up() == timezone.localdate()  # idempotent
        maintained = _rows(before=timezone.localdate())
        _assert_same(admin_agent.user, _period())
        rollup_backfill()
        assert _rows(before=timezone.localdate()) == maintained


def test_refresh_is_idempotent(desk):
    before = _rows()
    ids = [t.pk for t in desk]
    rollup_refresh_tickets(ids)
    rollup_refresh_tickets(ids)
    assert _rows() == before


def test_uncommitted_changes_are_counted_from_the_tickets(desk, admin_agent, customer, team):
    """A change whose commit (and so its roll-up refresh) is still pending is read from the tickets."""
    before = report_build_rollup(user=admin_agent.user, period=_period()).totals["solved"]
    reopened = next(t for t in desk if Ticket.objects.get(pk=t.pk).solved_at is not None)
    ticket_transition(ticket=reopened, to_status="open")  # no on_commit run: the roll-up row is stale
    assert _assert_same(admin_agent.user, _period()).totals["solved"] == before - 1


def test_another_time_zone_falls_back_to_the_tickets(desk, admin_agent):
    with timezone.override("America/New_York"):
        assert report_build_rollup(user=admin_agent.user, period=_period()) is None


def test_percentile_from_histogram_interpolates_inside_the_bucket():
    hist = [0] * BUCKETS
    assert percentile_from_histogram(hist, 0.5) is None
    hist[_bucket(2.0)] = 1  # one value of 2 h
    estimate = percentile_from_histogram(hist, 0.5)
    assert _bucket(estimate) == _bucket(2.0) and estimate == pytest.approx(2.0, rel=0.13)
    hist = [0] * BUCKETS
    hist[0] = 3  # under a minute
    hist[-1] = 1  # over a year: reported as the last bound
    assert percentile_from_histogram(hist, 0.5) < 1 / 60
    assert percentile_from_histogram(hist, 1.0) == pytest.approx(BOUNDS_MINUTES[-1] / 60)
