"""Leave entitlement by hand: BUrlG minimum, week models, twelfths, § 208 SGB IX, carry-over."""
from datetime import date
from decimal import Decimal as D

import pytest

from services.hr.entitlement import (entitlement, full_months_employed, round_part,
                                     statutory_minimum, year_accounts)


@pytest.mark.parametrize("per_week, minimum", [(6, D(24)), (5, D(20)), (4, D(16)),
                                                (3, D(12)), (1, D(4))])
def test_statutory_minimum_is_four_weeks_in_every_week_model(per_week, minimum):
    assert statutory_minimum(per_week) == minimum


def test_a_full_year_takes_the_contract_converted_to_the_week_model():
    hired = date(2020, 2, 1)
    assert entitlement(2026, hired, None, D(30), "12345") == 30
    assert entitlement(2026, hired, None, D(30), "123") == 18       # 30 × 3/5
    assert entitlement(2026, hired, None, D(28), "1234") == D("22.4")  # 28 × 4/5
    assert entitlement(2026, hired, None, D(30), "123456") == 36    # 30 × 6/5


def test_below_the_statutory_minimum_the_law_applies():
    hired = date(2020, 2, 1)
    assert entitlement(2026, hired, None, D(18), "12345") == 20
    assert entitlement(2026, hired, None, None, "123456") == 24
    assert entitlement(2026, hired, None, D(19), "123") == 12     # 19 × 3/5 = 11.4 < 12


def test_severely_disabled_get_five_days_at_five_days_a_week():
    hired = date(2020, 2, 1)
    assert entitlement(2026, hired, None, D(30), "12345", True) == 35
    assert entitlement(2026, hired, None, D(30), "123", True) == 21   # 18 + 3
    assert entitlement(2026, hired, None, None, "123456", True) == 30  # 24 + 6


def test_full_months_are_calendar_months_employed_every_day():
    assert full_months_employed(2026, date(2026, 4, 1), None) == 9
    assert full_months_employed(2026, date(2026, 4, 2), None) == 8
    assert full_months_employed(2026, date(2020, 1, 1), date(2026, 9, 30)) == 9
    assert full_months_employed(2026, date(2020, 1, 1), date(2026, 9, 29)) == 8
    assert full_months_employed(2025, date(2020, 1, 1), date(2026, 9, 29)) == 12


def test_rounding_of_parts_half_a_day_and_more_up_less_kept():
    assert round_part(D("22.5")) == 23
    assert round_part(D("12.49")) == D("12.49")
    assert round_part(D("10")) == 10


def test_entry_year_twelfths():
    # hired 1 April: 9 months of 30 days = 22.5 -> 23 (above the statutory 20)
    assert entitlement(2026, date(2026, 4, 1), None, D(30), "12345") == 23
    # hired 1 August: waiting period ends in January: 5/12 of 30 = 12.5 -> 13
    assert entitlement(2026, date(2026, 8, 1), None, D(30), "12345") == 13
    # hired 15 August: 4 full months: 10
    assert entitlement(2026, date(2026, 8, 15), None, D(30), "12345") == 10
    # hired 1 July: the waiting period ends on 31 December: the full statutory minimum
    assert entitlement(2026, date(2026, 7, 1), None, D(30), "12345") == 20
    # hired 2 July: it ends in January, 5 full months: 12.5 -> 13
    assert entitlement(2026, date(2026, 7, 2), None, D(30), "12345") == 13
    assert entitlement(2025, date(2026, 7, 2), None, D(30), "12345") == 0


def test_exit_year_twelfths_and_the_statutory_minimum_in_the_second_half():
    hired = date(2020, 1, 1)
    # leaves 31 March: 3/12 of 30 = 7.5 -> 8
    assert entitlement(2026, hired, date(2026, 3, 31), D(30), "12345") == 8
    # leaves 30 June (first half): 6/12 of 24 = 12, no statutory floor
    assert entitlement(2026, hired, date(2026, 6, 30), D(24), "12345") == 12
    # leaves 31 July (second half): 7/12 of 24 = 14, but the statutory 20 are due
    assert entitlement(2026, hired, date(2026, 7, 31), D(24), "12345") == 20
    # leaves 30 September: 9/12 of 30 = 22.5 -> 23 (above 20)
    assert entitlement(2026, hired, date(2026, 9, 30), D(30), "12345") == 23
    assert entitlement(2027, hired, date(2026, 9, 30), D(30), "12345") == 0


def test_carry_over_expires_after_31_march_unless_used():
    ents = {2025: D(30), 2026: D(30)}
    expiry = {2025: date(2025, 3, 31), 2026: date(2026, 3, 31)}
    # 2025: 24 taken, 6 left; 2026: 4 taken by 31 March, 10 in all
    taken, early = {2025: D(24), 2026: D(10)}, {2025: D(0), 2026: D(4)}
    on_31_march = year_accounts(2025, 2026, ents, taken, early, expiry, date(2026, 3, 31))
    assert on_31_march[-1].carried_over == 6 and on_31_march[-1].carry_expired == 0
    assert on_31_march[-1].remaining == 26
    on_1_april = year_accounts(2025, 2026, ents, taken, early, expiry, date(2026, 4, 1))
    assert on_1_april[-1].carry_expired == 2          # 6 carried, 4 used in time
    assert on_1_april[-1].remaining == 24             # 30 + 6 - 2 - 10
    none_carried = year_accounts(2025, 2026, ents, taken, early, expiry, date(2026, 1, 5),
                                 carry_over=False)
    assert none_carried[-1].carried_over == 0 and none_carried[-1].remaining == 20


def test_more_taken_early_than_carried_expires_nothing():
    ents = {2025: D(30), 2026: D(30)}
    expiry = {2025: date(2025, 3, 31), 2026: date(2026, 3, 31)}
    accounts = year_accounts(2025, 2026, ents, {2025: D(27), 2026: D(5)},
                             {2026: D(5)}, expiry, date(2026, 6, 1))
    assert accounts[-1].carried_over == 3 and accounts[-1].carry_expired == 0
    assert accounts[-1].remaining == 28
