"""Template filters for the agent desk."""

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value) -> str:
    """'5 minutes ago', '2 hours ago': one unit, short enough for a list column."""
    if not value:
        return ""
    return _("%(since)s ago") % {"since": timesince(value, depth=1)}
