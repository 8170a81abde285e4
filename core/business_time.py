"""Business-time arithmetic for SLAs: weekly opening hours, holidays and a time zone. Pure functions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS_SCANNED = 3 * 366  # a calendar with no open hours at all must not loop forever


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "UTC"
    hours: dict = field(default_factory=dict)  # {"mon": [["09:00", "17:00"]], ...}
    holidays: frozenset = frozenset()  # set of datetime.date

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Open intervals of a local calendar day, as aware datetimes (DST handled by zoneinfo)."""
        if day in self.holidays:
            return []
        result = []
        for start_s, end_s in self.hours.get(WEEKDAYS[day.weekday()], []):
            start = _at(day, start_s, self.tz)
            end = _at(day, end_s, self.tz)
            if end > start:
                result.append((start, end))
        return sorted(result)

    def has_open_hours(self) -> bool:
        return any(self.hours.get(d) for d in WEEKDAYS)

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether `moment` (aware) falls in an open interval (yesterday's hours may run past midnight)."""
        local = moment.astimezone(self.tz)
        days = (local.date() - dt.timedelta(days=1), local.date())
        return any(start <= local < end for day in days for start, end in self.intervals_on(day))


def _at(day: dt.date, hhmm: str, tz) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if hours == 24:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=tz)


def _days_from(start: dt.datetime, cal: BusinessCalendar) -> Iterable[dt.date]:
    day = start.astimezone(cal.tz).date()
    for offset in range(-1, MAX_DAYS_SCANNED):
        yield day + dt.timedelta(days=offset)


def add_business_seconds(start: dt.datetime, seconds: float, cal: BusinessCalendar) -> dt.datetime:
    """The moment when `seconds` of business time have passed after `start`."""
    if seconds <= 0:
        return start
    if not cal.has_open_hours():
        raise ValueError("The business calendar has no open hours.")
    remaining = dt.timedelta(seconds=seconds)
    for day in _days_from(start, cal):
        for open_at, close_at in cal.intervals_on(day):
            if close_at <= start:
                continue
            begin = max(open_at, start)
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
    raise ValueError("No business time found within three years (are all days holidays?).")


def business_seconds_between(start: dt.datetime, end: dt.datetime, cal: BusinessCalendar) -> float:
    """Business seconds in [start, end); negative when end is before start."""
    if end < start:
        return -business_seconds_between(end, start, cal)
    total = 0.0
    for day in _days_from(start, cal):
        if dt.datetime.combine(day, dt.time(0, 0), tzinfo=cal.tz) > end:
            break
        for open_at, close_at in cal.intervals_on(day):
            begin, finish = max(open_at, start), min(close_at, end)
            if finish > begin:
                total += (finish - begin).total_seconds()
    return total
