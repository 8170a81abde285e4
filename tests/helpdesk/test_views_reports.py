import csv
import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone

from helpdesk.selectors.reports import Period, report_build
from helpdesk.services.csat import csat_record, csat_send
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_create, ticket_transition, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(customer, team, other_team, agent, other_agent):
    """Three tickets in `team` (first responses after 1h, 2h, 3h; two solved) and one in `other_team`."""
    base = timezone.now() - dt.timedelta(days=3)
    tickets = []
    for hours in (1, 2, 3):
        with time_machine.travel(base, tick=False):
            t = ticket_create(
                requester=customer, subject=f"t{hours}", body_text="x", team=team, channel="email"
            )
            ticket_update(ticket=t, assignee=agent, actor=agent)
        with time_machine.travel(base + dt.timedelta(hours=hours), tick=False):
            message_post(ticket=t, author_kind="agent", author_agent=agent, body_text="hi")
        tickets.append(t)
    for t, hours in ((tickets[0], 4), (tickets[1], 8)):
        with time_machine.travel(base + dt.timedelta(hours=hours), tick=False):
            ticket_transition(ticket=t, to_status="solved", actor=agent)
            survey = csat_send(ticket=t)
            csat_record(token=survey.token, rating=5 if hours == 4 else 2)
    with time_machine.travel(base, tick=False):
        ticket_create(requester=customer, subject="foreign", body_text="x", team=other_team, channel="chat")
    return tickets


def period():
    now = timezone.now()
    return Period(start=now - dt.timedelta(days=7), end=now + dt.timedelta(hours=1))


def test_report_numbers(history, agent):
    report = report_build(user=agent.user, period=period())
    totals = report.totals
    assert (totals["created"], totals["solved"], totals["backlog"]) == (3, 2, 1)
    assert totals["first_response"]["median"] == pytest.approx(2.0)
    assert totals["first_response"]["p90"] == pytest.approx(2.8)
    assert totals["resolution"]["median"] == pytest.approx(6.0)
    assert totals["csat"] == {"n": 2, "avg": pytest.approx(3.5), "satisfied": 0.5}
    assert report.volume_by_channel == [{"channel": "email", "n": 3}], (
        "the other team's chat ticket is not visible"
    )
    (agent_row,) = report.per_agent
    assert (agent_row["label"], agent_row["created"], agent_row["solved"]) == ("Alice", 3, 2)


def test_admin_sees_all_teams(history, admin_agent):
    report = report_build(user=admin_agent.user, period=period())
    assert report.totals["created"] == 4
    assert {r["label"] for r in report.per_team} == {"Support", "Billing"}


def test_page_and_csv(history, client_agent):
    page = client_agent.get("/desk/reports/?days=30")
    assert page.status_code == 200 and b"<svg" in page.content
    export = client_agent.get("/desk/reports/?days=30&format=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert ["totals", "created", "3"] in rows
    assert any(r[:2] == ["agent", "Alice"] for r in rows)


def test_reports_need_an_agent(client, customer):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="c", password="x-123456789")
    client.force_login(user)
    assert client.get("/desk/reports/").status_code == 403


def test_daily_chart_has_axes_dates_and_a_legend():
    import datetime as dt

    from helpdesk.charts import daily_chart

    days = [
        {"day": dt.date(2026, 11, 1) + dt.timedelta(days=i), "created": i % 5, "solved": i % 3}
        for i in range(28)
    ]
    svg = str(daily_chart(days))
    assert 'aria-label="Tickets created (bars) and solved (line) per day"' in svg
    assert ">created<" in svg and ">solved<" in svg  # legend
    assert "November 1<" in svg and svg.count('class="chart-axis">November') <= 8  # dates, not crowded
    assert ">0</text>" in svg and ">5</text>" in svg  # value axis from 0 to a round maximum


def test_bar_chart_has_an_accessible_name():
    from helpdesk.charts import bar_chart

    svg = str(bar_chart([("Email", 12), ("Web form", 5)], label="Volume by channel"))
    assert 'role="img" aria-label="Volume by channel: Email: 12, Web form: 5"' in svg
