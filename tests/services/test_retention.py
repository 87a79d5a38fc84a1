"""Keep-until dates: every seeded rule, year ends, leap years, month ends; never a day early."""
from datetime import date

import pytest

from seeds.reference import RETENTION_RULES
from services.core.errors import BusinessRuleError
from services.archive.retention import Rule, add_months, is_expired, keep_until

YEARS_FROM_YEAR_END = {code: Rule(p, u, s) for code, p, u, s, _ in RETENTION_RULES}


@pytest.mark.parametrize("code, document_date, expected", [
    ("books", date(2026, 12, 31), date(2036, 12, 31)),
    ("books", date(2026, 1, 1), date(2036, 12, 31)),
    ("invoice", date(2026, 3, 15), date(2034, 12, 31)),  # may go from 2035-01-01
    ("voucher", date(2024, 2, 29), date(2032, 12, 31)),
    ("payslip", date(2025, 12, 31), date(2033, 12, 31)),
    ("letter", date(2026, 6, 30), date(2032, 12, 31)),
    # Payroll account: last payment in 2026 -> end of the 6th calendar year after it.
    ("payroll_account", date(2026, 12, 15), date(2032, 12, 31)),
    ("application", date(2026, 3, 15), date(2026, 9, 15)),
    ("application", date(2026, 8, 31), date(2027, 2, 28)),  # no 31 Feb: month's end
    ("application", date(2027, 8, 31), date(2028, 2, 29)),  # leap year
    ("application", date(2026, 12, 31), date(2027, 6, 30)),
    ("application", date(2026, 2, 28), date(2026, 8, 28)),
])
def test_seeded_rules(code, document_date, expected):
    assert keep_until(YEARS_FROM_YEAR_END[code], document_date) == expected


@pytest.mark.parametrize("code, document_date", [
    ("invoice", date(2026, 3, 15)), ("application", date(2026, 8, 31)),
    ("application", date(2024, 2, 29)), ("books", date(2024, 2, 29)),
])
def test_never_a_day_early(code, document_date):
    last_day = keep_until(YEARS_FROM_YEAR_END[code], document_date)
    assert not is_expired(last_day, last_day)
    assert not is_expired(last_day, date.fromordinal(last_day.toordinal() - 1))
    assert is_expired(last_day, date.fromordinal(last_day.toordinal() + 1))


def test_leap_day_document_with_years_from_its_date_ends_on_28_february():
    assert keep_until(Rule(1, "years", "document_date"), date(2024, 2, 29)) == date(2025, 2, 28)
    assert keep_until(Rule(4, "years", "document_date"), date(2024, 2, 29)) == date(2028, 2, 29)


def test_fixed_start_date_and_a_later_document_date():
    rule = Rule(3, "years", "fixed_date", date(2025, 6, 30))
    assert keep_until(rule, date(2020, 1, 1)) == date(2028, 6, 30)
    assert keep_until(rule, date(2026, 1, 31)) == date(2029, 1, 31)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 3, 31), 6, date(2026, 9, 30)), (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 12, 31), 120, date(2036, 12, 31)), (date(2026, 5, 15), 0, date(2026, 5, 15)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_no_rule_means_never_expired():
    assert not is_expired(None, date(2999, 1, 1))


@pytest.mark.parametrize("rule", [Rule(0, "years", "year_end"), Rule(1, "weeks", "year_end"),
                                  Rule(1, "years", "fixed_date"), Rule(1, "years", "moon")])
def test_broken_rules_are_refused(rule):
    with pytest.raises(BusinessRuleError):
        keep_until(rule, date(2026, 1, 1))


def test_every_day_of_a_leap_and_a_common_year_keeps_at_least_the_period():
    """Brute force: the period never ends before the same date N months later."""
    rule = Rule(6, "months", "document_date")
    day = date(2027, 1, 1)
    while day < date(2029, 1, 1):
        end = keep_until(rule, day)
        assert end >= day and (end.year * 12 + end.month) - (day.year * 12 + day.month) == 6
        assert end.day == day.day or end.day < day.day  # shorter month: its last day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize("start", ["anfang", "moon", "year_end ", ""])
def test_an_unknown_start_rule_is_named_not_taken_for_another(start):
    """Also starts that sort before or after the known ones (no fixed date given)."""
    with pytest.raises(BusinessRuleError, match=f"unknown retention start rule {start!r}"):
        keep_until(Rule(1, "years", start), date(2026, 1, 1))


def test_a_fixed_start_without_its_date_is_named():
    with pytest.raises(BusinessRuleError, match="starts at a fixed date but has none"):
        keep_until(Rule(1, "years", "fixed_date"), date(2026, 1, 1))


def test_a_rule_is_a_value_that_the_computation_cannot_change():
    import dataclasses

    rule = Rule(10, "years", "year_end")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.period = 1
    assert hash(rule) == hash(Rule(10, "years", "year_end"))
