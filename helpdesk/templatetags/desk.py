"""Template filters for the agent desk."""

import html
from datetime import timedelta

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from helpdesk import extensions
from helpdesk.services.sla import sla_remaining

register = template.Library()


@register.filter
def ago(value) -> str:
    """'5 minutes ago', '2 hours ago': one unit, short enough for a list column."""
    if not value:
        return ""
    return _("%(since)s ago") % {"since": timesince(value, depth=1)}


@register.simple_tag
def sla_badge(ticket) -> str:
    """Countdown to the ticket's next SLA target: 'in 2 hours', 'overdue 20 minutes' or 'paused'.
    Built with format_html rather than a sub-template: it renders once per inbox row."""
    try:
        state = ticket.sla
    except ObjectDoesNotExist:
        return ""
    remaining = sla_remaining(state)
    seconds = remaining["seconds"]
    if seconds is None:
        return ""
    if remaining["paused"]:
        return format_html(
            '<span class="sla sla-paused" title="{}">{}</span>',
            _("SLA clock paused while waiting for the customer"),
            _("paused"),
        )
    now = timezone.now()
    due = now + timedelta(seconds=seconds)
    soon = state.policy_id is not None and seconds <= state.policy.breach_soon_minutes * 60
    kind = "overdue" if seconds < 0 else ("soon" if soon else "ok")
    if seconds < 0:
        label = _("overdue %(span)s") % {"span": timesince(due, now, depth=1)}
    else:
        label = _("in %(span)s") % {"span": timesince(now, due, depth=1)}
    what = _("First response due") if remaining["target"] == "first_response" else _("Resolution due")
    local_due = timezone.localtime(due)
    return format_html(
        '<time class="sla sla-{}" datetime="{}" title="{} {}">{}</time>',
        kind,
        due.isoformat(),
        what,
        date_format(local_due, "DATETIME_FORMAT"),
        label,
    )


@register.simple_tag
def desk_sections() -> list:
    """Top-bar sections other apps registered (chat queue, email quarantine), in their order."""
    return extensions.desk_sections()


@register.simple_tag
def assignee_options(agents, assignee_id, me_id) -> SafeString:
    """The sidebar's assignee <option>s for (pk, name) pairs: the assignee selected, the viewing agent
    marked "(me)". One string per select instead of a template loop over every agent."""
    me = html.escape(_("me"))
    return mark_safe(  # noqa: S308 - every name escaped
        "".join(
            f'<option value="{pk}" {"selected" if pk == assignee_id else ""}>{html.escape(str(name))}'
            f"{f' ({me})' if pk == me_id else ''}</option>"
            for pk, name in agents
        )
    )
