"""Incident mode: declare, link matching new tickets (answered with the note), tell each affected
customer once, close with an optional follow-up.

Matching: a keyword of the incident in the ticket's subject or first message, or the cosine
similarity of their embeddings (gateway.embeddings: local model, or the remote one on redacted
text) at or above the incident's threshold. Embeddings are computed outside any transaction.
"""

from __future__ import annotations

import logging

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.text import keyword_in
from gateway.embeddings import get_embedder
from helpdesk.models import Message, Ticket, TicketStatus
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add
from outreach.models import Channel, Incident, IncidentLink, IncidentNotice, OutreachEvent
from outreach.selectors import customers_matching, open_incidents
from outreach.services.audit import audit_record
from outreach.services.batches import Draft, batch_create, message_key

logger = logging.getLogger(__name__)


def _vector(text: str) -> tuple[bytes, str]:
    embedder = get_embedder()
    return np.asarray(embedder.embed_queries([text])[0], dtype=np.float32).tobytes(), embedder.name


def incident_text(incident: Incident) -> str:
    return "\n".join(
        part for part in (incident.title, incident.description, ", ".join(incident.keyword_list)) if part
    )


def incident_declare(
    *,
    title: str,
    customer_note: str,
    description: str = "",
    keywords: str = "",
    similarity_threshold: float = 0.45,
    audience_topic=None,
    follow_up_note: str = "",
    actor=None,
) -> Incident:
    """Declare an incident. With an audience topic, the customers with open tickets in it get the note
    in a batch an agent approves (each customer once)."""
    if not title.strip() or not customer_note.strip():
        raise ApplicationError("An incident needs a title and a note to customers.")
    if not 0 < similarity_threshold <= 1:
        raise ApplicationError("The similarity threshold is between 0 and 1.")
    incident = Incident(
        title=title.strip()[:200],
        customer_note=customer_note.strip(),
        description=description.strip(),
        keywords=keywords.strip(),
        similarity_threshold=similarity_threshold,
        audience_topic=audience_topic,
        follow_up_note=follow_up_note.strip(),
        declared_by=actor if getattr(actor, "pk", None) else None,
    )
    incident_embed(incident)
    with transaction.atomic():
        incident.save()
        audit_record(action="incident_declared", actor=actor, incident=incident, detail=incident.title)
    if audience_topic is not None:
        incident_notify_audience(incident=incident)
    return incident


def incident_embed(incident: Incident) -> None:
    """Fill the incident's vector (no save); without a usable model only keywords match."""
    try:
        incident.vector, incident.vector_model = _vector(incident_text(incident))
    except Exception as error:  # a missing model must not stop an incident from being declared
        logger.warning("incident %s not embedded, keywords only: %s", incident.title, error)
        incident.vector, incident.vector_model = None, ""


def incident_update(*, incident: Incident, actor=None) -> Incident:
    """Save an edited incident: its vector follows the new wording."""
    incident_embed(incident)
    with transaction.atomic():
        incident.save()
        audit_record(action="incident_changed", actor=actor, incident=incident, detail=incident.title)
    return incident


def incident_notify_audience(*, incident: Incident):
    """A batch (awaiting approval) telling the affected customers about the incident."""
    already = IncidentNotice.objects.filter(incident=incident, kind=IncidentNotice.Kind.NOTICE).values(
        "customer_id"
    )
    customers = customers_matching(topic_id=incident.audience_topic_id).exclude(pk__in=already)
    event, _created = OutreachEvent.objects.get_or_create(
        source="incident",
        key=f"incident:{incident.pk}",
        defaults={
            "event_type": "incident.opened",
            "status": OutreachEvent.Status.PROCESSED,
            "data": {"incident": incident.title},
        },
    )
    drafts = [
        Draft(
            customer,
            message_key(scope=f"incident:{incident.pk}", event_key="notice", customer_id=customer.pk),
            incident.title,
            incident.customer_note,
            False,
        )
        for customer in customers
    ]
    return batch_create(
        title=f"Incident: {incident.title}",
        channel=Channel.EMAIL,
        drafts=drafts,
        event=event,
        incident=incident,
        requires_approval=True,
    )


def ticket_text(ticket: Ticket) -> str:
    first = (
        ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER, is_internal=False)
        .order_by("seq")
        .first()
    )
    return f"{ticket.subject}\n{first.body_text if first else ''}".strip()


def incident_match(*, ticket: Ticket, incidents: list[Incident]) -> tuple[Incident, float | None, str] | None:
    """The best open incident for this ticket: (incident, similarity, matched keyword), or None."""
    text = ticket_text(ticket)
    best = None
    vector = None
    if any(i.vector for i in incidents):
        try:
            vector = np.frombuffer(_vector(text)[0], dtype=np.float32)
        except Exception as error:
            logger.warning("ticket %s not embedded, keywords only: %s", ticket.pk, error)
    for incident in incidents:
        keyword = next((k for k in incident.keyword_list if keyword_in(text, k)), "")
        similarity = None
        if vector is not None and incident.vector:
            other = np.frombuffer(bytes(incident.vector), dtype=np.float32)
            if other.shape == vector.shape:
                similarity = float(np.dot(vector, other))
        if not keyword and (similarity is None or similarity < incident.similarity_threshold):
            continue
        score = (1.0 if keyword else 0.0) + (similarity or 0.0)
        if best is None or score > best[0]:
            best = (score, incident, similarity, keyword)
    return None if best is None else best[1:]


def incident_link_ticket(*, ticket_id: int) -> IncidentLink | None:
    """Run for every new ticket (after commit): link it to the best matching open incident and answer
    it with the incident note, unless this customer was already told (then an internal note)."""
    incidents = list(open_incidents())
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if not incidents or ticket is None or ticket.status in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        return None
    found = incident_match(ticket=ticket, incidents=incidents)
    if found is None:
        return None
    incident, similarity, keyword = found
    with transaction.atomic():
        try:
            with transaction.atomic():
                link = IncidentLink.objects.create(
                    incident=incident,
                    ticket=ticket,
                    customer=ticket.requester,
                    similarity=similarity,
                    matched_keyword=keyword[:100],
                )
        except IntegrityError:
            return None  # linked before (a retried task)
        why = f"keyword “{keyword}”" if keyword else f"similarity {similarity:.2f}"
        audit_record(action="incident_linked", incident=incident, detail=f"ticket #{ticket.number} ({why})")
        if ticket.messages.filter(author_kind=Message.AuthorKind.AI, is_internal=False).exists():
            note_add(
                ticket=ticket,
                author_kind=Message.AuthorKind.SYSTEM,
                body_text=f"Linked to incident “{incident.title}”. The AI had answered already, "
                "so the incident note was not sent as a second reply.",
            )
            return link
        try:
            with transaction.atomic():
                IncidentNotice.objects.create(
                    incident=incident, customer=ticket.requester, via=f"ticket #{ticket.number}"
                )
        except IntegrityError:
            note_add(
                ticket=ticket,
                author_kind=Message.AuthorKind.SYSTEM,
                body_text=f"Linked to incident “{incident.title}”. "
                "The customer already has the incident note.",
            )
            return link
        reply_send(ticket=ticket, author_kind=Message.AuthorKind.SYSTEM, body_text=incident.customer_note)
        IncidentLink.objects.filter(pk=link.pk).update(answered=True)
        audit_record(action="incident_answered", incident=incident, detail=f"ticket #{ticket.number}")
    return link


def incident_answer_claim(*, ticket: Ticket) -> bool:
    """Asked (helpdesk.extensions.answer_claimed) before the AI answers a customer automatically: a
    ticket that matches an open incident gets the incident note, linked here first if the link task has
    not run yet, and no AI answer besides. Safe against the link task running at the same moment (the
    unique link decides; the loser waits for the winner's commit, then sees its link)."""
    open_links = IncidentLink.objects.filter(ticket=ticket, incident__status=Incident.Status.OPEN)
    if open_links.exists():
        return True
    if not open_incidents().exists():
        return False
    incident_link_ticket(ticket_id=ticket.pk)
    return open_links.exists()


def incident_close(*, incident: Incident, send_follow_up: bool = True, actor=None) -> int:
    """Close the incident; with a follow-up note, each linked customer gets it once on their latest
    linked ticket. Returns the number of follow-ups sent."""
    sent = 0
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status == Incident.Status.CLOSED:
            raise ApplicationError("The incident is closed already.")
        incident.status = Incident.Status.CLOSED
        incident.closed_at = timezone.now()
        incident.save(update_fields=["status", "closed_at"])
        audit_record(action="incident_closed", actor=actor, incident=incident)
        if not (send_follow_up and incident.follow_up_note.strip()):
            return 0
        latest: dict[int, IncidentLink] = {}
        for link in incident.links.select_related("ticket").order_by("linked_at", "pk"):
            latest[link.customer_id] = link
        for customer_id, link in latest.items():
            try:
                with transaction.atomic():
                    IncidentNotice.objects.create(
                        incident=incident,
                        customer_id=customer_id,
                        kind=IncidentNotice.Kind.FOLLOW_UP,
                        via=f"ticket #{link.ticket.number}",
                    )
            except IntegrityError:
                continue
            reply_send(
                ticket=link.ticket, author_kind=Message.AuthorKind.SYSTEM, body_text=incident.follow_up_note
            )
            audit_record(
                action="incident_follow_up",
                actor=actor,
                incident=incident,
                detail=f"ticket #{link.ticket.number}",
            )
            sent += 1
    return sent
