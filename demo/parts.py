"""The demo parts other apps contribute (the chat widget, voice-of-customer insights, outreach), as
DEMO_EXTENSIONS callables taking DemoData; each is idempotent, so loading twice changes nothing."""

from __future__ import annotations

from demo.data import DemoData


def load_chat_widget_demo(data: DemoData) -> None:
    from chat.services.demo import ensure_demo_widget
    from helpdesk.models import Team

    ensure_demo_widget(team=Team.objects.filter(name="Customer Care").first())


def load_insights_demo(data: DemoData) -> None:
    from demo import insights_demo

    insights_demo.load()


def load_outreach_demo(data: DemoData) -> None:
    from demo import outreach_demo

    outreach_demo.load()
