"""Triage computes outside any transaction and applies in a short one: no row lock is held on the
ticket while the model answers; a rerun without a new message changes nothing; the apply step
records the audit events and fires the ticket hooks it should."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ai.models import TicketTriage
from ai.services.triage import ticket_triage_run
from core import hooks
from helpdesk.models import Ticket, TicketEvent
from helpdesk.services.tickets import ticket_create
from tests.fixtures.triage_helpers import make_taxonomy, set_threshold


def _row_lock_free(ticket_id: int) -> bool:
    """From this (other) thread's own connection: can the ticket row be locked right now?"""
    try:
        with transaction.atomic():
            Ticket.objects.select_for_update(nowait=True).filter(pk=ticket_id).exists()
        return True
    except DatabaseError:
        return False
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_llm_answers(customer, llm_peer):
    topics = make_taxonomy()
    set_threshold(0.3)
    ticket = ticket_create(requester=customer, subject="Help", body_text="Nothing works when I log in")
    observed: list[bool] = []

    def answer(request):
        observed.append(_row_lock_free(ticket.pk))  # runs in the peer's server thread
        return {"topic_id": topics["login"].pk, "confidence": 0.9, "reason": "Sign-in problem.",
                "urgency": "normal", "sentiment": "neutral", "language": "en"}  # fmt: skip

    llm_peer.reply_with(answer)

    triage = ticket_triage_run(ticket=ticket)

    assert observed == [True]  # the model was asked exactly once, and the ticket was not locked
    assert (triage.regime, triage.topic) == ("llm", topics["login"])


@pytest.mark.django_db
def test_apply_records_events_and_fires_the_update_hook_once(
    customer, django_capture_on_commit_callbacks, monkeypatch
):
    topics = make_taxonomy()
    set_threshold(0.3)
    fired: list[tuple[str, list[str]]] = []
    monkeypatch.setitem(hooks._registry, "ticket_updated",
                        [lambda *, ticket, changed: fired.append((ticket.pk, sorted(changed)))])  # fmt: skip
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")

    with django_capture_on_commit_callbacks(execute=True):
        ticket_triage_run(ticket=ticket)

    events = TicketEvent.objects.filter(ticket=ticket, actor_label="AI triage")
    assert set(events.values_list("field", flat=True)) == {"triage_topic", "team"}
    assert fired == [(ticket.pk, ["team"])]
    ticket.refresh_from_db()
    assert ticket.team == topics["shipping"].team


@pytest.mark.django_db
def test_a_rerun_without_a_new_message_changes_nothing(customer, django_capture_on_commit_callbacks):
    make_taxonomy()
    set_threshold(0.3)
    ticket = ticket_create(requester=customer, subject="Parcel", body_text="Where is my parcel?")
    first = ticket_triage_run(ticket=ticket)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = ticket_triage_run(ticket=ticket)

    assert again.pk == first.pk
    assert TicketTriage.objects.get(ticket=ticket).updated_at == first.updated_at
    assert TicketEvent.objects.filter(ticket=ticket).count() == events
    assert callbacks == []  # no hook, no broadcast
