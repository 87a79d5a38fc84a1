"""Cancellation deadlines worked out by hand (§§ 187, 188 BGB), and against a brute-force oracle."""
from datetime import date, timedelta

import pytest

from services.contracts.deadlines import (Terms, latest_notice_for, next_deadline,
                                          notice_runs_out, term_end)

D = date


@pytest.mark.parametrize("start, months, end", [
    (D(2026, 1, 1), 12, D(2026, 12, 31)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),    # no 31 Feb: the month's last day (§ 188 (3))
    (D(2028, 1, 31), 1, D(2028, 2, 29)),    # leap year
    (D(2026, 1, 28), 1, D(2026, 2, 27)),
    (D(2026, 1, 29), 1, D(2026, 2, 28)),    # no 29 Feb 2026
    (D(2027, 1, 29), 1, D(2027, 2, 28)),
    (D(2028, 1, 29), 1, D(2028, 2, 28)),    # 29 Feb 2028 exists: the day before it
    (D(2024, 2, 29), 12, D(2025, 2, 28)),   # from a leap day
    (D(2025, 3, 15), 24, D(2027, 3, 14)),
])
def test_term_ends(start, months, end):
    assert term_end(start, months) == end


@pytest.mark.parametrize("end, amount, unit, deadline", [
    (D(2026, 12, 31), 3, "months", D(2026, 9, 30)),   # no 31 Sep: 30 Sep still reaches 31 Dec
    (D(2026, 6, 30), 3, "months", D(2026, 3, 31)),    # 31 Mar + 3 months = 30 Jun (§ 188 (3))
    (D(2026, 3, 31), 3, "months", D(2025, 12, 31)),
    (D(2026, 9, 30), 3, "months", D(2026, 6, 30)),
    (D(2026, 2, 28), 1, "months", D(2026, 1, 31)),    # 31 Jan + 1 month runs out on 28 Feb
    (D(2028, 2, 29), 1, "months", D(2028, 1, 31)),    # leap year
    (D(2026, 3, 28), 1, "months", D(2026, 2, 28)),    # 28 Feb + 1 month = 28 Mar, not 31 Mar
    (D(2026, 3, 31), 1, "months", D(2026, 2, 28)),
    (D(2028, 3, 31), 1, "months", D(2028, 2, 29)),
    (D(2026, 4, 30), 2, "months", D(2026, 2, 28)),
    (D(2026, 12, 31), 4, "weeks", D(2026, 12, 3)),
    (D(2026, 3, 1), 2, "weeks", D(2026, 2, 15)),
])
def test_latest_notice_for_an_end(end, amount, unit, deadline):
    assert latest_notice_for(end, amount, unit) == deadline


@pytest.mark.parametrize("unit", ["months", "weeks"])
@pytest.mark.parametrize("amount", [1, 2, 3, 6, 12])
def test_latest_notice_is_the_last_day_that_still_reaches_the_end(unit, amount):
    """Oracle: § 188 BGB forwards; the deadline is the last day whose period ends by the end."""
    from dateutil.relativedelta import relativedelta

    def runs_out(given):   # written out again here: same day number, else the month's last day
        if unit == "weeks":
            return given + timedelta(days=7 * amount)
        return given + relativedelta(months=amount)

    for offset in range(0, 3 * 366):
        end = D(2026, 1, 1) + timedelta(days=offset)
        got = latest_notice_for(end, amount, unit)
        assert runs_out(got) <= end < runs_out(got + timedelta(days=1)), (end, got)
        assert notice_runs_out(got, amount, unit) == runs_out(got)


CASES = [
    # (name, terms, today, deadline, ends_on, renews_on)
    ("renewing yearly, 24 months minimum, 3 months to term end",
     Terms(D(2025, 1, 1), minimum_term_months=24, notice_period=3, renewal_months=12,
           notice_to="term_end"), D(2026, 5, 1), D(2026, 9, 30), D(2026, 12, 31), D(2027, 1, 1)),
    ("same contract, first deadline missed: the next term's",
     Terms(D(2025, 1, 1), minimum_term_months=24, notice_period=3, renewal_months=12,
           notice_to="term_end"), D(2026, 10, 1), D(2027, 9, 30), D(2027, 12, 31), D(2028, 1, 1)),
    ("deadline day itself is still in time",
     Terms(D(2025, 1, 1), minimum_term_months=24, notice_period=3, renewal_months=12,
           notice_to="term_end"), D(2026, 9, 30), D(2026, 9, 30), D(2026, 12, 31), D(2027, 1, 1)),
    ("started 31 Jan, 1 month term renewing monthly, 2 weeks notice",
     Terms(D(2026, 1, 31), minimum_term_months=1, notice_period=2, notice_unit="weeks",
           renewal_months=1), D(2026, 2, 1), D(2026, 2, 14), D(2026, 2, 28), D(2026, 3, 1)),
    ("fixed first end (deadline 31 Dec 2025 passed), then renewing by 12 months",
     Terms(D(2024, 7, 1), end=D(2026, 6, 30), notice_period=6, renewal_months=12),
     D(2026, 1, 15), D(2026, 12, 31), D(2027, 6, 30), D(2027, 7, 1)),
    ("indefinite, 3 months to a quarter end",
     Terms(D(2024, 3, 15), notice_period=3, notice_to="quarter_end"),
     D(2026, 5, 1), D(2026, 6, 30), D(2026, 9, 30), None),
    ("indefinite, quarter end, on 31 Mar itself",
     Terms(D(2024, 3, 15), notice_period=3, notice_to="quarter_end"),
     D(2026, 3, 31), D(2026, 3, 31), D(2026, 6, 30), None),
    ("indefinite, 4 weeks to a month end",
     Terms(D(2024, 3, 15), notice_period=4, notice_unit="weeks", notice_to="month_end"),
     D(2026, 2, 1), D(2026, 3, 3), D(2026, 3, 31), None),
    ("indefinite, 1 month to a month end in February of a leap year",
     Terms(D(2024, 3, 15), notice_period=1, notice_to="month_end"),
     D(2028, 1, 31), D(2028, 1, 31), D(2028, 2, 29), None),
    ("indefinite, 1 month to month end: 1 Feb is too late for February",
     Terms(D(2024, 3, 15), notice_period=1, notice_to="month_end"),
     D(2026, 2, 1), D(2026, 2, 28), D(2026, 3, 31), None),
    ("indefinite with 12 months minimum term, 1 month to any day",
     Terms(D(2026, 1, 1), minimum_term_months=12, notice_period=1),
     D(2026, 3, 10), D(2026, 11, 30), D(2026, 12, 31), None),
    ("any day after the minimum term: today plus the notice period",
     Terms(D(2026, 1, 1), minimum_term_months=12, notice_period=1),
     D(2027, 1, 31), D(2027, 1, 31), D(2027, 2, 28), None),
    ("3 months to the end of the contract year (started 1 Apr)",
     Terms(D(2023, 4, 1), notice_period=3, notice_to="contract_year_end"),
     D(2025, 12, 31), D(2025, 12, 31), D(2026, 3, 31), None),
]


@pytest.mark.parametrize("name, terms, today, deadline, ends_on, renews_on", CASES,
                         ids=[c[0] for c in CASES])
def test_next_cancellation_deadline(name, terms, today, deadline, ends_on, renews_on):
    found = next_deadline(terms, today)
    assert (found.deadline, found.ends_on, found.renews_on) == (deadline, ends_on, renews_on)


def test_contract_year_end_deadline_just_passed_moves_a_year_on():
    terms = Terms(D(2023, 4, 1), notice_period=3, notice_to="contract_year_end")
    found = next_deadline(terms, D(2026, 1, 1))
    assert (found.deadline, found.ends_on) == (D(2026, 12, 31), D(2027, 3, 31))


def test_contracts_that_end_by_themselves_need_no_notice():
    assert next_deadline(Terms(D(2026, 1, 1), end=D(2026, 12, 31), notice_period=3),
                         D(2026, 2, 1)) is None
    assert next_deadline(Terms(D(2026, 1, 1), notice_period=3, ends_on=D(2026, 6, 30)),
                         D(2026, 2, 1)) is None
