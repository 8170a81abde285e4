"""AI test runs: the AI answers solved tickets in a sandbox. Nothing is sent, nothing changes on the
tickets (messages, status, events, redaction map), and a run can be repeated to compare."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from ai.models import AIInteraction, AISettings, TestRun, TestRunItem, TicketRedaction
from ai.services.sandbox import sandbox_run_create, sandbox_run_repeat
from core.errors import ApplicationError
from helpdesk.models import Message, TicketChannel, TicketEvent
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.delivery import reply_send
from helpdesk.services.tickets import ticket_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
QUESTION = "Hi, I'm Casey (casey@example.com). How long is the password reset link valid?"
AGENT_REPLY = "Hello! The reset link is valid for 24 hours. Check your spam folder if it does not arrive."


@pytest.fixture(autouse=True)
def _low_threshold(db):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()


@pytest.fixture
def solved_ticket(customer, agent, help_center):
    ticket = conversation_receive(
        channel=TicketChannel.WEB, sender=customer, subject="Reset", body_text=QUESTION
    ).ticket
    reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text=AGENT_REPLY)
    return ticket_transition(ticket=ticket, to_status="solved", actor=agent.user)


def snapshot(ticket):
    ticket.refresh_from_db()
    return (
        model_to_dict(ticket, exclude=["search_vector", "tags"]),
        [model_to_dict(m) for m in Message.objects.filter(ticket=ticket).order_by("seq")],
        list(TicketEvent.objects.filter(ticket=ticket).values_list("id", "field", "after")),
        TicketRedaction.objects.filter(ticket=ticket).count(),
        AIInteraction.objects.filter(ticket=ticket).count(),
    )


def test_a_test_run_changes_nothing_on_the_real_ticket(
    solved_ticket, admin_agent, mailoutbox, django_capture_on_commit_callbacks
):
    before = snapshot(solved_ticket)
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (synchronously in tests)
        run = sandbox_run_create(name="Before launch", ticket_ids=[solved_ticket.pk], agent=admin_agent)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert snapshot(solved_ticket) == before
    assert mailoutbox == []
    [item] = run.items.all()
    assert item.decision == "answered" and "24 hours" in item.answer
    assert item.agent_reply == AGENT_REPLY and 0 < item.similarity <= 1
    assert "casey@example.com" not in item.question  # the question is shown redacted
    with django_capture_on_commit_callbacks(execute=True):
        again = sandbox_run_repeat(run=run, agent=admin_agent)
    assert again.repeat_of == run and again.items.count() == 1
    assert snapshot(solved_ticket) == before


def test_only_solved_tickets_are_tested(customer, help_center):
    open_ticket = conversation_receive(
        channel=TicketChannel.WEB, sender=customer, subject="Q", body_text=QUESTION
    ).ticket
    with pytest.raises(ApplicationError):
        sandbox_run_create(name="x", ticket_ids=[open_ticket.pk])
    assert not TestRun.objects.exists()


def test_test_run_pages(solved_ticket, admin_agent, agent, client, django_capture_on_commit_callbacks):
    client.force_login(admin_agent.user)
    assert client.get(reverse("ai:testrun_list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        queued = client.post(
            reverse("ai:testrun_create"), {"name": "Queued", "numbers": str(solved_ticket.number)}
        )
    waiting = client.get(queued.url).content.decode()
    assert "Running: 0 of 1" in waiting and 'http-equiv="refresh"' in waiting
    TestRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ai:testrun_create"), {"name": "Launch check", "numbers": str(solved_ticket.number)}
        )
    run = TestRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("ai:testrun_detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert AGENT_REPLY in page and "24 hours" in page
    assert "<script>" not in page and 'style="' not in page  # strict CSP: no inline script or style
    item = TestRunItem.objects.get()
    client.post(reverse("ai:testrun_item_grade", args=[run.pk, item.pk]), {"grade": "correct"})
    item.refresh_from_db()
    assert item.grade == "correct"
    client.force_login(agent.user)  # not an admin
    assert client.get(reverse("ai:testrun_list")).status_code == 403
