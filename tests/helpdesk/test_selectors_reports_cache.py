"""The cached desk report: served from the cache while its data is unchanged, rebuilt when it changes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.selectors.reports import Period
from helpdesk.selectors.reports_cache import report_build_cached
from helpdesk.services.tickets import ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def period():
    """Whole days, as the reports page asks for them."""
    today = timezone.localdate()
    start = dt.datetime.combine(
        today - dt.timedelta(days=7), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return Period(start=start, end=start + dt.timedelta(days=9))


def test_an_unchanged_report_comes_from_the_cache(admin_agent, customer, team):
    ticket_create(requester=customer, subject="one", body_text="x", team=team)
    first = report_build_cached(user=admin_agent.user, period=period())
    with CaptureQueriesContext(connection) as queries:
        again = report_build_cached(user=admin_agent.user, period=period())
    assert again.totals["created"] == first.totals["created"] == 1
    assert len(queries.captured_queries) <= 4  # the data version and the viewer, no aggregate scans


def test_a_new_or_changed_ticket_gives_a_fresh_report(admin_agent, agent, customer, team):
    ticket = ticket_create(requester=customer, subject="one", body_text="x", team=team)
    assert report_build_cached(user=admin_agent.user, period=period()).totals["created"] == 1
    ticket_create(requester=customer, subject="two", body_text="x", team=team)
    assert report_build_cached(user=admin_agent.user, period=period()).totals["created"] == 2
    ticket_update(ticket=ticket, assignee=agent)
    report = report_build_cached(user=admin_agent.user, period=period())
    assert [row["created"] for row in report.per_agent] == [1]


def test_agents_never_get_a_report_built_for_someone_who_sees_more(
    admin_agent, agent, customer, team, other_team
):
    ticket_create(requester=customer, subject="mine", body_text="x", team=team)
    ticket_create(requester=customer, subject="foreign", body_text="x", team=other_team)
    assert report_build_cached(user=admin_agent.user, period=period()).totals["created"] == 2
    assert report_build_cached(user=agent.user, period=period()).totals["created"] == 1
