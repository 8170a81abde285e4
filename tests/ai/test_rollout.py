"""Gradual rollout per channel: off / draft / shadow / live for X% (sticky by a stable hash) / live."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ai.evaluation.weekly.stats import week_of
from ai.models import AIDraft, AIInteraction, AISettings, RolloutAssignment
from ai.selectors.inbound import ANSWER, DRAFT, OFF, SHADOW, channel_policy
from ai.selectors.rollout import rollout_bucket
from ai.services.rollout import rollout_set
from ai.services.weekly import weekly_report_build
from ai.tasks.inbound import handle_inbound
from core.errors import ApplicationError
from helpdesk.models import Message, TicketChannel
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.delivery import reply_send
from tests.conftest import make_customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid? I requested one this morning."


@pytest.fixture(autouse=True)
def _low_threshold(db):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()


def receive(customer, channel=TicketChannel.WEB, text=QUESTION):
    return conversation_receive(channel=channel, sender=customer, subject="Question", body_text=text)


def ai_replies(ticket):
    return ticket.messages.filter(author_kind=Message.AuthorKind.AI, is_internal=False).count()


def test_the_bucket_is_a_stable_hash_not_pythons_salted_hash():
    # Fixed values: the same customer lands in the same bucket in every process, on every machine.
    assert f"{rollout_bucket(1):.6f}" == "48.887712"
    assert 0 <= rollout_bucket(123456) < 100


@pytest.mark.parametrize("percent", [10, 50])
def test_the_share_splits_close_to_x_percent(percent):
    live = sum(1 for customer_id in range(1, 20001) if rollout_bucket(customer_id) < percent)
    assert abs(live / 20000 - percent / 100) < 0.01


def test_without_a_rollout_row_the_built_in_policy_applies(customer):
    assert channel_policy(ticket=receive(customer).ticket) == ANSWER
    assert channel_policy(ticket=receive(customer, TicketChannel.EMAIL).ticket) == DRAFT


def test_off_means_no_ai_at_all(help_center, customer):
    rollout_set(channel=TicketChannel.WEB, mode="off")
    received = receive(customer)
    assert channel_policy(ticket=received.ticket) == OFF
    assert handle_inbound(received.ticket.pk, received.message.pk) == "off"
    assert ai_replies(received.ticket) == 0 and not AIDraft.objects.exists()


def test_draft_only(help_center, customer):
    rollout_set(channel=TicketChannel.WEB, mode="draft")
    received = receive(customer)
    assert handle_inbound(received.ticket.pk, received.message.pk) == "drafted"
    assert ai_replies(received.ticket) == 0 and AIDraft.objects.filter(ticket=received.ticket).exists()


def test_shadow_answers_privately_and_the_agent_still_gets_a_draft(help_center, customer):
    rollout_set(channel=TicketChannel.WEB, mode="shadow")
    received = receive(customer)
    assert channel_policy(ticket=received.ticket) == SHADOW
    assert handle_inbound(received.ticket.pk, received.message.pk) == "shadow"
    assert handle_inbound(received.ticket.pk, received.message.pk) == "done"  # idempotent
    shadow = AIInteraction.objects.get(kind="shadow", ticket=received.ticket)
    assert shadow.decision == "answered" and "24 hours" in shadow.output
    assert ai_replies(received.ticket) == 0  # nothing reached the customer
    assert AIDraft.objects.filter(ticket=received.ticket).exists()
    assert RolloutAssignment.objects.get(ticket=received.ticket).group == "shadow"


def test_live_share_is_sticky_per_customer(help_center):
    rollout_set(channel=TicketChannel.WEB, mode="percent", percent=50)
    customers = [make_customer(f"c{i}@example.org", f"Customer {i}") for i in range(12)]
    live = [c for c in customers if rollout_bucket(c.pk) < 50]
    control = [c for c in customers if rollout_bucket(c.pk) >= 50]
    assert live and control, "12 customers land on both sides of 50%"
    first = receive(live[0])
    assert handle_inbound(first.ticket.pk, first.message.pk) == "answered"
    second = receive(control[0])
    assert handle_inbound(second.ticket.pk, second.message.pk) == "drafted"
    assert ai_replies(second.ticket) == 0
    groups = dict(RolloutAssignment.objects.values_list("ticket_id", "group"))
    assert groups == {first.ticket.pk: "live", second.ticket.pk: "control"}
    # The same customers stay in their groups on their next conversations.
    assert channel_policy(ticket=receive(live[0]).ticket) == ANSWER
    assert channel_policy(ticket=receive(control[0]).ticket) == DRAFT
    # Raising the share only adds customers.
    rollout_set(channel=TicketChannel.WEB, mode="percent", percent=100)
    assert channel_policy(ticket=receive(control[0]).ticket) == ANSWER


def test_rollout_input_is_checked():
    with pytest.raises(ApplicationError):
        rollout_set(channel="fax", mode="live")
    with pytest.raises(ApplicationError):
        rollout_set(channel="web", mode="sometimes")
    with pytest.raises(ApplicationError):
        rollout_set(channel="web", mode="percent", percent=120)


def test_the_weekly_report_measures_shadow_and_compares_live_with_control(help_center, agent):
    rollout_set(channel=TicketChannel.CHAT, mode="shadow")
    shadowed = receive(make_customer("s@example.org", "Sam Shadow"), TicketChannel.CHAT)
    assert handle_inbound(shadowed.ticket.pk, shadowed.message.pk) == "shadow"
    reply_send(ticket=shadowed.ticket, author_kind="agent", author_agent=agent,
               body_text="The reset link is valid for 24 hours.")  # fmt: skip
    rollout_set(channel=TicketChannel.WEB, mode="percent", percent=50)
    customers = [make_customer(f"p{i}@example.org", f"P {i}") for i in range(12)]
    live = next(c for c in customers if rollout_bucket(c.pk) < 50)
    control = next(c for c in customers if rollout_bucket(c.pk) >= 50)
    for customer in (live, control):
        received = receive(customer)
        handle_inbound(received.ticket.pk, received.message.pk)
    data = weekly_report_build(week=week_of(timezone.localdate())).data
    assert data["shadow"]["n"] == 1 and data["shadow"]["compared"] == 1
    assert 0 < data["shadow"]["agent_similarity"] <= 1
    assert data["rollout"]["live"]["n"] == 1 and data["rollout"]["control"]["n"] == 1
