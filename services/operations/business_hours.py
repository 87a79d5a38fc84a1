"""Business-hours arithmetic for SLAs: Mon–Fri 8–17 Europe/Berlin without public holidays.

Pure functions over a BusinessCalendar; times in and out are timezone-aware
(results in UTC). Daylight-saving switches happen at night, outside business
hours, so wall-clock arithmetic within a day is exact.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@lru_cache(maxsize=64)
def german_holidays(year: int, subdivision: str | None = None) -> frozenset[date]:
    """Public holidays in Germany (nationwide, or of one Land such as 'BY')."""
    import holidays

    return frozenset(holidays.Germany(years=year, subdiv=subdivision).keys())


@dataclass(frozen=True)
class BusinessCalendar:
    start: time = time(8, 0)
    end: time = time(17, 0)
    workdays: frozenset = field(default_factory=lambda: frozenset(range(5)))  # Mon=0
    tz: ZoneInfo = BERLIN
    subdivision: str | None = None

    def is_workday(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in german_holidays(
            day.year, self.subdivision)

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.start, self.tz)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.end, self.tz)


DEFAULT_CALENDAR = BusinessCalendar()


def _next_open(moment: datetime, cal: BusinessCalendar) -> datetime:
    """The moment itself if within business hours, else the next opening."""
    local = moment.astimezone(cal.tz)
    day = local.date()
    if cal.is_workday(day) and local < cal.closing(day):
        return max(local, cal.opening(day))
    day += timedelta(days=1)
    while not cal.is_workday(day):
        day += timedelta(days=1)
    return cal.opening(day)


def add_business_minutes(start: datetime, minutes: int,
                         cal: BusinessCalendar = DEFAULT_CALENDAR) -> datetime:
    """Return the moment `minutes` business minutes after `start` (in UTC)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    moment = _next_open(start, cal)
    remaining = timedelta(minutes=minutes)
    while True:
        left_today = cal.closing(moment.date()) - moment
        if remaining <= left_today:
            return (moment + remaining).astimezone(timezone.utc)
        remaining -= left_today
        moment = _next_open(cal.closing(moment.date()), cal)


def business_minutes_between(start: datetime, end: datetime,
                             cal: BusinessCalendar = DEFAULT_CALENDAR) -> int:
    """Whole business minutes from start to end (0 when end is not after start)."""
    if end <= start:
        return 0
    total, moment, end_local = timedelta(0), _next_open(start, cal), end.astimezone(cal.tz)
    while moment < end_local:
        stop = min(cal.closing(moment.date()), end_local)
        total += max(stop - moment, timedelta(0))
        moment = _next_open(cal.closing(moment.date()), cal)
    return int(total.total_seconds() // 60)
