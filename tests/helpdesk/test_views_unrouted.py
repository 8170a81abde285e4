"""Tickets routing gave to no team wait in the "No team" queue; the desk settings say who sees it."""

import pytest
from django.urls import reverse

from helpdesk.models import DeskSettings, Team
from helpdesk.services.tickets import ticket_create
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def unrouted(customer):
    return ticket_create(requester=customer, subject="Where is my order?", body_text="It is late.", team=None)


def _inbox(client, **params):
    return client.get(reverse("desk:inbox"), params).content.decode()


def test_an_ordinary_agent_opens_finds_and_triages_an_unrouted_ticket(client_agent, unrouted):
    assert not DeskSettings.load().agents_see_all_tickets
    page = client_agent.get(reverse("desk:ticket", args=[unrouted.pk]))
    assert page.status_code == 200
    assert "Where is my order?" in page.content.decode()
    assert "Where is my order?" in _inbox(client_agent, view="all", q=f"#{unrouted.number}")
    assert "Where is my order?" in _inbox(client_agent, view="needs_triage")
    assert "Where is my order?" in _inbox(client_agent, view="no_team")


def test_another_teams_ticket_stays_out_of_the_no_team_queue(client_agent, customer, other_team):
    ticket_create(requester=customer, subject="Refund for invoice", body_text="Please.", team=other_team)
    assert "Refund for invoice" not in _inbox(client_agent, view="no_team")
    assert "Refund for invoice" not in _inbox(client_agent, view="needs_triage")


def test_admins_only_setting_hides_the_queue_from_agents(client, agent, admin_agent, unrouted):
    row = DeskSettings.load()
    row.unrouted_visible_to = DeskSettings.UnroutedVisibility.ADMINS
    row.save()
    client.force_login(agent.user)
    response = client.get(reverse("desk:ticket", args=[unrouted.pk]))
    assert response.status_code == 403
    assert "Where is my order?" not in _inbox(client, view="no_team")
    client.force_login(admin_agent.user)
    assert "Where is my order?" in _inbox(client, view="no_team")


def test_triage_team_setting_shows_the_queue_to_that_team_only(client, agent, unrouted):
    triagers = Team.objects.create(name="Triage", slug="triage")
    row = DeskSettings.load()
    row.unrouted_visible_to = DeskSettings.UnroutedVisibility.TRIAGE_TEAM
    row.triage_team = triagers
    row.save()
    client.force_login(agent.user)
    assert client.get(reverse("desk:ticket", args=[unrouted.pk])).status_code == 403
    triager = make_agent("tina", teams=[triagers])
    client.force_login(triager.user)
    assert client.get(reverse("desk:ticket", args=[unrouted.pk])).status_code == 200
