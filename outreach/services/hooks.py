"""Reactions registered in OutreachConfig.ready(): new tickets meet the open incidents; a theme spike
(fired by the voice-of-customer analysis with core.hooks.run_hooks) meets the theme-spike rules."""

from __future__ import annotations

from django_q.tasks import async_task

from outreach.selectors import any_incident_open
from outreach.services.triggers import theme_spike_fire

THEME_SPIKE_HOOK = "theme_spiked"


def on_ticket_created(ticket) -> None:
    if any_incident_open():
        async_task("outreach.tasks.incident_link", ticket.pk, task_name=f"incident-link-{ticket.pk}")


def on_theme_spiked(*, theme_key: str, label: str, period: str, customer_ids=(), data=None) -> None:
    """Fired as run_hooks("theme_spiked", theme_key=..., label=..., period="2026-W49",
    customer_ids=[...], data={...})."""
    theme_spike_fire(theme_key=theme_key, label=label, period=period, customer_ids=customer_ids, data=data)
