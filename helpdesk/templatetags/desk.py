"""Template filters for the agent desk."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value) -> str:
    """'5 minutes ago', '2 hours ago': one unit, short enough for a list column."""
    if not value:
        return ""
    return _("%(since)s ago") % {"since": timesince(value, depth=1)}


@register.inclusion_tag("desk/partials/sla_badge.html")
def sla_badge(ticket):
    """Countdown to the ticket's next SLA target: 'due in 2 hours', 'overdue 20 minutes' or 'paused'."""
    from django.core.exceptions import ObjectDoesNotExist

    from helpdesk.services.sla import sla_remaining

    try:
        state = ticket.sla
    except ObjectDoesNotExist:
        return {"state": None}
    remaining = sla_remaining(state)
    seconds = remaining["seconds"]
    if seconds is None:
        return {"state": None}
    now = timezone.now()
    due = now + timedelta(seconds=seconds)
    soon = seconds <= state.policy.breach_soon_minutes * 60 if state.policy_id else False
    return {
        "state": "paused"
        if remaining["paused"]
        else ("overdue" if seconds < 0 else ("soon" if soon else "ok")),
        "target": remaining["target"],
        "due": due,
        "span": timesince(due, now, depth=1) if seconds < 0 else timesince(now, due, depth=1),
    }
