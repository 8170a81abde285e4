"""Triage reads (ai.selectors.triage): what is classified, whether a message reopened the ticket,
the panel's choices, and when retraining is due."""

from __future__ import annotations

import pytest
from django.http import Http404

from ai.models import TriageLabel, TriageSettings
from ai.selectors.triage import (
    correction_choice,
    message_reopened_ticket,
    ticket_triage_text,
    training_due,
    training_labels,
    triage_panel_data,
)
from helpdesk.models import Topic
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.tickets import ticket_create, ticket_transition

pytestmark = pytest.mark.django_db


def test_triage_text_is_subject_and_first_message_or_the_later_message(customer):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is it?")
    later = conversation_receive(
        channel="web", sender=customer, body_text="Still nothing", thread_hint=ticket
    )
    assert ticket_triage_text(ticket=ticket) == "Parcel\nWhere is it?"
    assert ticket_triage_text(ticket=ticket, message=later.message) == "Still nothing"


def test_only_a_message_that_reopened_the_ticket_counts(customer):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is it?")
    reply = conversation_receive(channel="web", sender=customer, body_text="Any news?", thread_hint=ticket)
    assert not message_reopened_ticket(ticket=ticket, message=reply.message)
    assert not message_reopened_ticket(ticket=ticket, message=ticket.messages.get(seq=1))

    ticket_transition(ticket=ticket, to_status="solved")
    reopening = conversation_receive(
        channel="web", sender=customer, body_text="Not fixed", thread_hint=ticket
    )

    assert reopening.outcome == "reopened"
    assert message_reopened_ticket(ticket=ticket, message=reopening.message)


def test_panel_offers_active_topics_and_correction_choice_404s_on_unknown_ids(team):
    active = Topic.objects.create(name="Billing", team=team)
    retired = Topic.objects.create(name="Old", is_active=False)

    assert triage_panel_data(ticket=None)["topics"] == [active]
    assert correction_choice(topic_id=str(active.pk), team_id="") == (active, None)
    assert correction_choice(topic_id=None, team_id=str(team.pk)) == (None, team)
    assert correction_choice(topic_id="abc", team_id=None) == (None, None)
    with pytest.raises(Http404):
        correction_choice(topic_id=str(retired.pk), team_id=None)


def test_training_is_due_at_the_admin_minimum_and_uses_the_latest_label_per_ticket(customer, team):
    settings_row = TriageSettings.load()
    settings_row.min_labels_to_train = 2
    settings_row.save()
    billing, login = Topic.objects.create(name="Billing"), Topic.objects.create(name="Login")
    ticket = ticket_create(requester=customer, subject="Refund", body_text="Refund please")
    TriageLabel.objects.create(ticket=ticket, text="Refund please", topic=login, source="agent_initial")
    assert not training_due()

    correction = TriageLabel.objects.create(ticket=ticket, text="Refund please", topic=billing,
                                            source="agent_correction")  # fmt: skip
    imported = TriageLabel.objects.create(text="Password reset", topic=login, source="import")

    assert training_due()
    assert set(training_labels()) == {correction, imported}
