from __future__ import annotations

from helpdesk.models import TicketEvent


def actor_user(actor):
    """Services take `actor` as a User, an Agent, or None (system / customer / AI)."""
    if actor is None:
        return None
    return getattr(actor, "user", actor)


def event_record(*, ticket, actor, field: str, before, after, actor_label: str = "") -> TicketEvent | None:
    before_s = "" if before is None else str(before)
    after_s = "" if after is None else str(after)
    if before_s == after_s:
        return None
    user = actor_user(actor)
    label = actor_label or (user.get_username() if user is not None else "system")
    return TicketEvent.objects.create(
        ticket=ticket, actor=user, actor_label=label[:100], field=field, before=before_s, after=after_s
    )
