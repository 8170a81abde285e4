"""Notices an app above chat wants a visitor to see when their widget next connects (outreach's
"chat message on next visit"). Chat only shows them: a provider registered here (by the app that owns
the notices, in its AppConfig.ready(); chat never imports it) hands over the customer's undelivered
notices, marking them delivered, and hears when the widget has shown one. Only a visitor whose
identity the host website signed gets notices: they are addressed to a customer, and an anonymous
visitor's placeholder customer has none. With no provider, or when it fails, there are none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VisitorNotice:
    id: int
    subject: str
    body: str


@dataclass(frozen=True)
class NoticeProvider:
    take: Callable[..., list[VisitorNotice]]  # take(customer=) -> undelivered notices, marked delivered
    seen: Callable[..., bool]  # seen(customer=, notice_id=) -> True when recorded as opened


_provider: NoticeProvider | None = None


def register_notice_provider(provider: NoticeProvider | None) -> None:
    """Set (or, with None, remove) the one source of visitor notices."""
    global _provider
    _provider = provider


def visitor_notice_frames(*, visitor) -> list[dict]:
    """The "notice" frames to send a visitor after hello (each notice once, ever)."""
    if _provider is None or not visitor.verified:
        return []
    try:
        notices = _provider.take(customer=visitor.customer)
    except Exception:  # a notice must never break the chat
        logger.exception("visitor notices failed")
        return []
    return [{"type": "notice", "id": n.id, "subject": n.subject, "body": n.body} for n in notices]


def visitor_notice_seen(*, visitor, notice_id: int) -> bool:
    """The widget showed the notice to the visitor (the panel was open)."""
    if _provider is None or not visitor.verified or not notice_id:
        return False
    try:
        return bool(_provider.seen(customer=visitor.customer, notice_id=notice_id))
    except Exception:
        logger.exception("visitor notice seen failed")
        return False
