"""Working days of an employee: the week model and the public holidays of the workplace state."""
import functools
from datetime import date, timedelta
from decimal import Decimal

HALF = Decimal("0.5")


@functools.lru_cache(maxsize=256)
def public_holidays(state: str, year: int) -> dict[date, str]:
    """The public holidays of a German state in a year, with their German names."""
    import holidays

    return dict(holidays.Germany(years=year, subdiv=state, language="de").items())


def is_working_day(day: date, work_days: str, state: str) -> bool:
    """A day of the week model that is no public holiday in the state."""
    return str(day.isoweekday()) in work_days and day not in public_holidays(state, day.year)


def days_between(start: date, end: date):
    """Every day from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def working_days(start: date, end: date, work_days: str, state: str,
                 half_day_start: bool = False, half_day_end: bool = False,
                 within: tuple[date, date] | None = None) -> Decimal:
    """Count the working days of an absence; a half first or last day counts 0.5.

    `within` limits the count to a span (a year, a month) of the absence.
    """
    lo, hi = (max(start, within[0]), min(end, within[1])) if within else (start, end)
    total = Decimal(0)
    for day in days_between(lo, hi) if lo <= hi else ():
        if not is_working_day(day, work_days, state):
            continue
        half = (half_day_start and day == start) or (half_day_end and day == end)
        total += HALF if half else Decimal(1)
    return total


def days_per_week(work_days: str) -> int:
    return len(set(work_days or "12345"))
