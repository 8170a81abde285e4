"""The AI panel on the ticket page: draft with variants, mode label, citations, Use draft, flags, admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ai.models import AIDraft, AIFlag
from ai.services.drafts import draft_create
from helpdesk.models import Message
from helpdesk.services.messages import message_post
from tests.conftest import make_agent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid?"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticket_with_draft(help_center, make_ticket, agent):
    ticket = make_ticket(QUESTION)
    draft_create(ticket=ticket, agent=agent)
    return ticket


def test_ticket_page_loads_the_panel_lazily_with_a_plain_link(client_agent, ticket):
    page = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    panel_url = reverse("ai:ai_panel", args=[ticket.pk])
    assert f'hx-get="{panel_url}"' in page and f'href="{panel_url}"' in page


def test_panel_shows_draft_citation_links_and_the_mode_label(client_agent, ticket_with_draft, help_center):
    response = client_agent.get(reverse("ai:ai_panel", args=[ticket_with_draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The reset link is valid for 24 hours." in html
    assert 'data-ai-mode="extractive"' in html and "Extractive mode: no AI model is configured" in html
    assert help_center["password"].slug in html and "Use draft" in html
    for label in ("Regenerate", "Shorter", "Friendlier", "More formal"):
        assert label in html


def test_panel_labels_generative_mode_when_a_model_is_configured(client_agent, ticket, llm_peer):
    html = client_agent.get(reverse("ai:ai_panel", args=[ticket.pk])).content.decode()
    assert 'data-ai-mode="generative"' in html


def test_variant_button_makes_a_new_draft(client_agent, ticket_with_draft):
    response = client_agent.post(
        reverse("ai:draft_regenerate", args=[ticket_with_draft.pk]), {"variant": "more_formal"}, **HTMX
    )
    assert response.status_code == 200 and "Dear Casey," in response.content.decode()
    assert AIDraft.objects.filter(ticket=ticket_with_draft).count() == 2
    bad = client_agent.post(
        reverse("ai:draft_regenerate", args=[ticket_with_draft.pk]), {"variant": "x"}, **HTMX
    )
    assert bad.status_code == 400


def test_use_draft_sends_the_edited_text_as_the_agents_reply(client_agent, ticket_with_draft, agent):
    draft = AIDraft.objects.get(ticket=ticket_with_draft)
    url = reverse("ai:draft_use", args=[ticket_with_draft.pk, draft.pk])
    response = client_agent.post(url, {"text": "Hi Casey,\n\nThe link is valid for 24 hours.\n\nAlice"})
    assert response.status_code == 302
    reply = ticket_with_draft.messages.filter(author_kind=Message.AuthorKind.AGENT).get()
    assert reply.author_agent == agent and "valid for 24 hours" in reply.body_text
    draft.refresh_from_db()
    assert draft.sent_message == reply and draft.edit_similarity is not None


def test_flag_an_ai_message_and_see_it_in_the_admin(client_agent, client, ticket, agent, admin_agent):
    ai_message = message_post(
        ticket=ticket, author_kind="ai", body_text="Wrong answer [1].", ai_mode="extractive"
    )
    url = reverse("ai:message_flag", args=[ticket.pk, ai_message.pk])
    response = client_agent.post(url, {"kind": "outdated", "comment": "Policy changed in May"}, **HTMX)
    assert response.status_code == 200 and 'data-flag="outdated"' in response.content.decode()
    flag = AIFlag.objects.get()
    assert (flag.kind, flag.agent, flag.message) == ("outdated", agent, ai_message)
    customer_message = ticket.messages.get(seq=1)
    refused = client_agent.post(
        reverse("ai:message_flag", args=[ticket.pk, customer_message.pk]), {"kind": "incorrect"}, **HTMX
    )
    assert refused.status_code == 400

    client.force_login(admin_agent.user)
    listing = client.get(reverse("admin:ai_aiflag_changelist")).content.decode()
    assert "Policy changed in May" in listing and "Outdated" in listing


def test_panel_refuses_strangers_and_unknown_tickets(client, ticket, other_team):
    assert client.get(reverse("ai:ai_panel", args=[ticket.pk])).status_code == 302  # to the login page
    outsider = make_agent("mallory", teams=[other_team])
    client.force_login(outsider.user)
    assert client.get(reverse("ai:ai_panel", args=[ticket.pk])).status_code == 403
    assert client.get(reverse("ai:ai_panel", args=[999999])).status_code == 404


def test_admin_lists_interactions_and_handoff_rules(client_admin, ticket_with_draft):
    assert client_admin.get(reverse("admin:ai_aiinteraction_changelist")).status_code == 200
    rules = client_admin.get(reverse("admin:ai_handoffrule_changelist")).content.decode()
    assert "Customer asks for a person" in rules
