"""Batches: the messages one trigger makes for its audience, approved (or rejected) by an agent.

`batch_build` renders every message before anything is approved, so the agent previews exactly what
will leave. Each message carries an idempotency key (rule or incident + event + customer, unique in
the database): the same event twice, or a retried build, never makes a second message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from core.errors import ApplicationError
from helpdesk.models import Customer
from outreach.models import Incident, OutreachBatch, OutreachEvent, OutreachMessage, OutreachRule
from outreach.selectors import audience_for, is_suppressed
from outreach.services.audit import audit_record
from outreach.services.personalise import personalise
from outreach.services.templating import template_render


@dataclass(frozen=True)
class Draft:
    customer: Customer
    key: str
    subject: str
    body: str
    ai_personalised: bool


def message_key(*, scope: str, event_key: str, customer_id: int) -> str:
    return f"{scope}|{event_key}|customer:{customer_id}"[:300]


def drafts_for_rule(
    *, rule: OutreachRule, event: OutreachEvent, customers: Iterable[Customer]
) -> list[Draft]:
    """Render (and personalise) the rule's message for each customer that has none for this event yet.
    Runs outside any transaction: personalisation may call a model."""
    drafts = []
    for customer in customers:
        key = message_key(
            scope=f"rule:{rule.pk}", event_key=f"{event.event_type}:{event.key}", customer_id=customer.pk
        )
        if OutreachMessage.objects.filter(idempotency_key=key).exists():
            continue
        data = event.data or {}
        subject = (
            template_render(rule.subject_template, customer=customer, data=data)
            if rule.subject_template
            else ""
        )
        body = template_render(rule.body_template, customer=customer, data=data)
        personalised = False
        if rule.ai_personalise:
            body, personalised = personalise(text=body, customer_name=customer.name, data=data)
        drafts.append(Draft(customer, key, subject[:250], body, personalised))
    return drafts


@transaction.atomic
def batch_create(
    *,
    title: str,
    channel: str,
    drafts: list[Draft],
    rule: OutreachRule | None = None,
    event: OutreachEvent | None = None,
    incident: Incident | None = None,
    requires_approval: bool = True,
) -> OutreachBatch | None:
    """Store a batch of messages waiting for approval; None when every message existed already.
    Suppressed addresses are skipped now (and checked again when sending)."""
    batch = OutreachBatch.objects.create(
        title=title[:200], channel=channel, rule=rule, event=event, incident=incident
    )
    created = 0
    for draft in drafts:
        suppressed = is_suppressed(draft.customer.email)
        try:
            with transaction.atomic():
                message = OutreachMessage.objects.create(
                    batch=batch,
                    rule=rule,
                    customer=draft.customer,
                    channel=channel,
                    idempotency_key=draft.key,
                    subject=draft.subject,
                    body=draft.body,
                    ai_personalised=draft.ai_personalised,
                    status=OutreachMessage.Status.SKIPPED if suppressed else OutreachMessage.Status.PENDING,
                    skip_reason="suppressed (unsubscribed or on the suppression list)" if suppressed else "",
                )
        except IntegrityError:  # the same key made by a concurrent build: one message only
            continue
        created += 1
        if suppressed:
            audit_record(action="skipped", batch=batch, message=message, detail=message.skip_reason)
    if not created:
        batch.delete()
        return None
    audit_record(action="batch_created", batch=batch, incident=incident, detail=f"{created} message(s)")
    if not requires_approval:
        batch_approve(batch=batch, actor=None, actor_label="rule without approval step")
    return batch


@transaction.atomic
def batch_approve(*, batch: OutreachBatch, actor, actor_label: str = "") -> OutreachBatch:
    batch = OutreachBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != OutreachBatch.Status.PENDING:
        raise ApplicationError("Only a batch waiting for approval can be approved.")
    batch.status = OutreachBatch.Status.APPROVED
    batch.decided_at = timezone.now()
    batch.decided_by = actor if getattr(actor, "pk", None) else None
    batch.save(update_fields=["status", "decided_at", "decided_by"])
    count = batch.messages.filter(status=OutreachMessage.Status.PENDING).update(
        status=OutreachMessage.Status.SCHEDULED
    )
    audit_record(
        action="batch_approved",
        actor=actor,
        actor_label=actor_label,
        batch=batch,
        incident=batch.incident,
        detail=f"{count} message(s) scheduled",
    )
    batch_id = batch.pk
    transaction.on_commit(
        lambda: async_task("outreach.tasks.batch_send", batch_id, task_name=f"outreach-{batch_id}")
    )
    return batch


@transaction.atomic
def batch_reject(*, batch: OutreachBatch, actor, note: str = "") -> OutreachBatch:
    batch = OutreachBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != OutreachBatch.Status.PENDING:
        raise ApplicationError("Only a batch waiting for approval can be rejected.")
    batch.status = OutreachBatch.Status.REJECTED
    batch.decided_at = timezone.now()
    batch.decided_by = actor if getattr(actor, "pk", None) else None
    batch.decision_note = note[:300]
    batch.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    count = batch.messages.filter(status=OutreachMessage.Status.PENDING).update(
        status=OutreachMessage.Status.REJECTED
    )
    audit_record(
        action="batch_rejected",
        actor=actor,
        batch=batch,
        incident=batch.incident,
        detail=f"{count} message(s) rejected. {note}".strip(),
    )
    return batch


def rule_fire(
    *, rule: OutreachRule, event: OutreachEvent, customer_ids: Iterable[int]
) -> OutreachBatch | None:
    """One rule reacting to one event: its audience, its drafts, one batch (or None: nothing new)."""
    customers = audience_for(rule=rule, customer_ids=customer_ids)
    drafts = drafts_for_rule(rule=rule, event=event, customers=customers)
    if not drafts:
        return None
    title = f"{rule.name}: {event.event_type or event.source}"
    return batch_create(
        title=title,
        channel=rule.channel,
        drafts=drafts,
        rule=rule,
        event=event,
        requires_approval=rule.requires_approval,
    )
