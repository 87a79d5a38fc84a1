"""Working days (§ 108 (3) AO: no Saturday, Sunday or public holiday) and banking days.

Banking days for the social-security due dates (§ 23 (1) SGB IV): Monday to Friday
except the days TARGET is closed, the nationwide public holidays, and 24 and 31 December,
which the social-security funds' joint statement does not count as banking days.
"""
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=64)
def public_holidays(year: int, subdivision: str | None = None) -> frozenset[date]:
    """Germany's public holidays of `year` (nationwide, plus the Land's if given)."""
    import holidays

    return frozenset(holidays.Germany(years=year, subdiv=subdivision or None).keys())


@lru_cache(maxsize=64)
def target_holidays(year: int) -> frozenset[date]:
    """Days the TARGET payment system is closed (besides weekends)."""
    import holidays

    return frozenset(holidays.ECB(years=year).keys())


def is_working_day(day: date, subdivision: str | None = None) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year, subdivision)


def is_banking_day(day: date) -> bool:
    return (day.weekday() < 5 and (day.month, day.day) not in ((12, 24), (12, 31))
            and day not in target_holidays(day.year) and day not in public_holidays(day.year))


def next_working_day(day: date, subdivision: str | None = None) -> date:
    """`day` itself or, when it is a Saturday, Sunday or public holiday, the next working day."""
    while not is_working_day(day, subdivision):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=1024)
def nth_last_banking_day(year: int, month: int, n: int) -> date:
    """The n-th last banking day of a month (n=1: the last)."""
    day = date(year, month, 1) + relativedelta(day=31)
    seen = 0
    while True:
        if is_banking_day(day):
            seen += 1
            if seen == n:
                return day
        day -= timedelta(days=1)
