"""The triage task: runs on commit for every new ticket, is idempotent, re-runs when a reopening
message is about a different topic; the LLM regime through a real OpenAI-compatible server."""

from __future__ import annotations

import pytest

from ai.models import TicketTriage, TriageSettings
from ai.tasks.triage import triage_model_train_task, triage_ticket
from helpdesk.models import TicketEvent
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.tickets import ticket_create, ticket_transition
from tests.conftest import make_agent
from tests.fixtures.triage_helpers import add_labels, make_taxonomy, set_threshold

pytestmark = pytest.mark.django_db


def receive(customer, body_text, *, subject="", thread=None):
    """A customer's words through the front door (which fires the hooks triage listens to)."""
    return conversation_receive(
        channel="web", sender=customer, subject=subject, body_text=body_text, thread_hint=thread
    )


@pytest.fixture
def topics(db):
    topics = make_taxonomy()
    set_threshold(0.3)
    return topics


def test_new_ticket_is_triaged_and_routed_on_commit(topics, customer, django_capture_on_commit_callbacks):
    agent = make_agent("biller", teams=[topics["billing"].team])
    agent.is_online = True
    agent.save()

    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive(customer, "You charged my card twice", subject="Refund").ticket

    ticket.refresh_from_db()
    triage = TicketTriage.objects.get(ticket=ticket)
    assert triage.topic == topics["billing"]
    assert (ticket.team, ticket.assignee) == (topics["billing"].team, agent)
    assert triage.language == "en"
    assert triage.regime == "zero_shot"


def test_task_is_idempotent(topics, customer):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")

    triage_ticket(ticket.pk)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    first = TicketTriage.objects.get(ticket=ticket)
    triage_ticket(ticket.pk)

    assert TicketEvent.objects.filter(ticket=ticket).count() == events
    assert TicketTriage.objects.get(ticket=ticket).updated_at == first.updated_at
    assert triage_ticket(999_999) is None


def test_ticket_with_a_team_keeps_it(topics, customer, team):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?", team=team)
    triage_ticket(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.team == team
    assert TicketTriage.objects.get(ticket=ticket).topic == topics["shipping"]


def test_reopening_message_about_a_new_topic_reroutes(topics, customer, django_capture_on_commit_callbacks):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="My parcel never arrived")
    triage_ticket(ticket.pk)
    ticket_transition(ticket=ticket, to_status="solved")

    with django_capture_on_commit_callbacks(execute=True):
        receive(
            customer,
            "Now you charged my credit card twice for the same invoice, I want a refund",
            thread=ticket,
        )

    ticket.refresh_from_db()
    triage = TicketTriage.objects.get(ticket=ticket)
    assert triage.topic == topics["billing"]
    assert ticket.team == topics["billing"].team
    assert ticket.status == "open"


def test_reopening_message_about_the_same_topic_changes_nothing(
    topics, customer, django_capture_on_commit_callbacks
):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="My parcel never arrived")
    triage_ticket(ticket.pk)
    ticket.refresh_from_db()
    ticket_transition(ticket=ticket, to_status="pending")
    team_before = ticket.team

    with django_capture_on_commit_callbacks(execute=True):
        reply = receive(
            customer, "Still no delivery, the tracking number shows nothing", thread=ticket
        ).message

    triage = TicketTriage.objects.get(ticket=ticket)
    assert triage.message_id == reply.pk
    assert triage.topic == topics["shipping"]
    ticket.refresh_from_db()
    assert ticket.team == team_before


def test_reply_on_an_open_ticket_does_not_retriage(topics, customer, django_capture_on_commit_callbacks):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="My parcel never arrived")
    triage_ticket(ticket.pk)
    first_message = TicketTriage.objects.get(ticket=ticket).message_id

    with django_capture_on_commit_callbacks(execute=True):
        receive(customer, "Refund me!", thread=ticket)

    assert TicketTriage.objects.get(ticket=ticket).message_id == first_message


def test_disabled_triage_does_nothing(topics, customer):
    settings = TriageSettings.load()
    settings.enabled = False
    settings.save()
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")
    assert triage_ticket(ticket.pk) is None
    assert not TicketTriage.objects.filter(ticket=ticket).exists()


def test_training_task_waits_for_enough_labels(topics):
    settings = TriageSettings.load()
    settings.min_labels_to_train = 100
    settings.save()
    add_labels(topics, per_topic=5)
    assert triage_model_train_task() is None
    settings.min_labels_to_train = 10
    settings.save()
    assert triage_model_train_task() == 1
    assert triage_model_train_task() is None  # nothing new since version 1


def test_urgency_vip_and_german_are_detected(topics, django_capture_on_commit_callbacks):
    from tests.conftest import make_customer

    vip = make_customer(email="vip@example.com", tier="vip")
    ticket = ticket_create(requester=vip, subject="Login",
                           body_text="Ich kann mich nicht anmelden, das Passwort wird nicht akzeptiert. Dringend!")  # fmt: skip
    triage_ticket(ticket.pk)

    triage = TicketTriage.objects.get(ticket=ticket)
    ticket.refresh_from_db()
    assert triage.language == "de"
    assert triage.urgency == "urgent"
    assert ticket.priority == "urgent"
    assert triage.topic == topics["login"]  # the multilingual encoder maps German onto English topics


def test_llm_regime_uses_the_taxonomy_and_records_the_prompt(topics, customer, llm_peer):
    llm_peer.reply_json({"topic_id": topics["login"].pk, "confidence": 0.92,
                         "reason": "Customer cannot sign in.", "urgency": "high",
                         "sentiment": "negative", "language": "en"})  # fmt: skip
    ticket = ticket_create(requester=customer, subject="Help", body_text="Nothing works when I log in")

    triage_ticket(ticket.pk)

    triage = TicketTriage.objects.get(ticket=ticket)
    assert (triage.regime, triage.topic, triage.confidence) == ("llm", topics["login"], 0.92)
    assert triage.reason == "Customer cannot sign in."
    assert triage.prompt_version.startswith("triage.v")
    [request] = llm_peer.chat_requests
    assert f"id {topics['billing'].pk}: billing" in request.prompt_text
    assert "<customer_message>" in request.last_user_text


def test_llm_failure_falls_back_to_embeddings(topics, customer, llm_peer):
    llm_peer.reply("this is not json at all")
    llm_peer.set_default("still not json")
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")

    triage_ticket(ticket.pk)

    assert TicketTriage.objects.get(ticket=ticket).regime == "zero_shot"


def test_signals_never_lower_a_priority_set_at_creation(topics, customer):
    ticket = ticket_create(
        requester=customer, subject="Parcel", body_text="Where is my parcel?", priority="urgent"
    )
    triage_ticket(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"


def test_topic_default_priority_and_rule_priority(topics, customer):
    from helpdesk.models import RoutingRule

    topics["shipping"].default_priority = "high"
    topics["shipping"].save()
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")
    triage_ticket(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.priority == "high"

    RoutingRule.objects.create(
        position=1, name="shipping is low", topic=topics["shipping"], set_priority="low"
    )
    other = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")
    triage_ticket(other.pk)
    other.refresh_from_db()
    assert (other.priority, other.team) == ("low", topics["shipping"].team)
    assert TicketTriage.objects.get(ticket=other).routed_by_rule == "shipping is low"


def test_an_unspecified_rerun_after_a_reopen_keeps_the_latest_triage(
    topics, customer, django_capture_on_commit_callbacks
):
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="My parcel never arrived")
    triage_ticket(ticket.pk)
    ticket_transition(ticket=ticket, to_status="solved")
    with django_capture_on_commit_callbacks(execute=True):
        receive(
            customer,
            "Now you charged my credit card twice for the same invoice, I want a refund",
            thread=ticket,
        )
    after_reopen = TicketTriage.objects.get(ticket=ticket)

    triage_ticket(ticket.pk)  # e.g. the inbound task making sure triage ran

    assert TicketTriage.objects.get(ticket=ticket).topic == after_reopen.topic == topics["billing"]
