"""Chat and portal messages: stored when "sent", shown on the customer's next visit, then marked opened.

Portal: the banner shows a notice once and counts it opened. Chat: the widget of a visitor whose
identity the host website signed (chat.services.notices) receives the customer's notices when it
connects, each exactly once (delivered); the widget reports when the visitor saw one (opened)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chat.services.notices import VisitorNotice
from helpdesk.extensions import PortalNotice
from outreach.models import Channel, OutreachMessage
from outreach.selectors import notices_for
from outreach.services.audit import audit_record


@transaction.atomic
def notices_take(*, customer, channel: str, limit: int = 5) -> list[OutreachMessage]:
    """The customer's unseen notices of a channel, marked opened now (shown once)."""
    notices = list(
        notices_for(customer=customer, channel=channel).select_for_update(skip_locked=True)[:limit]
    )
    now = timezone.now()
    for notice in notices:
        OutreachMessage.objects.filter(pk=notice.pk).update(delivered_at=now, opened_at=now)
        audit_record(action="opened", message=notice, detail=f"{channel} notice shown")
    return notices


def portal_notices_show(*, customer) -> list[PortalNotice]:
    """The portal banner's notices for this customer (each shown once, recorded as opened)."""
    shown = notices_take(customer=customer, channel=Channel.PORTAL)
    return [PortalNotice(subject=notice.subject, body=notice.body) for notice in shown]


@transaction.atomic
def chat_notices_deliver(*, customer, limit: int = 5) -> list[VisitorNotice]:
    """The customer's undelivered chat notices, oldest first, marked delivered now: a second widget
    connecting at the same moment skips the locked rows, so each notice reaches one widget once."""
    notices = list(
        OutreachMessage.objects.filter(
            customer=customer,
            channel=Channel.CHAT,
            status=OutreachMessage.Status.SENT,
            delivered_at__isnull=True,
        )
        .select_for_update(skip_locked=True)
        .order_by("sent_at", "pk")[:limit]
    )
    now = timezone.now()
    for notice in notices:
        OutreachMessage.objects.filter(pk=notice.pk).update(delivered_at=now)
        audit_record(action="delivered", message=notice, detail="chat notice sent to the visitor's widget")
    return [VisitorNotice(id=n.pk, subject=n.subject, body=n.body) for n in notices]


@transaction.atomic
def chat_notice_opened(*, customer, notice_id: int) -> bool:
    """The visitor's widget showed a delivered chat notice: opened (once; another customer's id or an
    undelivered one changes nothing)."""
    updated = OutreachMessage.objects.filter(
        pk=notice_id,
        customer=customer,
        channel=Channel.CHAT,
        delivered_at__isnull=False,
        opened_at__isnull=True,
    ).update(opened_at=timezone.now())
    if updated:
        notice = OutreachMessage.objects.select_related("batch").get(pk=notice_id)
        audit_record(action="opened", message=notice, detail="chat notice shown in the widget")
    return bool(updated)
