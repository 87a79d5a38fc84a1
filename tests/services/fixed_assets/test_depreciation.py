"""Depreciation by hand-computed figures: pro rata start, GWG and Sammelposten edges."""
from decimal import Decimal as D

import pytest

from services.fixed_assets.depreciation import amount_for, method_for, written_off


@pytest.mark.parametrize("cost, pool, method", [
    ("800.00", False, "gwg"), ("800.01", False, "linear"), ("0.01", False, "gwg"),
    ("250.00", True, "gwg"), ("250.01", True, "pool"), ("1000.00", True, "pool"),
    ("1000.01", True, "linear"), ("800.00", True, "pool"), ("250.00", False, "gwg")])
def test_method_edges(cost, pool, method):
    assert method_for(D(cost), pool) == method


def test_linear_from_the_middle_of_march_counts_march_in_full():
    # 1,234.56 € over 60 months from 15 Mar 2026; after k months round(1234.56 × k / 60):
    # k=1 20.58 (20.576), k=2 41.15 (41.152), k=3 61.73 (61.728), k=59 1213.98 (1213.984)
    cost, start = D("1234.56"), (2026, 3)
    months = [amount_for("linear", cost, start, 60, 2026, m) for m in (2, 3, 4, 5)]
    assert months == [D("0.00"), D("20.58"), D("20.57"), D("20.58")]
    assert written_off("linear", cost, start, 60, 2026, 12) == D("205.76")  # 10 months
    assert amount_for("linear", cost, start, 60, 2031, 2) == D("20.58")  # last (60th) month
    assert amount_for("linear", cost, start, 60, 2031, 3) == D("0.00")
    assert written_off("linear", cost, start, 60, 2035, 1) == cost
    total = sum(amount_for("linear", cost, start, 60, y, m)
                for y in range(2026, 2032) for m in range(1, 13))
    assert total == cost


def test_a_car_bought_on_31_july_gets_half_a_year():
    # 30,000 € over 6 years: 5,000 € a year, July-December = 6/12 = 2,500.00 €
    assert written_off("linear", D("30000.00"), (2026, 7), 72, 2026, 12) == D("2500.00")
    assert amount_for("linear", D("30000.00"), (2026, 7), 72, 2026, 7) == D("416.67")
    # disposed in March 2027: March still counts, April not
    until = (2027, 3)
    assert written_off("linear", D("30000.00"), (2026, 7), 72, 2027, 12, until) == D("3750.00")
    assert amount_for("linear", D("30000.00"), (2026, 7), 72, 2027, 4, until) == D("0.00")


def test_gwg_goes_in_full_in_the_month_of_acquisition():
    assert amount_for("gwg", D("800.00"), (2026, 5), 1, 2026, 5) == D("800.00")
    assert amount_for("gwg", D("800.00"), (2026, 5), 1, 2026, 6) == D("0.00")
    assert amount_for("gwg", D("800.00"), (2026, 5), 1, 2026, 4) == D("0.00")


def test_sammelposten_one_fifth_each_december_never_pro_rata():
    # 250.01 €: after k years round(250.01 × k / 5) = 50.00, 100.00, 150.01, 200.01, 250.01
    cost, start = D("250.01"), (2026, 11)
    years = [amount_for("pool", cost, start, 60, y, 12) for y in range(2026, 2032)]
    assert years == [D("50.00"), D("50.00"), D("50.01"), D("50.00"), D("50.00"), D("0.00")]
    assert amount_for("pool", cost, start, 60, 2026, 11) == D("0.00")
    assert amount_for("pool", D("1000.00"), (2026, 1), 60, 2026, 12) == D("200.00")
    assert written_off("pool", cost, start, 60, 2027, 11) == D("50.00")
    assert written_off("pool", cost, start, 60, 2027, 12) == D("100.00")
