"""Chat and portal messages: stored when "sent", shown on the customer's next visit, then marked opened."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

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
        OutreachMessage.objects.filter(pk=notice.pk).update(opened_at=now)
        audit_record(action="opened", message=notice, detail=f"{channel} notice shown")
    return notices


def portal_notices_show(*, customer) -> list[PortalNotice]:
    """The portal banner's notices for this customer (each shown once, recorded as opened)."""
    shown = notices_take(customer=customer, channel=Channel.PORTAL)
    return [PortalNotice(subject=notice.subject, body=notice.body) for notice in shown]
