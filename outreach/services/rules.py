"""Rules are written here (the admin calls it): templates checked, every change audited."""

from __future__ import annotations

from django.db import transaction

from core.errors import ApplicationError
from outreach.models import AudienceKind, OutreachRule, TriggerKind
from outreach.services.audit import audit_record
from outreach.services.templating import template_check


def rule_check(rule: OutreachRule) -> None:
    template_check(rule.subject_template)
    template_check(rule.body_template)
    if not rule.body_template.strip():
        raise ApplicationError("A rule needs a message template.")
    if rule.trigger == TriggerKind.EVENT and not rule.event_type.strip():
        raise ApplicationError("An event rule needs the event type it reacts to.")
    if (
        rule.trigger == TriggerKind.EVENT
        and rule.audience == AudienceKind.FILTER
        and not (rule.audience_topic_id or rule.audience_tier or rule.audience_open_ticket)
    ):
        raise ApplicationError("A filtered audience needs at least one filter (it would be every customer).")


@transaction.atomic
def rule_save(*, rule: OutreachRule, actor=None) -> OutreachRule:
    rule_check(rule)
    created = rule.pk is None
    rule.save()
    audit_record(action="rule_created" if created else "rule_changed", actor=actor, detail=rule.name)
    return rule
