import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import SLAPolicy
from helpdesk.selectors.inbox import InboxQuery, inbox_page
from helpdesk.services.tickets import ticket_create, ticket_transition

pytestmark = pytest.mark.django_db
ALWAYS_OPEN = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def policy(team):
    policy = SLAPolicy.objects.create(
        name="24/7", business_hours=ALWAYS_OPEN, breach_soon_minutes=30,
        first_response_minutes={"urgent": 30, "high": 60, "normal": 120, "low": 480},
    )  # fmt: skip
    policy.teams.add(team)
    return policy


def test_breach_soon_view_and_countdown(policy, customer, team, agent, client_agent):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(minutes=100), tick=False):  # 20 minutes left of 120
        soon = ticket_create(requester=customer, subject="Soon", body_text="x", team=team)
        paused = ticket_create(requester=customer, subject="Paused", body_text="x", team=team)
        ticket_transition(ticket=paused, to_status="pending", actor=agent)
    with time_machine.travel(now - dt.timedelta(minutes=200), tick=False):  # 80 minutes overdue
        late = ticket_create(requester=customer, subject="Late", body_text="x", team=team)
    relaxed = ticket_create(requester=customer, subject="Relaxed", body_text="x", team=team)  # 120 min left

    page = inbox_page(user=agent.user, query=InboxQuery(view="breach_soon"))
    assert {t.subject for t in page.tickets} == {"Soon", "Late"}

    html = client_agent.get("/desk/?view=all").content.decode()
    assert "sla-soon" in html and "sla-overdue" in html and "sla-paused" in html and "sla-ok" in html
    assert relaxed.pk and soon.pk and late.pk


def test_inbox_page_with_countdowns_costs_the_same_for_any_size(policy, customer, team, client_agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        ticket_create(requester=customer, subject=f"t{i}", body_text="x", team=team)
    client_agent.get("/desk/")  # first request creates the desk settings row
    counts = []
    for size in (3, 12):
        with CaptureQueriesContext(connection) as captured:
            assert client_agent.get(f"/desk/?view=all&page_size={size}").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_ticket_page_shows_sla_and_csat(policy, customer, team, agent, client_agent):
    from helpdesk.services.csat import csat_record, csat_send

    ticket = ticket_create(requester=customer, subject="Rated", body_text="x", team=team)
    page = client_agent.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "24/7" in page and "survey sent" not in page
    ticket_transition(ticket=ticket, to_status="solved", actor=agent)
    survey = csat_send(ticket=ticket)
    assert "survey sent, no answer yet" in client_agent.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    csat_record(token=survey.token, rating=4, comment="Quick and kind")
    page = client_agent.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "4/5" in page and "Quick and kind" in page
