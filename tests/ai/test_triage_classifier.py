"""The classifier's three regimes, calibration against the admin threshold, corrections as labels,
and retraining into new model versions. Uses the real sentence encoder."""

from __future__ import annotations

import pytest

from ai.models import TicketTriage, TriageLabel, TriageModel
from ai.services.triage import (
    active_history_model,
    ticket_triage_run,
    triage_classify,
    triage_correct,
    triage_model_train,
)
from helpdesk.models import TicketEvent
from helpdesk.services.tickets import ticket_create
from tests.fixtures.triage_helpers import add_labels, make_taxonomy, set_threshold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your invoice charged my card two times, I want my money back", "billing"),
        ("I can't sign in, it says my password is wrong", "login"),
        ("Where is my package? The courier never came", "shipping"),
    ],
)
def test_zero_shot_picks_the_topic_from_descriptions(text, expected):
    topics = make_taxonomy()

    outcome = triage_classify(text=text)

    assert outcome.regime == "zero_shot"
    assert outcome.topic == topics[expected]
    assert outcome.model_version is None
    assert expected in outcome.reason


def test_history_model_learns_topics_the_descriptions_do_not_explain():
    topics = make_taxonomy(with_descriptions=False)  # opaque names: Q7, Q8, Q9
    add_labels(topics, per_topic=40)

    model = triage_model_train()
    outcome = triage_classify(text="Please give me back the money you took twice from my card")

    assert model.version == 1 and model.is_active
    assert outcome.regime == "history"
    assert outcome.topic == topics["billing"]
    assert outcome.model_version == 1
    assert model.metrics["heldout_accuracy"] > 0.8


def test_combined_regime_when_history_is_thin():
    topics = make_taxonomy()
    add_labels(topics, per_topic=4)
    triage_model_train()

    outcome = triage_classify(text="The tracking page for my parcel shows nothing")

    assert outcome.regime == "combined"
    assert outcome.topic == topics["shipping"]


def test_below_the_threshold_the_ticket_goes_to_the_triage_queue(customer):
    make_taxonomy()
    set_threshold(0.999)
    ticket = ticket_create(requester=customer, subject="Question", body_text="My invoice is wrong")

    triage = ticket_triage_run(ticket=ticket)
    ticket.refresh_from_db()

    assert triage.needs_triage is True
    assert triage.topic is not None  # the guess is kept for the agent, but nothing is routed
    assert ticket.team is None
    assert 0 < triage.confidence < 0.999


def test_above_the_threshold_the_ticket_is_routed_to_the_topics_team(customer):
    topics = make_taxonomy()
    set_threshold(0.3)
    ticket = ticket_create(requester=customer, subject="Refund", body_text="I was charged twice, refund me")

    triage = ticket_triage_run(ticket=ticket)
    ticket.refresh_from_db()

    assert triage.needs_triage is False
    assert ticket.team == topics["billing"].team
    assert TicketEvent.objects.filter(ticket=ticket, field="team", actor_label="AI triage").exists()


def test_confidence_is_calibrated_on_held_out_labels():
    topics = make_taxonomy(with_descriptions=False)
    add_labels(topics, per_topic=40)
    model = triage_model_train()

    metrics = model.metrics
    assert metrics["n_heldout"] > 0
    assert metrics["heldout_ece"] <= metrics["heldout_ece_raw"] + 1e-9
    assert metrics["temperature_history"] > 0


def test_correction_becomes_a_training_label_and_is_audited(customer, agent):
    topics = make_taxonomy()
    set_threshold(0.0)
    ticket = ticket_create(requester=customer, subject="Hi", body_text="My parcel never arrived")
    triage = ticket_triage_run(ticket=ticket)
    assert triage.topic == topics["shipping"]

    triage_correct(ticket=ticket, actor=agent, topic=topics["billing"], priority="high")

    label = TriageLabel.objects.get(ticket=ticket)
    assert (label.topic, label.source, label.created_by) == (
        topics["billing"],
        "agent_correction",
        agent.user,
    )
    assert "parcel" in label.text
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority) == (topics["billing"].team, "high")
    triage.refresh_from_db()
    assert (triage.topic, triage.needs_triage, triage.confidence) == (topics["billing"], False, 1.0)
    audit = TicketEvent.objects.get(ticket=ticket, field="triage_topic", actor=agent.user)
    assert (audit.before, audit.after) == ("shipping", "billing")


def test_first_label_on_an_untriaged_ticket_is_marked_initial(customer, agent):
    topics = make_taxonomy()
    ticket = ticket_create(requester=customer, subject="Login", body_text="Password reset fails")

    triage_correct(ticket=ticket, actor=agent, topic=topics["login"])

    assert TriageLabel.objects.get(ticket=ticket).source == "agent_initial"
    assert TicketTriage.objects.get(ticket=ticket).topic == topics["login"]


def test_retraining_creates_a_new_active_version():
    topics = make_taxonomy(with_descriptions=False)
    add_labels(topics, per_topic=6)
    first = triage_model_train()
    add_labels(topics, per_topic=6)

    second = triage_model_train()

    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert second.n_examples == 36 and first.n_examples == 18
    row, model = active_history_model()
    assert row == second and model.labels == sorted(topic.pk for topic in topics.values())


def test_a_correction_supersedes_the_first_label_of_the_same_ticket(customer, agent):
    topics = make_taxonomy()
    add_labels(topics, per_topic=3)
    ticket = ticket_create(requester=customer, subject="Help", body_text="My invoice total is wrong")
    triage_correct(ticket=ticket, actor=agent, topic=topics["login"])
    triage_correct(ticket=ticket, actor=agent, topic=topics["billing"])

    model = triage_model_train()

    assert model.n_examples == 10  # 9 imported + the latest label of the ticket
    assert TriageModel.objects.count() == 1


def test_training_needs_two_topics():
    topics = make_taxonomy()
    TriageLabel.objects.create(text="refund", topic=topics["billing"], source="import")
    assert triage_model_train() is None
