"""The input edge (core/request_input.py + InputNormalizeMiddleware): NUL and control characters,
over-long values and out-of-range dates never reach a view as a 500."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from core.request_input import date_param, int_param, text_clean
from helpdesk.models import Message
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.selectors.reports import MAX_REPORT_DAYS, report_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=True)  # a 500 would raise here, with its traceback


def test_text_clean_strips_nul_and_controls_but_keeps_line_breaks():
    assert text_clean("a\x00b\x1bc\x7f\td\r\ne") == "abc\td\r\ne"


def test_nul_in_anonymous_search_and_suggestions(anonymous):
    assert anonymous.get("/help/search/", {"q": "bat\x00tery"}).status_code == 200
    assert (
        anonymous.get("/portal/suggestions/", {"subject": "my battery\x00", "body": "dies\x00"}).status_code
        == 200
    )


def test_nul_in_portal_password_login(anonymous):
    response = anonymous.post(
        "/portal/login/", {"mode": "password", "email": "a\x00@x.io", "password": "p\x00w"}
    )
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_nul_in_portal_reply_is_stripped_not_lost(anonymous, ticket, customer):
    session = anonymous.session
    session[SESSION_KEY] = customer.pk
    session.save()
    response = anonymous.post(f"/portal/tickets/{ticket.number}/", {"body": "still\x00 broken"})
    assert response.status_code == 302
    assert Message.objects.filter(ticket=ticket).latest("seq").body_text == "still broken"


def test_nul_in_the_path_is_a_400(anonymous):
    assert anonymous.get("/help/a%00b/").status_code == 400


def test_overlong_query_value_is_a_clear_400(anonymous, settings):
    settings.HELMDESK_QUERY_VALUE_MAX_CHARS = 100
    response = anonymous.get("/help/search/", {"q": "x" * 101})
    assert response.status_code == 400 and b"too long" in response.content
    assert anonymous.get("/help/search/", {"q": "x" * 100}).status_code == 200


def test_reports_with_dates_at_the_ends_of_the_calendar(client_agent):
    response = client_agent.get("/desk/reports/", {"from": "0001-01-01", "to": "9999-12-31"})
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.daily) <= MAX_REPORT_DAYS + 1
    csv = client_agent.get("/desk/reports/", {"from": "0001-01-01", "to": "9999-12-31", "format": "csv"})
    assert csv.status_code == 200


def test_report_period_is_bounded_to_a_year_ending_no_later_than_tomorrow():
    today = dt.date(2026, 6, 1)
    period = report_period(
        start=dt.date(1990, 1, 1), end=dt.date(2100, 1, 1), days=30, today=today, tz=dt.timezone.utc
    )
    assert period.end.date() == today + dt.timedelta(days=2)  # exclusive end of tomorrow
    assert (period.end - period.start).days == MAX_REPORT_DAYS
    reversed_period = report_period(
        start=dt.date(2026, 5, 10), end=dt.date(2026, 5, 1), days=30, today=today, tz=dt.timezone.utc
    )
    assert (reversed_period.start.date(), reversed_period.end.date()) == (
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 11),
    )
    default = report_period(start=None, end=dt.date(2026, 5, 1), days=7, today=today, tz=dt.timezone.utc)
    assert default.start.date() == today - dt.timedelta(days=6)


def test_param_helpers_refuse_garbage():
    window = {"earliest": dt.date(2000, 1, 1), "latest": dt.date(2030, 1, 1)}
    assert date_param("0001-01-01", **window) is None
    assert date_param("not a date", **window) is None
    assert date_param("2020-02-29", **window) == dt.date(2020, 2, 29)
    assert int_param("9" * 40, default=5, low=1, high=100) == 100
    assert int_param("1e309", default=5, low=1, high=100) == 5
    assert int_param(None, default=5, low=1, high=100) == 5


def test_bulk_next_that_is_not_a_path_redirects_to_the_inbox(client_agent, ticket):
    response = client_agent.post("/desk/bulk/", {"ticket_ids": [ticket.pk], "priority": "high", "next": "ab"})
    assert response.status_code == 302 and response["Location"] == "/desk/"
