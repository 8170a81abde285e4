"""What the help center and portal embed: the widget offered there, as helpdesk's PublicChat."""

from __future__ import annotations

from django.urls import reverse

from chat.selectors.widgets import help_center_widget
from helpdesk.extensions import PublicChat


def public_chat_offer() -> PublicChat | None:
    widget = help_center_widget()
    if widget is None:
        return None
    return PublicChat(widget_key=widget.key, script_url=reverse("chat:widget_js"))
