"""TARGET2 business days and the lead time of SEPA direct debits.

The interbank SEPA schemes settle on TARGET2 days: Monday to Friday except New Year's
Day, Good Friday, Easter Monday, 1 May, 25 and 26 December. A CORE or B2B collection
must reach the creditor's bank at least one TARGET2 day before its due date (D-1,
rulebook since November 2016); the debtor must be notified before the collection by the
mandate's pre-notification period (14 calendar days unless agreed otherwise).
"""
from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def is_target_day(day: date) -> bool:
    """Tell whether the day is a TARGET2 business day."""
    if day.weekday() >= 5:
        return False
    easter = easter_sunday(day.year)
    closed = {date(day.year, 1, 1), easter - timedelta(days=2), easter + timedelta(days=1),
              date(day.year, 5, 1), date(day.year, 12, 25), date(day.year, 12, 26)}
    return day not in closed


def next_target_day(day: date) -> date:
    """The first TARGET2 business day after `day`."""
    day += timedelta(days=1)
    while not is_target_day(day):
        day += timedelta(days=1)
    return day


def earliest_collection(submitted_on: date) -> date:
    """The earliest due date of a collection handed to the bank on `submitted_on` (D-1).

    A file handed in on a closing day is processed on the next TARGET2 day, which is then
    its D-1 (the bank's cut-off time within the day is not modelled).
    """
    processed = submitted_on if is_target_day(submitted_on) else next_target_day(submitted_on)
    return next_target_day(processed)
