"""Change capture for the daily report roll-up (report_rollup.py): which tickets a transaction changed.

Model signals (tickets, SLA states, surveys, messages, triage) mark the ticket; one on_commit
callback per transaction refreshes the roll-up rows of the days those tickets touch once the
transaction commits (a rollback discards the marks with everything else).
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from helpdesk.models import CsatSurvey, Message, Ticket, TicketSLA
from helpdesk.services.messages import counts_as_first_response
from helpdesk.services.report_rollup import rollup_after_migrate, rollup_refresh_tickets

logger = logging.getLogger(__name__)


class _Pending:
    """The on_commit callback of one transaction: the tickets it changed. Kept in Django's list of
    the connection's on_commit callbacks, so a rollback (of the transaction or of the savepoint
    that registered it) discards it with everything else."""

    def __init__(self) -> None:
        self.ticket_ids: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        try:
            rollup_refresh_tickets(self.ticket_ids)
        except Exception:  # the change is committed; the roll-up catches up on the next change or backfill
            logger.exception("report roll-up refresh failed for tickets %s", sorted(self.ticket_ids))


def _pending_callbacks() -> list[_Pending]:
    return [
        entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Pending) and not entry[1].done
    ]


def pending_ticket_ids() -> set[int]:
    """Tickets changed in this connection's open transaction: the roll-up refresh waits for its commit."""
    return {ticket_id for pending in _pending_callbacks() for ticket_id in pending.ticket_ids}


def rollup_mark(ticket_id: int | None) -> None:
    """Refresh the roll-up for this ticket once the current transaction commits."""
    if not ticket_id:
        return
    if not connection.in_atomic_block:  # autocommit: the change is already committed
        rollup_refresh_tickets([ticket_id])
        return
    callbacks = _pending_callbacks()
    if callbacks:
        callbacks[-1].ticket_ids.add(ticket_id)
        return
    pending = _Pending()
    pending.ticket_ids.add(ticket_id)
    transaction.on_commit(pending)


# Ticket fields the roll-up reads (facts_sql); a save limited to other fields (the last activity
# time, the search vector, a customer message's status bump...) cannot move a report figure.
REPORTED_TICKET_FIELDS = frozenset(
    {
        "created_at",
        "solved_at",
        "first_response_at",
        "team",
        "team_id",
        "assignee",
        "assignee_id",
        "channel",
        "merged_into",
        "merged_into_id",
    }
)


def _on_ticket(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not REPORTED_TICKET_FIELDS.intersection(update_fields):
        return
    rollup_mark(instance.pk)


def _on_related(sender, instance, **kwargs) -> None:
    rollup_mark(getattr(instance, "ticket_id", None))


def _on_message(sender, instance, created=False, **kwargs) -> None:
    # A message moves the roll-up only by setting the ticket's first response (through an update(),
    # which sends no signal): only a public agent or AI reply can (counts_as_first_response).
    if created and counts_as_first_response(
        author_kind=instance.author_kind,
        is_internal=instance.is_internal,
    ):
        rollup_mark(instance.ticket_id)


def register() -> None:
    triage = Ticket._meta.get_field("triage").related_model
    for signal in (post_save, post_delete):
        signal.connect(_on_ticket, sender=Ticket, dispatch_uid=f"report-rollup-ticket-{signal is post_save}")
        for model in (TicketSLA, CsatSurvey, triage):
            signal.connect(
                _on_related,
                sender=model,
                dispatch_uid=f"report-rollup-{model._meta.label}-{signal is post_save}",
            )
    post_save.connect(_on_message, sender=Message, dispatch_uid="report-rollup-message")
    post_migrate.connect(rollup_after_migrate, dispatch_uid="report-rollup-after-migrate")
