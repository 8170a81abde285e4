"""Named extension points so other apps (AI, CSAT, SLAs, webhooks) react to ticketing events
without the ticketing core importing them. Apps register in their AppConfig.ready().

Each hook runs after the surrounding transaction commits, so a hook never sees rolled-back data.
Hooks: "customer_message_posted"(ticket, message), "agent_message_posted"(ticket, message),
"ticket_created"(ticket), "ticket_solved"(ticket), "ticket_updated"(ticket, changed: list[str]).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)
_registry: dict[str, list[Callable]] = defaultdict(list)


def register(name: str, func: Callable) -> None:
    if func not in _registry[name]:
        _registry[name].append(func)


def run_hooks(name: str, **kwargs) -> None:
    for func in list(_registry.get(name, ())):
        transaction.on_commit(lambda func=func: _safe_call(name, func, kwargs))


def _safe_call(name: str, func: Callable, kwargs: dict) -> None:
    try:
        func(**kwargs)
    except Exception:  # a failing side effect must never break the write that triggered it
        logger.exception("hook %s -> %s failed", name, getattr(func, "__qualname__", func))
