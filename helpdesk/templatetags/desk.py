"""Template filters for the agent desk."""

import html
from datetime import timedelta
from functools import lru_cache

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import avoid_wrapping, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk import extensions
from helpdesk.services.sla import sla_remaining

register = template.Library()


class _Unit:
    """Stands in for one of timesince's translated TIME_STRINGS: `unit % {"num": n}` gives "unit\0n",
    so timesince does its date arithmetic and the words are translated once per language and value
    (a lazy ngettext per call cost more than the arithmetic: ~25 per inbox page)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __mod__(self, values) -> str:
        return f"{self.name}\0{values['num']}"


_UNITS = {name: _Unit(name) for name in TIME_STRINGS}


def _span(d, now=None) -> str:
    """timesince(d, now, depth=1), e.g. '5\xa0minutes', with the words cached per language."""
    return _span_text(get_language(), timesince(d, now, depth=1, time_strings=_UNITS))


@lru_cache(maxsize=4096)
def _span_text(language: str | None, unit: str) -> str:
    # With depth=1 timesince joins one part: the part itself, as avoid_wrapping left it.
    name, _zero, num = unit.partition("\0")
    return avoid_wrapping(TIME_STRINGS[name] % {"num": int(num)})


@lru_cache(maxsize=4096)
def _ago_text(language: str | None, unit: str) -> str:
    return _("%(since)s ago") % {"since": _span_text(language, unit)}


@register.filter
def ago(value) -> str:
    """'5 minutes ago', '2 hours ago': one unit, short enough for a list column."""
    if not value:
        return ""
    return _ago_text(get_language(), timesince(value, depth=1, time_strings=_UNITS))


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
        label = _("overdue %(span)s") % {"span": _span(due, now)}
    else:
        label = _("in %(span)s") % {"span": _span(now, due)}
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


ID_SLOT = 987654321  # a route is reversed once with this id, then each call puts its own id in


def id_route(name: str) -> tuple[str, str]:
    """The URL of a route that takes one integer id, as the text before and after the id: reversed
    once per route, script prefix and URLconf (the inbox rows, the thread's files, ``id_url``)."""
    return _route(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _route(name: str, prefix: str, urlconf) -> tuple[str, str]:
    # `prefix` is part of the cache key: reverse() puts the current script prefix in front.
    before, _slot, after = reverse(name, args=[ID_SLOT], urlconf=urlconf).partition(str(ID_SLOT))
    return before, after


@register.simple_tag
def id_url(name: str, pk) -> str:
    """`{% url name pk %}` for a route that takes one integer id: reversed once (``id_route``) instead
    of once per link; the ticket page has ~20 such links."""
    if not isinstance(pk, int) or isinstance(pk, bool):
        return reverse(name, args=[pk])
    before, after = id_route(name)
    return f"{before}{pk}{after}"


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
