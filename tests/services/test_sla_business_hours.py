"""Business-hours arithmetic: weekends, public holidays, evenings, DST."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from services.operations.business_hours import (BusinessCalendar, add_business_minutes,
                                     business_minutes_between)

B = ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime(*args, tzinfo=B)


def as_berlin(moment):
    return moment.astimezone(B).replace(tzinfo=None)


def test_within_one_day():
    assert as_berlin(add_business_minutes(berlin(2026, 3, 10, 9, 0), 120)) == datetime(2026, 3, 10, 11, 0)


def test_friday_afternoon_runs_over_the_weekend():
    # Fri 16:00 + 4 h = 1 h Friday, 3 h Monday -> Mon 11:00
    assert as_berlin(add_business_minutes(berlin(2026, 3, 13, 16, 0), 240)) == datetime(2026, 3, 16, 11, 0)


def test_public_holiday_is_skipped_good_friday_and_easter_monday():
    # Thu 2 Apr 2026 16:00 + 2 h: Fri 3 Apr (Good Friday), weekend, Mon 6 Apr (Easter Monday)
    assert as_berlin(add_business_minutes(berlin(2026, 4, 2, 16, 0), 120)) == datetime(2026, 4, 7, 9, 0)


def test_start_outside_hours_starts_at_next_opening():
    assert as_berlin(add_business_minutes(berlin(2026, 3, 14, 10, 0), 30)) == datetime(2026, 3, 16, 8, 30)
    assert as_berlin(add_business_minutes(berlin(2026, 3, 10, 18, 30), 60)) == datetime(2026, 3, 11, 9, 0)
    assert as_berlin(add_business_minutes(berlin(2026, 3, 10, 6, 0), 0)) == datetime(2026, 3, 10, 8, 0)


def test_exactly_to_closing_stays_on_that_day():
    assert as_berlin(add_business_minutes(berlin(2026, 3, 10, 8, 0), 540)) == datetime(2026, 3, 10, 17, 0)


def test_across_daylight_saving_switch():
    # Fri 27 Mar 2026 16:00 CET + 2 h -> Mon 30 Mar 9:00 CEST (clocks changed on Sunday)
    result = add_business_minutes(berlin(2026, 3, 27, 16, 0), 120)
    assert result == datetime(2026, 3, 30, 7, 0, tzinfo=timezone.utc)


def test_regional_holiday_only_with_subdivision():
    epiphany = berlin(2026, 1, 5, 16, 0)  # Mon; 6 Jan is a holiday in Bavaria only
    assert as_berlin(add_business_minutes(epiphany, 120)) == datetime(2026, 1, 6, 9, 0)
    assert as_berlin(add_business_minutes(epiphany, 120, BusinessCalendar(subdivision="BY"))) \
        == datetime(2026, 1, 7, 9, 0)


def test_minutes_between_counts_only_business_time():
    assert business_minutes_between(berlin(2026, 3, 13, 16, 0), berlin(2026, 3, 16, 9, 0)) == 120
    assert business_minutes_between(berlin(2026, 4, 2, 16, 0), berlin(2026, 4, 7, 9, 0)) == 120
    assert business_minutes_between(berlin(2026, 3, 14, 10, 0), berlin(2026, 3, 15, 10, 0)) == 0
    assert business_minutes_between(berlin(2026, 3, 10, 12, 0), berlin(2026, 3, 10, 11, 0)) == 0


def test_round_trip_property_over_many_starts():
    start = berlin(2026, 12, 23, 7, 0)
    for minutes in (0, 1, 59, 540, 541, 1000, 5000):
        end = add_business_minutes(start, minutes)
        assert business_minutes_between(start, end) == minutes


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        add_business_minutes(datetime(2026, 3, 10, 9, 0), 10)
