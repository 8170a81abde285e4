"""Quiet hours: outreach leaves only in the company's business hours (the default SLA policy's
calendar, else Monday to Friday 9-17 in TIME_ZONE). A message outside them waits for the next opening."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core.business_time import BusinessCalendar
from helpdesk.models import SLAPolicy
from helpdesk.models.sla import default_business_hours
from helpdesk.services.sla import calendar_for


def company_calendar() -> BusinessCalendar:
    policy = (
        SLAPolicy.objects.filter(is_active=True, teams__isnull=True)
        .prefetch_related("holidays")
        .order_by("pk")
        .first()
    )
    if policy is not None and BusinessCalendar(hours=policy.business_hours).has_open_hours():
        return calendar_for(policy)
    return BusinessCalendar(time_zone=settings.TIME_ZONE, hours=default_business_hours())


def next_open_moment(now: dt.datetime, cal: BusinessCalendar | None = None) -> dt.datetime:
    """`now` when the business is open, else the start of the next opening (UTC)."""
    cal = cal or company_calendar()
    day = now.astimezone(cal.tz).date()
    for offset in range(0, 370):
        for open_at, close_at in cal.intervals_on(day + dt.timedelta(days=offset)):
            if close_at > now:
                return max(open_at, now).astimezone(dt.UTC)
    return now  # a calendar with no opening in a year: do not hold messages forever
