"""Demo data: `manage.py load_demo` fills an empty desk with Northwind Bikes, a small e-bike shop
(3 teams, 5 agents, 40 customers, 300 tickets with two months of history, 8 macros, 12 topics,
4 routing rules, 3 SLA policies with business hours, CSAT answers, AI triage and agents' corrections).

Extension point for other apps
------------------------------
Apps add their own demo content (knowledge articles, AI settings, ...) by appending a callable to
``DEMO_EXTENSIONS`` in their ``AppConfig.ready()``::

    def ready(self):
        from demo.data import DEMO_EXTENSIONS
        from demo.knowledge import load_knowledge_demo

        DEMO_EXTENSIONS.append(load_knowledge_demo)

Each callable receives a :class:`DemoData` and runs once, synchronously, right after the helpdesk demo
is written and inside the same transaction: if it raises, the whole demo is rolled back and the next
``load_demo`` tries again. Extensions run in the order they were appended. They should create their
rows through their app's services, like the helpdesk demo does. Their ``transaction.on_commit``
callbacks (e.g. queueing embeddings) run normally when the demo commits; the helpdesk demo's own
callbacks (live broadcasts, AI hooks for back-dated tickets) are deliberately dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpdesk.models import Agent, Customer, Team, Ticket


@dataclass
class DemoData:
    """What the helpdesk demo created, handed to every extension."""

    company_name: str
    teams: dict[str, Team] = field(default_factory=dict)  # by slug: customer-care, billing, workshop
    agents: dict[str, Agent] = field(default_factory=dict)  # by username: admin, alice, bruno, chen, dana
    customers: list[Customer] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)  # in creation order


DEMO_EXTENSIONS: list[Callable[[DemoData], Any]] = []
