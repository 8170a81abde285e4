"""The triage panel on the desk: shows the result and its reason; one click corrects it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from ai.models import TicketTriage, TriageLabel
from ai.selectors.triage import tickets_needing_triage
from ai.services.triage import ticket_triage_run
from helpdesk.services.tickets import ticket_create
from tests.fixtures.triage_helpers import make_taxonomy, set_threshold

pytestmark = pytest.mark.django_db


@pytest.fixture
def triaged(customer):
    topics = make_taxonomy()
    set_threshold(0.0)
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="My parcel never arrived")
    ticket_triage_run(ticket=ticket)
    return topics, ticket


def test_panel_shows_topic_confidence_and_reason(client_admin, triaged):
    _topics, ticket = triaged
    response = client_admin.get(reverse("ai:triage_panel", args=[ticket.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="triage-panel"' in body
    assert "shipping" in body
    assert escape(TicketTriage.objects.get(ticket=ticket).reason) in body


def test_panel_requires_an_agent(client, triaged):
    _topics, ticket = triaged
    response = client.get(reverse("ai:triage_panel", args=[ticket.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_ticket_is_404(client_admin, db):
    assert client_admin.get(reverse("ai:triage_panel", args=[987654])).status_code == 404


def test_one_click_correction_over_htmx(client_admin, admin_agent, triaged):
    topics, ticket = triaged
    response = client_admin.post(
        reverse("ai:triage_correct", args=[ticket.pk]),
        {"topic": topics["billing"].pk, "priority": "high"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "ticket-changed" in response["HX-Trigger"]
    label = TriageLabel.objects.get(ticket=ticket)
    assert (label.topic, label.source, label.created_by) == (
        topics["billing"],
        "agent_correction",
        admin_agent.user,
    )
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority) == (topics["billing"].team, "high")


def test_plain_post_redirects_and_empty_post_is_refused(client_admin, triaged):
    topics, ticket = triaged
    url = reverse("ai:triage_correct", args=[ticket.pk])
    assert client_admin.post(url, {"topic": topics["login"].pk}).status_code == 302
    assert client_admin.post(url, {}, HTTP_HX_REQUEST="true").status_code == 400
    assert client_admin.post(url, {"topic": 99999}).status_code == 404


def test_correction_needs_post(client_admin, triaged):
    _topics, ticket = triaged
    assert client_admin.get(reverse("ai:triage_correct", args=[ticket.pk])).status_code == 405


def test_needs_triage_filter(customer):
    make_taxonomy()
    set_threshold(0.999)
    ticket = ticket_create(requester=customer, subject="?", body_text="hm")
    ticket_triage_run(ticket=ticket)
    assert list(tickets_needing_triage()) == [ticket]


def test_ticket_page_sidebar_loads_the_triage_panel(client_admin, triaged):
    _topics, ticket = triaged
    body = client_admin.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert 'id="triage-panel"' in body
    assert reverse("ai:triage_panel", args=[ticket.pk]) in body


def test_inbox_view_needs_triage_lists_only_unsure_tickets(client_admin, customer):
    make_taxonomy()
    set_threshold(0.999)
    unsure = ticket_create(requester=customer, subject="Unsure one", body_text="hm")
    ticket_triage_run(ticket=unsure)
    set_threshold(0.0)
    sure = ticket_create(requester=customer, subject="Sure one", body_text="My parcel never arrived")
    ticket_triage_run(ticket=sure)

    body = client_admin.get(reverse("desk:inbox"), {"view": "needs_triage"}).content.decode()

    assert "Unsure one" in body
    assert "Sure one" not in body
