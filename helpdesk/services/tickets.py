"""Every write to a ticket: create, transition, assign, update, merge, bulk."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, TransitionNotAllowed
from core.hooks import run_hooks
from helpdesk.events import broadcast_ticket_changed
from helpdesk.models import (
    Agent,
    Attachment,
    Customer,
    Message,
    Tag,
    Team,
    Ticket,
    TicketChannel,
    TicketPriority,
    TicketStatus,
)
from helpdesk.selectors.access import ticket_access
from helpdesk.services.audit import event_record
from helpdesk.services.messages import message_append
from helpdesk.services.sla import sla_refresh, sla_start

S = TicketStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.OPEN, S.PENDING, S.ON_HOLD, S.SOLVED, S.CLOSED}),
    S.OPEN: frozenset({S.PENDING, S.ON_HOLD, S.SOLVED, S.CLOSED}),
    S.PENDING: frozenset({S.OPEN, S.ON_HOLD, S.SOLVED, S.CLOSED}),
    S.ON_HOLD: frozenset({S.OPEN, S.PENDING, S.SOLVED, S.CLOSED}),
    S.SOLVED: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset(),  # final: a new customer reply makes a follow-up ticket
}


def next_ticket_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('helpdesk_ticket_number_seq')")
        return cursor.fetchone()[0]


def ticket_create(
    *,
    requester: Customer,
    subject: str,
    body_html: str = "",
    body_text: str = "",
    channel: str = TicketChannel.WEB,
    priority: str = TicketPriority.NORMAL,
    team: Team | None = None,
    assignee: Agent | None = None,
    tags: Iterable[str] = (),
    language: str = "",
    raw: str = "",
    actor=None,
    actor_label: str = "",
    follow_up_of: Ticket | None = None,
    email_message_id: str = "",
    attachments: Iterable = (),
) -> Ticket:
    """The ticket row: number, audit, tags, SLA clock. No hooks and no decisions: customers' tickets
    are opened by `conversation.conversation_receive`, which calls this. The optional opening message
    (body_*, raw, attachments) is appended with `message_append`, for fixtures and data loads only.

    Atomic, without a savepoint of its own inside the caller's transaction (the front door's): the
    arguments are checked before anything is written, and a failure past that point fails the
    caller's transaction anyway. The ticket returned is the row as written (no read back); its
    search vector is left unread (it loads on access)."""
    subject = (subject or "").strip()[:300] or _("(no subject)")
    if priority not in TicketPriority.values:
        raise ApplicationError(_("Unknown priority: %(p)s") % {"p": priority})
    if channel not in TicketChannel.values:
        raise ApplicationError(_("Unknown channel: %(c)s") % {"c": channel})
    with transaction.atomic(savepoint=False):
        ticket = Ticket.objects.create(
            number=next_ticket_number(),
            subject=subject,
            channel=channel,
            priority=priority,
            requester=requester,
            team=team,
            assignee=assignee,
            language=language or requester.language,
            follow_up_of=follow_up_of,
            # the subject's words, in the INSERT (the same vector as SearchVector("subject") after it)
            search_vector=SearchVector(Value(subject), config="simple", weight="A"),
        )
        del ticket.search_vector  # an expression until read: deferred, loads on access
        # No actor and no label: the requester opened it (web form, email, portal).
        actor_label = actor_label or ("" if actor is not None else "customer")
        event_record(
            ticket=ticket, actor=actor, field="created", before="", after=channel, actor_label=actor_label
        )
        if tags:
            ticket_set_tags(ticket=ticket, tags=tags, actor=actor, actor_label=actor_label)
            ticket.refresh_from_db(fields=["updated_at"])  # set by ticket_set_tags
        if body_html or body_text or raw or attachments:
            message_append(  # the ticket was created in this transaction: its counters update in place
                ticket=ticket, author_kind=Message.AuthorKind.CUSTOMER, author_customer=requester,
                body_html=body_html, body_text=body_text, raw=raw, email_message_id=email_message_id,
                attachments=attachments,
            )  # fmt: skip
        broadcast_ticket_changed(ticket=ticket, kind="ticket_created")
        sla_start(ticket=ticket)
    return ticket


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


@transaction.atomic
def ticket_transition(*, ticket: Ticket, to_status: str, actor=None, actor_label: str = "") -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if to_status not in TicketStatus.values:
        raise TransitionNotAllowed(_("Unknown status: %(s)s") % {"s": to_status})
    if ticket.status == to_status:
        return ticket
    if not transition_allowed(ticket.status, to_status):
        raise TransitionNotAllowed(
            _("A ticket cannot go from %(a)s to %(b)s.") % {"a": ticket.get_status_display(), "b": to_status},
            {"from": ticket.status, "to": to_status},
        )
    before = ticket.status
    ticket.status = to_status
    now = timezone.now()
    if to_status == S.SOLVED:
        ticket.solved_at = now
    elif to_status == S.OPEN:
        ticket.solved_at = None
    ticket.save(update_fields=["status", "solved_at", "updated_at"])
    event_record(
        ticket=ticket, actor=actor, field="status", before=before, after=to_status, actor_label=actor_label
    )
    broadcast_ticket_changed(ticket=ticket, kind="status", extra={"from": before})
    sla_refresh(ticket=ticket)
    run_hooks("ticket_updated", ticket=ticket, changed=["status"])
    if to_status == S.SOLVED:
        run_hooks("ticket_solved", ticket=ticket)
    return ticket


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor=None,
    status: str | None = None,
    priority: str | None = None,
    assignee: Agent | None | object = ...,
    team: Team | None | object = ...,
    tags: Iterable[str] | None = None,
    subject: str | None = None,
    actor_label: str = "",
) -> Ticket:
    """Change any of the editable properties; each change is audited and broadcast once."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous_team_id = ticket.team_id
    changed: list[str] = []
    if subject is not None and subject.strip() and subject.strip() != ticket.subject:
        event_record(
            ticket=ticket, actor=actor, field="subject", before=ticket.subject, after=subject.strip(),
            actor_label=actor_label,
        )  # fmt: skip
        ticket.subject = subject.strip()[:300]
        changed.append("subject")
    if priority is not None and priority != ticket.priority:
        if priority not in TicketPriority.values:
            raise ApplicationError(_("Unknown priority: %(p)s") % {"p": priority})
        event_record(ticket=ticket, actor=actor, field="priority", before=ticket.priority, after=priority,
                     actor_label=actor_label)  # fmt: skip
        ticket.priority = priority
        changed.append("priority")
    if team is not ... and (team.pk if team else None) != ticket.team_id:
        event_record(ticket=ticket, actor=actor, field="team", before=ticket.team or "", after=team or "",
                     actor_label=actor_label)  # fmt: skip
        ticket.team = team
        changed.append("team")
    if assignee is not ... and (assignee.pk if assignee else None) != ticket.assignee_id:
        event_record(ticket=ticket, actor=actor, field="assignee", before=ticket.assignee or "",
                     after=assignee or "", actor_label=actor_label)  # fmt: skip
        ticket.assignee = assignee
        changed.append("assignee")
    if changed:
        ticket.save(update_fields=[*changed, "updated_at"])
        if {"priority", "team"} & set(changed):
            sla_refresh(ticket=ticket)
    if tags is not None:
        ticket_set_tags(ticket=ticket, tags=tags, actor=actor, actor_label=actor_label)
    if status is not None and status != ticket.status:
        ticket = ticket_transition(ticket=ticket, to_status=status, actor=actor, actor_label=actor_label)
    elif changed:
        broadcast_ticket_changed(ticket=ticket, kind="updated", previous_team_id=previous_team_id)
    if changed:
        run_hooks("ticket_updated", ticket=ticket, changed=changed)
    if changed and "subject" in changed:
        ticket_reindex_search(ticket=ticket)
    return ticket


def ticket_assign(
    *, ticket: Ticket, assignee: Agent | None = ..., team: Team | None = ..., actor=None, actor_label=""
):
    return ticket_update(ticket=ticket, assignee=assignee, team=team, actor=actor, actor_label=actor_label)


def normalize_tag(name: str) -> str:
    return "-".join(name.strip().lower().split())[:50]


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, tags: Iterable[str], actor=None, actor_label: str = "") -> None:
    wanted = sorted({normalize_tag(t) for t in tags if normalize_tag(t)})
    current = sorted(ticket.tags.values_list("name", flat=True))
    if wanted == current:
        return
    tag_objs = [Tag.objects.get_or_create(name=name)[0] for name in wanted]
    ticket.tags.set(tag_objs)
    event_record(
        ticket=ticket, actor=actor, field="tags", before=", ".join(current), after=", ".join(wanted),
        actor_label=actor_label,
    )  # fmt: skip
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    broadcast_ticket_changed(ticket=ticket, kind="updated")


def ticket_reindex_search(*, ticket: Ticket) -> None:
    """Rebuild the full-text vector of a ticket from its subject and all its messages."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE helpdesk_ticket t SET search_vector =
                setweight(to_tsvector('simple', t.subject), 'A') ||
                coalesce((SELECT tsvector_agg FROM (
                    SELECT to_tsvector('simple', string_agg(m.body_text, ' ')) AS tsvector_agg
                    FROM helpdesk_message m WHERE m.ticket_id = t.id) x), ''::tsvector)
            WHERE t.id = %s
            """,
            [ticket.pk],
        )


class MergeNeedsConfirmation(ApplicationError):
    """The two tickets have different requesters: merging needs an agent's explicit confirmation."""


@transaction.atomic
def ticket_merge(
    *, source: Ticket, target: Ticket, actor=None, allow_other_requester: bool = False
) -> Ticket:
    """Move every message of `source` into `target`; `source` is closed and points to the survivor.

    Tickets of different requesters merge only when an agent confirms (`allow_other_requester`);
    then the moved messages become internal notes on the survivor, so its requester never sees the
    other customer's words or files in the portal (agents still see the whole history).
    """
    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be merged into itself."))
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .select_related("requester")
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id:
        raise ApplicationError(_("Ticket #%(n)s is already merged.") % {"n": source.number})
    if target.status == S.CLOSED:
        raise ApplicationError(_("Cannot merge into a closed ticket."))
    other_requester = source.requester_id != target.requester_id
    if other_requester and not allow_other_requester:
        raise MergeNeedsConfirmation(
            _(
                "Ticket #%(t)s belongs to another customer (%(who)s). Confirm to merge anyway: "
                "the messages of #%(s)s then become internal notes there."
            )
            % {"t": target.number, "who": target.requester.email, "s": source.number},
            extra={"code": "other_requester", "target_requester": target.requester_id},
        )
    moved = list(Message.objects.filter(ticket=source).order_by("seq").values_list("pk", flat=True))
    offset = target.message_count
    # Two steps so the (ticket, seq) unique constraint never sees a clash mid-update.
    for index, message_id in enumerate(moved, start=1):
        Message.objects.filter(pk=message_id).update(ticket=target, seq=offset + index)
    if other_requester:
        Message.objects.filter(pk__in=moved).update(is_internal=True)
        # Files that hang on no message stay with the source ticket: nobody's portal shows them.
        Attachment.objects.filter(ticket=source, message__isnull=False).update(ticket=target)
    else:
        Attachment.objects.filter(ticket=source).update(ticket=target)
    target.message_count = offset + len(moved)
    target.save(update_fields=["message_count", "updated_at"])
    source.merged_into = target
    source.message_count = 0
    source.status = S.CLOSED
    source.save(update_fields=["merged_into", "message_count", "status", "updated_at"])
    event_record(ticket=source, actor=actor, field="merged_into", before="", after=f"#{target.number}")
    after = f"#{source.number}" + (
        f" ({source.requester.email}, as internal notes)" if other_requester else ""
    )
    event_record(ticket=target, actor=actor, field="merged_from", before="", after=after)
    ticket_reindex_search(ticket=target)
    ticket_reindex_search(ticket=source)
    broadcast_ticket_changed(ticket=source, kind="merged", extra={"into": target.id})
    broadcast_ticket_changed(ticket=target, kind="updated")
    return target


@transaction.atomic
def tickets_bulk_update(*, user, ticket_ids: Iterable[int], **changes) -> list[Ticket]:
    """Bulk actions go through the same access check and the same service as single edits."""
    updated = []
    for ticket_id in sorted(set(ticket_ids)):
        ticket = ticket_access(user=user, ticket_id=ticket_id)
        updated.append(ticket_update(ticket=ticket, actor=user, **changes))
    return updated
