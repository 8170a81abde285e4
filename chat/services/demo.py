"""The demo's chat widget: one widget a customer walking the demo can try at /chat/demo/."""

from __future__ import annotations

from django.conf import settings

from chat.models import ChatWidget
from chat.selectors.widgets import DEMO_WIDGET_NAME

LOCAL_ORIGINS = ("http://localhost:8000", "http://127.0.0.1:8000")


def demo_origins() -> list[str]:
    origins = [settings.SITE_URL.rstrip("/").lower(), *LOCAL_ORIGINS]
    return list(dict.fromkeys(origin for origin in origins if origin))


def ensure_demo_widget(*, team=None) -> ChatWidget:
    """The demo widget, created once (AI first answer on, the local origins allowed); running it again
    only adds origins that are missing. Called by the demo loader."""
    widget, created = ChatWidget.objects.get_or_create(
        name=DEMO_WIDGET_NAME,
        defaults={
            "allowed_origins": "\n".join(demo_origins()),
            "ai_first_answer": True,
            "on_help_center": True,
            "team": team,
        },
    )
    missing = [origin for origin in demo_origins() if origin not in widget.origins]
    if not created and missing:
        widget.allowed_origins = "\n".join([*widget.origins, *missing])
        widget.save(update_fields=["allowed_origins"])
    return widget
