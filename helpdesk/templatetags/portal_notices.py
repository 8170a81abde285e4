"""{% portal_notices as notices %}: what a signed-in customer is told once at the top of a portal page
(outreach's banner: e.g. "your order is running late"); [] for a visitor who is not signed in."""

from __future__ import annotations

from django import template

from helpdesk.extensions import portal_notices as offered_notices
from helpdesk.selectors.portal import portal_customer

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_notices(context):
    request = context.get("request")
    if request is None:
        return []
    return offered_notices(customer=portal_customer(request))
