import datetime as dt
import zoneinfo

import pytest

from core.business_time import BusinessCalendar, add_business_seconds, business_seconds_between
from helpdesk.models.sla import default_business_hours

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CAL = BusinessCalendar(time_zone="Europe/Berlin", hours=default_business_hours())


def local(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def test_within_one_day():
    assert add_business_seconds(local(2026, 3, 2, 10, 0), 3600, CAL) == local(2026, 3, 2, 11, 0)


def test_rolls_over_night_and_weekend():
    # Friday 16:00 + 2h business -> Monday 10:00
    assert add_business_seconds(local(2026, 3, 6, 16, 0), 7200, CAL) == local(2026, 3, 9, 10, 0)


def test_start_outside_hours_counts_from_opening():
    assert add_business_seconds(local(2026, 3, 7, 23, 0), 60, CAL) == local(2026, 3, 9, 9, 1)


def test_holiday_skipped():
    cal = BusinessCalendar(
        time_zone="Europe/Berlin", hours=default_business_hours(), holidays=frozenset({dt.date(2026, 3, 9)})
    )
    assert add_business_seconds(local(2026, 3, 6, 16, 0), 7200, cal) == local(2026, 3, 10, 10, 0)


def test_dst_change_day_uses_local_hours():
    # Europe switches to summer time on 2026-03-29 (Sunday); Monday hours stay 09:00-17:00 local.
    due = add_business_seconds(local(2026, 3, 27, 16, 30), 3600, CAL)
    assert due == local(2026, 3, 30, 9, 30)
    assert due.astimezone(BERLIN).utcoffset() == dt.timedelta(hours=2)


def test_between_is_inverse_of_add():
    start = local(2026, 3, 4, 15, 0)
    for seconds in (60, 3600, 8 * 3600, 30 * 3600):
        assert business_seconds_between(
            start, add_business_seconds(start, seconds, CAL), CAL
        ) == pytest.approx(seconds)


def test_twenty_four_seven():
    always = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    cal = BusinessCalendar(time_zone="UTC", hours=always)
    start = dt.datetime(2026, 3, 7, 22, 0, tzinfo=dt.UTC)
    assert add_business_seconds(start, 4 * 3600, cal) == start + dt.timedelta(hours=4)


def test_no_open_hours_is_clear_error():
    with pytest.raises(ValueError, match="no open hours"):
        add_business_seconds(local(2026, 3, 2, 10, 0), 60, BusinessCalendar(hours={}))


def test_is_open_follows_the_hours_up_to_midnight_and_skips_holidays():
    import datetime as dt

    from core.business_time import BusinessCalendar

    cal = BusinessCalendar(
        time_zone="Europe/Berlin",
        hours={"mon": [["20:00", "24:00"]], "tue": [["09:00", "17:00"]]},
        holidays=frozenset({dt.date(2026, 12, 8)}),
    )
    berlin = cal.tz
    assert cal.is_open(dt.datetime(2026, 11, 30, 21, 0, tzinfo=berlin))  # Monday evening
    assert not cal.is_open(dt.datetime(2026, 11, 30, 19, 59, tzinfo=berlin))
    assert cal.is_open(dt.datetime(2026, 12, 1, 9, 0, tzinfo=berlin))  # Tuesday opening
    assert not cal.is_open(dt.datetime(2026, 12, 1, 17, 0, tzinfo=berlin))  # closing is exclusive
    assert not cal.is_open(dt.datetime(2026, 12, 8, 10, 0, tzinfo=berlin))  # a holiday Tuesday
    assert cal.is_open(dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC))  # 09:30 in Berlin
