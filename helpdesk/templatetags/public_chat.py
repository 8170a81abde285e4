"""{% public_chat as chat %}: the chat widget the help center and portal offer (None when there is none)."""

from __future__ import annotations

from django import template

from helpdesk.extensions import public_chat as offered_chat

register = template.Library()


@register.simple_tag
def public_chat():
    return offered_chat()
