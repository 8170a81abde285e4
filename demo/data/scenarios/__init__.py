"""Support conversations the demo threads are written from.

A scenario is one kind of request (where is my order, battery drains fast, invoice with VAT ID ...).
It has a few stories; a story is one coherent conversation, every turn written in English and
German. The loader picks a story per ticket with a seeded random generator and fills the slots
({order}, {model}, {carrier}, {tracking}, {invoice}, {amount}, {code}, {km}, {date}); greetings and
signatures vary by channel, so 300 tickets read like 300 different customers.
"""

from __future__ import annotations

from demo.data.scenarios.base import Scenario, Story, Text
from demo.data.scenarios.billing import BILLING
from demo.data.scenarios.care import CARE
from demo.data.scenarios.delivery import DELIVERY
from demo.data.scenarios.service import SERVICE_SCENARIOS
from demo.data.scenarios.workshop import WORKSHOP

__all__ = ["Scenario", "Story", "Text", "all_scenarios"]


def all_scenarios() -> tuple[Scenario, ...]:
    return (*DELIVERY, *CARE, *BILLING, *WORKSHOP, *SERVICE_SCENARIOS)
