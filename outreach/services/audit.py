"""The outreach audit trail: one row per decision and per message that left (or did not)."""

from __future__ import annotations

from outreach.models import OutreachAudit


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    batch=None,
    message=None,
    incident=None,
    detail: str = "",
) -> OutreachAudit:
    user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    label = actor_label or (actor.get_username() if user is not None else "system")
    return OutreachAudit.objects.create(
        action=action,
        actor=user,
        actor_label=label[:150],
        batch=batch,
        message=message,
        incident=incident,
        detail=detail[:4000],
    )
