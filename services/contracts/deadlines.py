"""The next cancellation deadline and renewal of a contract (§§ 187, 188 BGB).

A notice period of n months given on day D runs out on the day of the n-th following month
with D's number, or that month's last day when it has no such day (§ 188 (2), (3) BGB);
one of n weeks on the same weekday n weeks later. The cancellation deadline for an end
date E is the last day D whose period still runs out on or before E.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

QUARTER_END_MONTHS = (3, 6, 9, 12)
MAX_STEPS = 5000


@dataclass(frozen=True)
class Terms:
    start: date
    end: date | None = None
    minimum_term_months: int = 0
    notice_period: int = 0
    notice_unit: str = "months"
    notice_to: str = "any_day"
    renewal_months: int = 0
    ends_on: date | None = None      # notice already given: ends then


@dataclass(frozen=True)
class Deadline:
    deadline: date                # last day the notice can be given (received)
    ends_on: date                 # the end the notice then achieves
    renews_on: date | None = None # without notice, a renewing contract renews on this day


def notice_runs_out(given: date, amount: int, unit: str) -> date:
    """The day a notice given on `given` runs out (§ 188 (2), (3) BGB)."""
    if unit == "weeks":
        return given + timedelta(weeks=amount)
    return given + relativedelta(months=amount)   # clamps to the month's last day


def latest_notice_for(end: date, amount: int, unit: str) -> date:
    """The last day a notice can be given to take effect at the end of `end`."""
    if unit == "weeks":
        return end - timedelta(weeks=amount)
    earlier = end - relativedelta(months=amount)
    if end == _month_end(end):     # every later day of that month also runs out on `end`
        return _month_end(earlier)
    return earlier


def term_end(start: date, months: int) -> date:
    """The last day of a term of `months` months beginning on `start` (§ 188 (2), (3) BGB)."""
    corresponding = start + relativedelta(months=months)
    if corresponding.day < start.day:      # no such day in that month: its last day
        return corresponding
    return corresponding - timedelta(days=1)


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


def _allowed_ends(terms: Terms, first: date):
    """The end dates a notice may aim at, from `first` on, ascending."""
    if terms.renewal_months:
        k = 0
        initial = terms.end or term_end(terms.start, terms.minimum_term_months or
                                        terms.renewal_months)
        end = initial
        while True:
            if end >= first:
                yield end
            k += 1
            end = term_end(initial + timedelta(days=1), terms.renewal_months * k)
    elif terms.notice_to == "month_end":
        end = _month_end(first)
        while True:
            yield end
            end = _month_end(end + timedelta(days=1))
    elif terms.notice_to == "quarter_end":
        end = _month_end(first)
        while True:
            if end.month in QUARTER_END_MONTHS:
                yield end
            end = _month_end(end + timedelta(days=1))
    elif terms.notice_to in ("contract_year_end", "term_end"):
        years = 1
        while True:
            end = term_end(terms.start, 12 * years)
            if end >= first:
                yield end
            years += 1
    else:  # any day
        day = first
        while True:
            yield day
            day += timedelta(days=1)


def next_deadline(terms: Terms, today: date) -> Deadline | None:
    """The next cancellation deadline on or after `today`; None if nothing needs cancelling."""
    if terms.ends_on or (terms.end and not terms.renewal_months):
        return None      # ends by itself (or notice already given)
    first = terms.start
    if terms.minimum_term_months:
        first = max(first, term_end(terms.start, terms.minimum_term_months))
    if not terms.renewal_months and terms.notice_to == "any_day":
        first = max(first, notice_runs_out(today, terms.notice_period, terms.notice_unit))
    for steps, end in enumerate(_allowed_ends(terms, first)):
        deadline = latest_notice_for(end, terms.notice_period, terms.notice_unit)
        if deadline >= today:
            renews = end + timedelta(days=1) if terms.renewal_months else None
            return Deadline(deadline=deadline, ends_on=end, renews_on=renews)
        if steps > MAX_STEPS:
            return None
    return None


def terms_of(contract) -> Terms:
    """The computation's view of a stored contract."""
    return Terms(start=contract.start, end=contract.end,
                 minimum_term_months=contract.minimum_term_months or 0,
                 notice_period=contract.notice_period or 0,
                 notice_unit=contract.notice_unit or "months",
                 notice_to=contract.notice_to or "any_day",
                 renewal_months=contract.renewal_months or 0, ends_on=contract.ends_on)
